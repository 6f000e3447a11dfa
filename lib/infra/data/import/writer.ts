import type { DuckDBConnection } from "@duckdb/node-api";
import { existsSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { DataError } from "../../../core/errors";
import { queryRows, sqlStr } from "../duck";
import { listParquetFiles } from "../parquet-check";
import { fmtTime } from "../timeframe";
import { lineOfRow } from "./csv";

/** A staged input: its table and how to name its rows in messages. */
export interface StagedInput {
  table: string;
  label: string;
  /** For CSV inputs: the file and whether it has a header, to turn row indexes into line numbers. */
  csv?: { path: string; header: boolean };
  /** For JSON inputs: the key path of each row. */
  paths?: readonly string[];
}

export interface WriteResult {
  /** The new parquet file, when any row was new. */
  file?: string;
  /** Rows read from the inputs (after de-duplicating overlapping inputs). */
  rows: number;
  newRows: number;
  /** Rows already present in the partition (same key), skipped. */
  duplicateRows: number;
  /** Of those, rows whose values differ from the stored ones (the stored ones are kept). */
  conflictingRows: number;
  first?: number;
  last?: number;
}

interface DatasetSpec {
  key: string;
  /** Columns compared to decide whether two rows with the same key agree. */
  compare: readonly string[];
  /** The output select over `fresh`, by optional column presence. */
  output: (present: (c: string) => boolean) => string;
}

export const BARS_SPEC: DatasetSpec = {
  key: "ts_ms",
  compare: ["open", "high", "low", "close", "volume"],
  output: (p) =>
    ["epoch_ms(ts_ms) AS ts", "open", "high", "low", "close", "volume", "quote_volume", "trades", "taker_buy_volume", ...(p("vwap") ? ["vwap"] : [])].join(", "),
};

export const TRADES_SPEC: DatasetSpec = {
  key: "trade_id",
  compare: ["ts_ms", "price", "qty"],
  output: (p) =>
    [
      "epoch_ms(ts_ms) AS ts", "trade_id", "price", "qty",
      "CASE WHEN is_buyer_maker THEN 'sell' WHEN NOT is_buyer_maker THEN 'buy' END AS side", "is_buyer_maker",
      ...["quote_qty", "first_trade_id", "last_trade_id", "is_best_match"].filter(p),
    ].join(", "),
};

async function where(s: StagedInput, row: number): Promise<string> {
  if (s.csv) return `${s.label} line ${await lineOfRow(s.csv.path, row, s.csv.header)}`;
  return `${s.label} ${s.paths?.[row] ?? `row ${row + 1}`}`;
}

const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace(/[-:]/g, "");
let seq = 0;

/**
 * Merges staged inputs into a partition folder. Rows whose key is already stored are skipped (so
 * re-importing a file adds nothing); the rest go to ONE new parquet file written to a temp name and
 * renamed into place, so an interrupted import leaves the folder as it was.
 */
export async function writePartition(con: DuckDBConnection, inputs: readonly StagedInput[], dir: string, spec: DatasetSpec, dryRun = false): Promise<WriteResult> {
  const k = spec.key;
  const union = inputs.map((s, i) => `SELECT ${i} AS src, * FROM ${s.table}`).join(" UNION ALL BY NAME ");
  await con.run(`CREATE OR REPLACE TEMP TABLE incoming AS ${union}`);
  const same = spec.compare.map((c) => `a.${c} IS NOT DISTINCT FROM b.${c}`).join(" AND ");
  const clash = await queryRows(
    con,
    `SELECT a.src AS sa, a.row AS ra, b.src AS sb, b.row AS rb, a.${k} AS key FROM incoming a JOIN incoming b ON a.${k} = b.${k} AND (a.src, a.row) < (b.src, b.row) WHERE NOT (${same}) ORDER BY a.src, a.row LIMIT 1`,
  );
  if (clash.length > 0) {
    const c = clash[0]!;
    const key = k === "ts_ms" ? fmtTime(Number(c["key"])) : String(c["key"]);
    const [wa, wb] = [await where(inputs[Number(c["sa"])]!, Number(c["ra"])), await where(inputs[Number(c["sb"])]!, Number(c["rb"]))];
    throw new DataError(`conflicting rows for ${k === "ts_ms" ? "time" : k} ${key}: ${wa} and ${wb} hold different values`, { first: wa, second: wb });
  }
  await con.run(`CREATE OR REPLACE TEMP TABLE uniq AS SELECT * FROM incoming QUALIFY row_number() OVER (PARTITION BY ${k} ORDER BY src, row) = 1`);
  const files = listParquetFiles(dir);
  let dup = 0;
  let conflicts = 0;
  if (files.length > 0) {
    const cols = spec.key === "ts_ms" ? "epoch_ms(ts) AS ts_ms, open, high, low, close, volume" : "epoch_ms(ts) AS ts_ms, trade_id, price, qty";
    await con.run(`CREATE OR REPLACE TEMP TABLE stored AS SELECT ${cols} FROM read_parquet([${files.map(sqlStr).join(", ")}], union_by_name = true)`);
    const [d] = await queryRows(con, `SELECT count(*) AS n, count(*) FILTER (WHERE NOT (${same})) AS c FROM uniq a JOIN stored b ON a.${k} = b.${k}`);
    dup = Number(d!["n"]);
    conflicts = Number(d!["c"]);
    await con.run(`CREATE OR REPLACE TEMP TABLE fresh AS SELECT * FROM uniq a WHERE NOT EXISTS (SELECT 1 FROM stored b WHERE b.${k} = a.${k})`);
  } else await con.run("CREATE OR REPLACE TEMP TABLE fresh AS SELECT * FROM uniq");
  const [s] = await queryRows(con, `SELECT (SELECT count(*) FROM uniq) AS total, count(*) AS n, min(ts_ms) AS a, max(ts_ms) AS b FROM fresh`);
  const result: WriteResult = { rows: Number(s!["total"]), newRows: Number(s!["n"]), duplicateRows: dup, conflictingRows: conflicts };
  if (result.newRows > 0) {
    result.first = Number(s!["a"]);
    result.last = Number(s!["b"]);
  }
  if (result.newRows === 0 || dryRun) return result;
  // optional columns are written only when some row has them
  const optional = ["vwap", "quote_qty", "first_trade_id", "last_trade_id", "is_best_match"];
  const have = new Set((await queryRows(con, "SELECT column_name AS c FROM (DESCRIBE fresh)")).map((r) => String(r["c"])));
  const counts = await queryRows(con, `SELECT 0 AS none${optional.filter((c) => have.has(c)).map((c) => `, count(${c}) AS ${c}`).join("")} FROM fresh`);
  const present = (c: string) => Number(counts[0]?.[c] ?? 0) > 0;
  result.file = await writeAtomically(con, `SELECT ${spec.output(present)} FROM fresh ORDER BY ${k}`, dir, `import_${stamp(result.first!)}_${stamp(result.last!)}`);
  return result;
}

/** COPY to a hidden temp file next to the target, then rename; removes folders it created if anything fails. */
async function writeAtomically(con: DuckDBConnection, select: string, dir: string, stem: string): Promise<string> {
  const created: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) created.unshift(d);
  mkdirSync(dir, { recursive: true });
  let target = join(dir, `${stem}.parquet`);
  for (let i = 2; existsSync(target); i++) target = join(dir, `${stem}_${i}.parquet`);
  const tmp = join(dir, `.${stem}.${process.pid}.${++seq}.tmp`);
  try {
    await con.run(`COPY (${select}) TO ${sqlStr(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    renameSync(tmp, target);
    return target;
  } catch (e) {
    rmSync(tmp, { force: true });
    for (const d of created.reverse()) if (existsSync(d) && readdirSync(d).length === 0) rmdirSync(d);
    throw e;
  }
}
