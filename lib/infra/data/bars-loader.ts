import type { DuckDBConnection } from "@duckdb/node-api";
import { DataError, TradelabError } from "../../core/errors";
import { describe, queryRows, readF64Columns, sqlStr } from "./duck";
import { listBarPartitions, type BarPartition } from "./partitions";
import { bucketComplete, earlyClosesBetween, resampleSql, type ResampleSqlOptions } from "./resample";
import { followsUsSessions } from "./us-calendar";

const DAY_MS = 86_400_000;
import { fmtTime, parseTimeframe, toEpochMs, type TimeframeSpec } from "./timeframe";
import type { LoadBarsQuery, LoadedBars, ResampleQuery } from "./types";

interface Range {
  from?: number;
  to?: number;
}

function rangeOf(q: LoadBarsQuery): Range {
  const r: Range = {};
  if (q.from !== undefined) r.from = toEpochMs(q.from, "from");
  if (q.to !== undefined) r.to = toEpochMs(q.to, "to");
  if (r.from !== undefined && r.to !== undefined && r.to <= r.from) {
    throw new TradelabError("INVALID_ARGUMENT", `empty range: to (${fmtTime(r.to)}) is not after from (${fmtTime(r.from)})`);
  }
  return r;
}

function rangeSql(r: Range): string {
  const parts: string[] = [];
  if (r.from !== undefined) parts.push(`ts >= epoch_ms(${Math.trunc(r.from)}::BIGINT)`);
  if (r.to !== undefined) parts.push(`ts < epoch_ms(${Math.trunc(r.to)}::BIGINT)`);
  return parts.length ? `WHERE ${parts.join(" AND ")}` : "";
}

function rangeText(r: Range): string {
  if (r.from === undefined && r.to === undefined) return "";
  return ` in [${r.from === undefined ? "start" : fmtTime(r.from)}, ${r.to === undefined ? "end" : fmtTime(r.to)})`;
}

const OHLCV = ["open", "high", "low", "close", "volume"] as const;

/**
 * A scan of one partition's files with canonical names: ts (TIMESTAMP), open, high, low, close, volume.
 * NULLs become NaN, but only when the parquet statistics say a column has any (COALESCE costs ~30 %).
 */
async function partitionSource(con: DuckDBConnection, p: BarPartition, r: Range): Promise<string> {
  const list = `[${p.files.map(sqlStr).join(", ")}]`;
  const scan = `read_parquet(${list}, union_by_name = true, hive_partitioning = false)`;
  const cols = await describe(con, `SELECT * FROM ${scan}`);
  const t = cols.find((c) => c.name === "ts")?.type ?? "";
  const ts = /^(BIGINT|INTEGER|HUGEINT|DOUBLE)$/.test(t) ? "epoch_ms(ts::BIGINT)" : "ts::TIMESTAMP";
  const stats = await queryRows(
    con,
    `SELECT path_in_schema AS c, count(DISTINCT file_name) AS files, count(*) = count(stats_null_count) AS known, sum(stats_null_count) AS nulls FROM parquet_metadata(${list}) GROUP BY 1`,
  );
  // no COALESCE when every file has the column as DOUBLE and its statistics count zero NULLs
  const clean = (c: string) => {
    const st = stats.find((x) => x["c"] === c);
    return st !== undefined && Number(st["files"]) === p.files.length && st["known"] === true && Number(st["nulls"]) === 0 && cols.some((x) => x.name === c && x.type === "DOUBLE");
  };
  const v = OHLCV.map((c) => (clean(c) ? c : `COALESCE(${c}::DOUBLE, 'NaN'::DOUBLE) AS ${c}`));
  return `(SELECT * FROM (SELECT ${ts} AS ts, ${v.join(", ")} FROM ${scan}) ${rangeSql(r)})`;
}

async function countRows(con: DuckDBConnection, source: string): Promise<number> {
  const rows = await queryRows(con, `SELECT count(*) AS n FROM ${source}`);
  return Number(rows[0]?.["n"] ?? 0);
}

function isSorted(ts: Float64Array): boolean {
  for (let i = 1; i < ts.length; i++) if (ts[i]! < ts[i - 1]!) return false;
  return true;
}

function toLoaded(cols: Float64Array[], meta: Omit<LoadedBars, "ts" | "open" | "high" | "low" | "close" | "volume" | "length">): LoadedBars {
  const [ts, open, high, low, close, volume] = cols as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { ts, open, high, low, close, volume, length: ts.length, ...meta };
}

const NAN = (c: string) => `COALESCE(${c}::DOUBLE, 'NaN'::DOUBLE)`;

/** Reads stored bars in time order. Files are usually sorted and disjoint: read as-is, sort in SQL only if needed. */
async function readStored(con: DuckDBConnection, source: string, n: number): Promise<Float64Array[]> {
  const sel = `SELECT epoch_ms(ts)::DOUBLE, ${OHLCV.join(", ")} FROM ${source}`;
  const fast = await readF64Columns(con, sel, n);
  if (isSorted(fast.columns[0]!)) return fast.columns;
  return (await readF64Columns(con, `${sel} ORDER BY ts`, n)).columns;
}

async function readResampled(con: DuckDBConnection, source: string, src: TimeframeSpec, target: TimeframeSpec, venue: string, keepIncomplete: boolean): Promise<Float64Array[]> {
  let opts: ResampleSqlOptions = {};
  if (followsUsSessions(venue) && target.ms >= DAY_MS && src.ms < DAY_MS) {
    const [span] = await queryRows(con, `SELECT epoch_ms(min(ts)) AS a, epoch_ms(max(ts)) AS b FROM ${source}`);
    opts = { usSessionDays: { earlyCloses: earlyClosesBetween(Number(span!["a"]), Number(span!["b"])) } };
  }
  const sql = `SELECT epoch_ms(ts)::DOUBLE, ${["open", "high", "low", "close", "volume"].map(NAN).join(", ")}, epoch_ms(last_ts)::DOUBLE FROM (${resampleSql(source, target, opts)})`;
  const { columns } = await readF64Columns(con, sql);
  const k = columns[0]!.length;
  const last = columns[6]!;
  const drop = !keepIncomplete && k > 0 && !bucketComplete(columns[0]![k - 1]!, last[k - 1]!, src.ms, target.ms, venue);
  return columns.slice(0, 6).map((c) => (drop ? c.slice(0, k - 1) : c));
}

interface Candidate {
  p: BarPartition;
  tf: TimeframeSpec;
  rows: number;
  source: string;
}

async function candidates(ctx: LoaderContext, q: LoadBarsQuery, target: TimeframeSpec, r: Range, onlyTf?: string): Promise<Candidate[]> {
  const { con } = ctx;
  const out: Candidate[] = [];
  for (const p of listBarPartitions(ctx.dataDir, { symbol: q.symbol, venue: q.venue })) {
    let tf: TimeframeSpec;
    try {
      tf = parseTimeframe(p.timeframe);
    } catch {
      continue; // a folder the library cannot interpret is not a candidate
    }
    if (onlyTf !== undefined ? tf.ms !== parseTimeframe(onlyTf).ms : tf.ms > target.ms || target.ms % tf.ms !== 0) continue;
    const source = await partitionSource(con, p, r);
    const rows = await countRows(con, source);
    if (rows > 0) out.push({ p, tf, rows, source });
  }
  return out;
}

function notFound(dataDir: string, q: LoadBarsQuery, r: Range, what: string): DataError {
  const stored = listBarPartitions(dataDir, { symbol: q.symbol }).map((p) => `${p.venue}/${p.timeframe}`);
  return new DataError(
    `no ${what} bars for ${q.symbol}${q.venue ? ` on ${q.venue}` : ""}${rangeText(r)}; stored for ${q.symbol}: ${stored.length ? stored.join(", ") : "nothing"}`,
    { symbol: q.symbol, venue: q.venue, timeframe: q.timeframe },
    "DATA_NOT_FOUND",
  );
}

/** What the loaders need: a connection and the data folder it serves. */
export interface LoaderContext {
  con: DuckDBConnection;
  dataDir: string;
}

/** Picks the series that best covers the request: the stored timeframe if present, else the divisor covering the most time. */
export async function loadBars(ctx: LoaderContext, q: LoadBarsQuery): Promise<LoadedBars> {
  const { con } = ctx;
  const target = parseTimeframe(q.timeframe);
  const r = rangeOf(q);
  const all = await candidates(ctx, q, target, r);
  if (all.length === 0) throw notFound(ctx.dataDir, q, r, target.name);
  // time covered decides: the venue with the most data, then the longest usable stored timeframe
  const score = (c: Candidate) => c.rows * c.tf.ms;
  const best = all.reduce((a, b) => (score(b) > score(a) || (score(b) === score(a) && b.tf.ms > a.tf.ms) ? b : a));
  const direct = all.find((c) => c.p.venue === best.p.venue && c.tf.ms === target.ms);
  const meta = { venue: best.p.venue, symbol: q.symbol, timeframe: target.name };
  if (direct) return toLoaded(await readStored(con, direct.source, direct.rows), { ...meta, sourceTimeframe: direct.p.timeframe });
  const cols = await readResampled(con, best.source, best.tf, target, best.p.venue, q.includeIncomplete ?? false);
  return toLoaded(cols, { ...meta, sourceTimeframe: best.p.timeframe });
}

/** Resamples one stored timeframe (default 1m) of a series to `q.timeframe`. */
export async function resampleBars(ctx: LoaderContext, q: ResampleQuery): Promise<LoadedBars> {
  const { con } = ctx;
  const target = parseTimeframe(q.timeframe);
  const src = parseTimeframe(q.sourceTimeframe ?? "1m");
  if (target.ms % src.ms !== 0 || target.ms < src.ms) {
    throw new TradelabError("INVALID_ARGUMENT", `cannot resample ${src.name} to ${target.name}: the target must be a multiple of the source`);
  }
  const r = rangeOf(q);
  const found = await candidates(ctx, q, target, r, src.name);
  if (found.length === 0) throw notFound(ctx.dataDir, q, r, src.name);
  const best = found.reduce((a, b) => (b.rows > a.rows ? b : a));
  const cols = await readResampled(con, best.source, best.tf, target, best.p.venue, q.includeIncomplete ?? false);
  return toLoaded(cols, { venue: best.p.venue, symbol: q.symbol, timeframe: target.name, sourceTimeframe: best.p.timeframe });
}
