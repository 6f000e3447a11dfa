import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { Journal } from "../core/ports/state-store.port";
import type { Clock } from "../core/clock";

/** One journal record as stored: kind, wall time and the payload. */
export interface JournalRecord {
  kind: string;
  ts: number;
  [k: string]: unknown;
}

/**
 * Append-only JSON-lines journal, one file per UTC day (state/journal/2025-06-01.jsonl), queryable by
 * DuckDB's read_json. Each record is one write() of one full line followed by fsync, so a crash leaves at
 * most a torn LAST line, which readers skip (and a restart seals with a newline before appending).
 */
export class JsonlJournal implements Journal {
  private fd = -1;
  private day = "";

  constructor(
    readonly dir: string,
    private readonly clock: Clock,
    private readonly opts: { fsync?: boolean } = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  async append(kind: string, record: Record<string, unknown>): Promise<void> {
    const ts = this.clock.now();
    const day = new Date(ts).toISOString().slice(0, 10);
    if (day !== this.day) this.open(day);
    const line = Buffer.from(JSON.stringify({ kind, ts, ...record }) + "\n", "utf8");
    let off = 0;
    while (off < line.length) off += writeSync(this.fd, line, off, line.length - off);
    if (this.opts.fsync ?? true) fsyncSync(this.fd);
  }

  async flush(): Promise<void> {
    if (this.fd >= 0) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    this.day = "";
  }

  private open(day: string): void {
    this.close();
    const p = join(this.dir, `${day}.jsonl`);
    const torn = existsSync(p) && endsTorn(p);
    this.fd = openSync(p, "a");
    if (torn) writeSync(this.fd, "\n"); // seal a torn last line so the next record starts clean
    this.day = day;
  }
}

function endsTorn(p: string): boolean {
  const buf = readFileSync(p);
  return buf.length > 0 && buf[buf.length - 1] !== 0x0a;
}

/** Reads every record in a journal folder in file order; torn or unparsable lines are counted, not returned. */
export function readJournal(dir: string): { records: JournalRecord[]; skipped: number } {
  if (!existsSync(dir)) return { records: [], skipped: 0 };
  const records: JournalRecord[] = [];
  let skipped = 0;
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".jsonl")).sort()) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      if (line.trim() === "") continue;
      try {
        records.push(JSON.parse(line) as JournalRecord);
      } catch {
        skipped++;
      }
    }
  }
  return { records, skipped };
}
