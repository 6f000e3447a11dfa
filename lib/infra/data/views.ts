import type { DuckDBConnection } from "@duckdb/node-api";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../../core/errors";
import { describe, sqlIdent, sqlStr } from "./duck";
import { BAR_FILE_COLUMNS, TRADE_FILE_COLUMNS } from "./layout";
import { checkParquetFooters, listParquetFiles } from "./parquet-check";

/** A view (or table, in memory mode) the session created, with the files behind it. */
export interface ViewInfo {
  name: string;
  files: number;
  source: string;
}

export interface ViewOptions {
  dataDir: string;
  journalDir: string;
  /** Copy the data into in-memory tables instead of views over the files. */
  memory: boolean;
}

type Col = { readonly name: string; readonly type: string };

/** Partition keys are always text (a symbol like 1INCH or a timeframe like 1d must not become a number). */
function hiveTypes(keys: readonly string[]): string {
  return `{${keys.map((k) => `${sqlStr(k)}: VARCHAR`).join(", ")}}`;
}

function parquetScan(globs: string | readonly string[], keys: readonly string[]): string {
  const g = typeof globs === "string" ? sqlStr(globs) : `[${globs.map(sqlStr).join(", ")}]`;
  return `read_parquet(${g}, hive_partitioning = true, union_by_name = true, hive_types = ${hiveTypes(keys)}, hive_types_autocast = false)`;
}

/** DESCRIBE a scan; when a file is corrupt, name it instead of passing DuckDB's generic message on. */
async function describeScan(con: DuckDBConnection, scan: string, files: readonly string[]): Promise<{ name: string; type: string }[]> {
  try {
    return await describe(con, `SELECT * FROM ${scan}`);
  } catch (e) {
    const bad = await checkParquetFooters(con, files);
    if (bad.length > 0) {
      throw new DataError(`corrupt or empty parquet file ${bad[0]!.file}: ${bad[0]!.message}`, { file: bad[0]!.file, problems: bad });
    }
    throw new DataError(`cannot read ${scan}: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`, {});
  }
}

/** `ts` as TIMESTAMP whatever the files store (TIMESTAMP, or BIGINT epoch ms from foreign writers). */
function tsExpr(type: string | undefined): string {
  if (!type) return "NULL::TIMESTAMP";
  return /^(BIGINT|INTEGER|HUGEINT|UBIGINT|DOUBLE)$/.test(type) ? "epoch_ms(ts::BIGINT)" : type.startsWith("TIMESTAMP") ? "ts::TIMESTAMP" : "ts";
}

/** The select list: partition keys, ts + ts_ms, the canonical columns (NULL when no file has them), then the rest. */
function selectList(have: { name: string; type: string }[], keys: readonly string[], canonical: readonly Col[]): string {
  const byName = new Map(have.map((c) => [c.name, c.type]));
  const parts = keys.map((k) => (byName.has(k) ? sqlIdent(k) : `NULL::VARCHAR AS ${sqlIdent(k)}`));
  parts.push(`${tsExpr(byName.get("ts"))} AS ts`, `epoch_ms(${tsExpr(byName.get("ts"))})::DOUBLE AS ts_ms`);
  for (const c of canonical) {
    if (c.name === "ts") continue;
    parts.push(byName.has(c.name) ? sqlIdent(c.name) : `NULL::${c.type} AS ${sqlIdent(c.name)}`);
  }
  const known = new Set<string>([...keys, ...canonical.map((c) => c.name), "ts_ms"]);
  for (const c of have) if (!known.has(c.name)) parts.push(sqlIdent(c.name));
  return parts.join(", ");
}

function emptySelect(keys: readonly string[], canonical: readonly Col[]): string {
  const parts = keys.map((k) => `NULL::VARCHAR AS ${sqlIdent(k)}`);
  parts.push("NULL::TIMESTAMP AS ts", "NULL::DOUBLE AS ts_ms");
  for (const c of canonical) if (c.name !== "ts") parts.push(`NULL::${c.type} AS ${sqlIdent(c.name)}`);
  return `SELECT ${parts.join(", ")} WHERE false`;
}

async function define(con: DuckDBConnection, name: string, select: string, memory: boolean): Promise<void> {
  await con.run(`CREATE OR REPLACE ${memory ? "TABLE" : "VIEW"} ${sqlIdent(name)} AS ${select}`);
}

async function hiveDataset(con: DuckDBConnection, opts: ViewOptions, name: string, dir: string, glob: string, keys: readonly string[], canonical: readonly Col[]): Promise<ViewInfo> {
  const files = listParquetFiles(dir);
  if (files.length === 0) {
    await define(con, name, emptySelect(keys, canonical), opts.memory);
    return { name, files: 0, source: "(no files)" };
  }
  const scan = parquetScan(glob, keys);
  const cols = await describeScan(con, scan, files);
  await define(con, name, `SELECT ${selectList(cols, keys, canonical)} FROM ${scan}`, opts.memory);
  return { name, files: files.length, source: glob };
}

/** book/venue=V/symbol=S/kind=K: one view per family of kinds (their columns differ). */
async function bookViews(con: DuckDBConnection, opts: ViewOptions): Promise<ViewInfo[]> {
  const root = join(opts.dataDir, "book");
  const kinds = new Set<string>();
  if (existsSync(root)) {
    for (const v of readdirSync(root)) for (const s of readdirSync(join(root, v))) for (const k of readdirSync(join(root, v, s))) if (k.startsWith("kind=")) kinds.add(k.slice(5));
  }
  const family = (k: string) => (k === "bookticker" ? "book_ticker" : k.startsWith("quote") ? "quote_bars" : "book");
  const out: ViewInfo[] = [];
  for (const view of ["book", "book_ticker", "quote_bars"]) {
    const mine = [...kinds].filter((k) => family(k) === view).sort();
    if (mine.length === 0) continue;
    const globs = mine.map((k) => join(root, "*", "*", `kind=${k}`, "*.parquet"));
    const files = mine.flatMap((k) => listParquetFiles(root).filter((f) => f.includes(`/kind=${k}/`)));
    const scan = parquetScan(globs, ["venue", "symbol", "kind"]);
    const cols = await describeScan(con, scan, files);
    const hasTs = cols.some((c) => c.name === "ts");
    const rest = cols.filter((c) => !["venue", "symbol", "kind", "ts"].includes(c.name)).map((c) => sqlIdent(c.name));
    const head = ["venue", "symbol", "kind", ...(hasTs ? [`${tsExpr(cols.find((c) => c.name === "ts")!.type)} AS ts`, `epoch_ms(${tsExpr(cols.find((c) => c.name === "ts")!.type)})::DOUBLE AS ts_ms`] : [])];
    await define(con, view, `SELECT ${[...head, ...rest].join(", ")} FROM ${scan}`, opts.memory);
    out.push({ name: view, files: files.length, source: globs.join(", ") });
  }
  return out;
}

/** state/journal/*.jsonl: one row per record; `ts` (epoch ms in the file) exposed as TIMESTAMP plus ts_ms. */
async function journalView(con: DuckDBConnection, opts: ViewOptions): Promise<ViewInfo> {
  const dir = opts.journalDir;
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".jsonl")) : [];
  const empty = "SELECT NULL::VARCHAR AS kind, NULL::TIMESTAMP AS ts, NULL::DOUBLE AS ts_ms, NULL::VARCHAR AS filename WHERE false";
  if (files.length === 0) {
    await define(con, "journal", empty, opts.memory);
    return { name: "journal", files: 0, source: "(no files)" };
  }
  const glob = join(dir, "*.jsonl");
  // a crash can leave a torn last line: ignore_errors skips it, as the journal's own reader does
  const scan = `read_json(${sqlStr(glob)}, format = 'newline_delimited', union_by_name = true, ignore_errors = true, sample_size = -1, filename = true)`;
  let cols: { name: string; type: string }[];
  try {
    cols = await describe(con, `SELECT * FROM ${scan}`);
  } catch {
    await define(con, "journal", empty, opts.memory);
    return { name: "journal", files: files.length, source: `${glob} (unreadable)` };
  }
  const ts = cols.find((c) => c.name === "ts");
  const numericTs = ts && /INT|DOUBLE/.test(ts.type);
  // the row ignore_errors makes of a torn line has no ts: drop it
  const select = numericTs ? `SELECT * REPLACE (epoch_ms(ts::BIGINT) AS ts), ts::DOUBLE AS ts_ms FROM ${scan} WHERE ts IS NOT NULL` : `SELECT * FROM ${scan}`;
  await define(con, "journal", select, opts.memory);
  return { name: "journal", files: files.length, source: glob };
}

/** Creates the views bars, trades, book/book_ticker/quote_bars (when present) and journal. */
export async function createViews(con: DuckDBConnection, opts: ViewOptions): Promise<ViewInfo[]> {
  const d = opts.dataDir;
  const views: ViewInfo[] = [];
  views.push(await hiveDataset(con, opts, "bars", join(d, "bars"), join(d, "bars", "*", "*", "*", "*.parquet"), ["venue", "symbol", "timeframe"], BAR_FILE_COLUMNS));
  views.push(await hiveDataset(con, opts, "trades", join(d, "trades"), join(d, "trades", "*", "*", "*", "*.parquet"), ["venue", "symbol", "kind"], TRADE_FILE_COLUMNS));
  views.push(...(await bookViews(con, opts)));
  views.push(await journalView(con, opts));
  return views;
}
