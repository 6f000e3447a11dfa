import { isTradelabError } from "../core/errors";
import { openDataSession } from "../infra/data/session";
import type { ColumnInfo, QueryResult } from "../infra/data/types";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";

export const queryCommand = defineCommand({
  command: "npm run query --",
  summary: "Run SQL against the data views (bars, trades, book, book_ticker, quote_bars, journal) and print the result.",
  positionals: { name: "sql", description: "the SQL statement (quote it)", min: 1 },
  flags: {
    format: { type: "string", default: "table", choices: ["table", "csv", "json"], description: "output format" },
    maxRows: { type: "integer", default: 200, min: 1, description: "rows shown in table format (csv and json print all)" },
    dataDir: { type: "string", description: "data folder (default $TRADELAB_DATA_DIR or ./data)" },
    memory: { type: "boolean", description: "load the data into memory first (faster for repeated heavy scans)" },
  },
  examples: [
    `npm run query -- "SELECT symbol, count(*) FROM bars WHERE timeframe='1m' GROUP BY ALL"`,
    `npm run query -- "SELECT time_bucket(INTERVAL '1 day', ts) AS day, sum(volume) FROM bars WHERE symbol='BTCUSDT' GROUP BY 1 ORDER BY 1" --format csv`,
    `npm run query -- "DESCRIBE bars"`,
  ],
  notes: ["Timestamps print as ISO 8601 UTC. A bad query prints DuckDB's message; exit 1. Usage errors exit 2."],
});

function isTime(c: ColumnInfo): boolean {
  return c.type.startsWith("TIMESTAMP") || c.type === "DATE";
}

function isNumeric(c: ColumnInfo): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/.test(c.type);
}

/** One cell as text: timestamps ISO (date only for DATE), NULL spelled out, nested values as JSON. */
export function cellText(v: unknown, c: ColumnInfo, nullText = "NULL"): string {
  if (v === null || v === undefined) return nullText;
  if (isTime(c) && typeof v === "number") {
    const iso = new Date(v).toISOString();
    return c.type === "DATE" ? iso.slice(0, 10) : iso.replace("T", " ").replace("Z", "").replace(/\.000$/, "");
  }
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export function formatTable(r: QueryResult, maxRows: number): string[] {
  const shown = r.rows.slice(0, maxRows);
  const cells = shown.map((row) => r.columns.map((c) => cellText(row[c.name], c)));
  const width = r.columns.map((c, j) => Math.max(c.name.length, ...cells.map((row) => row[j]!.length)));
  const pad = (s: string, j: number) => (isNumeric(r.columns[j]!) ? s.padStart(width[j]!) : s.padEnd(width[j]!));
  const lines = [r.columns.map((c, j) => pad(c.name, j)).join("  ").trimEnd(), width.map((w) => "-".repeat(w)).join("  ")];
  for (const row of cells) lines.push(row.map(pad).join("  ").trimEnd());
  const more = r.rows.length - shown.length;
  lines.push(`(${r.rows.length.toLocaleString("en-US")} row${r.rows.length === 1 ? "" : "s"}${more > 0 ? `, ${more.toLocaleString("en-US")} not shown: use --max-rows or --format csv` : ""})`);
  return lines;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(r: QueryResult): string[] {
  return [r.columns.map((c) => csvField(c.name)).join(","), ...r.rows.map((row) => r.columns.map((c) => csvField(cellText(row[c.name], c, ""))).join(","))];
}

export function formatJson(r: QueryResult): string {
  const rows = r.rows.map((row) => {
    const o: Record<string, unknown> = {};
    for (const c of r.columns) o[c.name] = isTime(c) && typeof row[c.name] === "number" ? cellText(row[c.name], c) : row[c.name];
    return o;
  });
  return JSON.stringify(rows, null, 1);
}

export async function runQuery(sql: string, flags: { format: string; maxRows: number; dataDir?: string; memory: boolean }, io: CliIo): Promise<number> {
  let session;
  try {
    session = await openDataSession({ dataDir: flags.dataDir, memory: flags.memory });
    const t0 = performance.now();
    const r = await session.queryWithTypes(sql);
    if (flags.format === "csv") for (const l of formatCsv(r)) io.out(l);
    else if (flags.format === "json") io.out(formatJson(r));
    else {
      for (const l of formatTable(r, flags.maxRows)) io.out(l);
      io.err(`query took ${Math.round(performance.now() - t0)} ms`);
    }
    return 0;
  } catch (e) {
    if (!isTradelabError(e)) throw e;
    io.err(`query failed: ${e.message}`);
    return 1;
  } finally {
    session?.close();
  }
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(queryCommand, argv, (args, io) => runQuery(args.positionals.join(" "), args.flags, io));
}

runIfEntry(/query\.ts$/, (argv) => main(argv));
