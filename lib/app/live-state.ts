import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { DecisionRecord } from "../services/signal-runner/decision-ledger";
import type { Clock } from "../core/clock";
import type { Journal } from "../core/ports/state-store.port";
import { JsonlJournal } from "../infra/journal";
import { JsonStateStore } from "../infra/state-store";
import { KillSwitch } from "../risk/kill-switch";
import { POSITIONS_KEY } from "../services/signal-runner/account-book";
import { TTL_STATE_KEY } from "../services/signal-runner/decision-ledger";
import type { LiveConfig } from "./live-config";

/** Adds the run id and venue to every journal record, so runs can be told apart in SQL. */
export class TaggedJournal implements Journal {
  constructor(
    readonly inner: JsonlJournal,
    private readonly tags: Record<string, unknown>,
  ) {}
  append(kind: string, record: Record<string, unknown>): Promise<void> {
    return this.inner.append(kind, { ...record, ...this.tags });
  }
  flush(): Promise<void> {
    return this.inner.flush();
  }
  close(): void {
    this.inner.close();
  }
}

/** Where a run keeps positions.json and ttl_state.json, and the journal folder. */
export interface StatePaths {
  /** positions.json and ttl_state.json live here. */
  sessionDir: string;
  journalDir: string;
}

/**
 * State of a run against the in-process replay exchange lives under <stateDir>/replay and starts
 * empty each time (the exchange's simulated account is new on every start, so yesterday's positions
 * would be wrong); every other venue keeps its state in <stateDir> across restarts. The journal is
 * always <stateDir>/journal (append-only; records carry run id and venue).
 */
export function statePaths(cfg: LiveConfig, inProcessReplay: boolean): StatePaths {
  const root = cfg.live.stateDir;
  if (!inProcessReplay) return { sessionDir: root, journalDir: join(root, "journal") };
  const sessionDir = join(root, "replay");
  for (const key of [POSITIONS_KEY, TTL_STATE_KEY]) {
    const p = join(sessionDir, `${key}.json`);
    if (existsSync(p)) rmSync(p);
  }
  return { sessionDir, journalDir: join(root, "journal") };
}

/** The kill switch over risk.killSwitch, persisted in its state file (shared with `npm run kill-switch`). */
export function createKillSwitch(cfg: LiveConfig): KillSwitch {
  const k = cfg.risk.killSwitch;
  const store = new JsonStateStore(dirname(k.stateFile));
  return new KillSwitch({ limits: { ...k.limits }, windowMinutes: k.windowMinutes, flattenOnTrip: k.flattenOnTrip }, store, basename(k.stateFile).replace(/\.json$/, ""));
}

/**
 * The journal: one write() per record without fsync (a killed process loses nothing it wrote; the
 * runner flushes to disk every second and at shutdown).
 */
export function openJournal(dir: string, clock: Clock, tags: Record<string, unknown>): TaggedJournal {
  return new TaggedJournal(new JsonlJournal(dir, clock, { fsync: false }), tags);
}

/**
 * Decision intents of `venue` in the two most recent journal files (the write-ahead records of
 * orders that may have left just before a crash). Torn or unparsable lines are skipped.
 */
export function recentIntents(journalDir: string, venue: string, symbols: readonly string[]): DecisionRecord[] {
  if (!existsSync(journalDir)) return [];
  const files = readdirSync(journalDir).filter((f) => f.endsWith(".jsonl")).sort().slice(-2);
  const out: DecisionRecord[] = [];
  for (const f of files) {
    for (const line of readFileSync(join(journalDir, f), "utf8").split("\n")) {
      if (!line.includes('"kind":"intent"')) continue;
      try {
        const r = JSON.parse(line) as DecisionRecord & { kind: string; venue?: string };
        if (r.kind === "intent" && r.venue === venue && symbols.includes(r.symbol)) out.push(r);
      } catch {
        // a torn last line: the order it announced is looked up at the venue anyway
      }
    }
  }
  return out.sort((a, b) => a.barTs - b.barTs);
}

/** fsyncs the state files of a folder (the per-bar writes skip it; shutdown makes them durable). */
export function syncStateFiles(dir: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir).filter((n) => n.endsWith(".json"))) {
    const fd = openSync(join(dir, f), "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
