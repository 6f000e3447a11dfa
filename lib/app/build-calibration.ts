import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { loadTrainConfig } from "../config/kinds";
import type { ConfigOf } from "../config/kinds";
import { DataError } from "../core/errors";
import { bookPartitionDir, DEFAULT_JOURNAL_DIR, tradesPartitionDir } from "../infra/data/layout";
import { listParquetFiles } from "../infra/data/parquet-check";
import type { DataSession } from "../infra/data/types";
import { openDataSession } from "../infra/data/session";
import { parseTimeframe, toEpochMs } from "../infra/data/timeframe";
import { writeJsonAtomic } from "../infra/fs-atomic";
import { writeReportHtml } from "../infra/html-report";
import { loadSlippageProfile } from "../sim/loaders";
import type { SlippageProfile } from "../sim/slippage-profile";
import { buildSlippageProfile, calibrateSlippageFromBook, profileEntry, type ProfileSymbolUpdate } from "../services/calibrate-slippage";
import type { BookColumns, TradeColumns } from "../services/calibrate-slippage-book";
import { calibrateSlippageFromFills, extractFills, type JournalLine } from "../services/calibrate-slippage-journal";
import { slippageReportBlocks, type SlippageResult } from "../services/calibrate-slippage-report";
import type { CalibrationBlock } from "../services/calibration/report-blocks";

/** What every calibration reads from the config: the data folder and the simulator's settings. */
function loadCfg(file: string | undefined): ConfigOf<"train"> {
  return loadTrainConfig(file ?? "configs/config_train.yaml");
}

const rel = (p: string) => relative(process.cwd(), p) || p;

/** Time window as SQL over ts_ms (from inclusive, to exclusive). */
function timeWhere(from?: string | number, to?: string | number): string {
  const parts: string[] = [];
  if (from !== undefined) parts.push(`ts_ms >= ${toEpochMs(from, "from")}`);
  if (to !== undefined) parts.push(`ts_ms < ${toEpochMs(to, "to")}`);
  return parts.length ? ` AND ${parts.join(" AND ")}` : "";
}

/** Fails naming the file when one of the partition's files lacks a required column. */
async function requireColumns(session: DataSession, files: readonly string[], required: readonly string[], what: string, dir: string): Promise<string[]> {
  if (files.length === 0) throw new DataError(`no ${what} files under ${rel(dir)}`, { file: rel(dir) });
  let common: string[] | undefined;
  for (const f of files) {
    const cols = (await session.query(`DESCRIBE SELECT * FROM read_parquet('${f.replaceAll("'", "''")}')`)).map((r) => String(r["column_name"]));
    const missing = required.filter((c) => !cols.includes(c));
    if (missing.length > 0) throw new DataError(`${rel(f)}: ${what} file lacks column(s) ${missing.join(", ")} (needed: ${required.join(", ")})`, { file: rel(f), missing });
    common = common === undefined ? cols : common.filter((c) => cols.includes(c));
  }
  return common!;
}

const sourceName = (files: readonly string[], dir: string) => rel(files.length === 1 ? files[0]! : dir);

/** Top-of-book levels of one partition (book/venue=V/symbol=S/kind=K) as columns, in time order. */
export async function loadBookColumns(session: DataSession, q: { venue: string; symbol: string; kind?: string; from?: string | number; to?: string | number; levels?: number }): Promise<BookColumns> {
  const kind = q.kind ?? "top10_1s";
  const dir = bookPartitionDir(session.dataDir, q.venue, q.symbol, kind);
  const files = listParquetFiles(dir);
  const cols = await requireColumns(session, files, ["ts", "bid_px_1", "bid_qty_1", "ask_px_1", "ask_qty_1"], "book", dir);
  let levels = 1;
  while (["bid_px_", "bid_qty_", "ask_px_", "ask_qty_"].every((p) => cols.includes(`${p}${levels + 1}`)) && levels < (q.levels ?? 50)) levels++;
  const names = ["bid_px_", "bid_qty_", "ask_px_", "ask_qty_"].flatMap((p) => Array.from({ length: levels }, (_, l) => `${p}${l + 1}`));
  const source = sourceName(files, dir);
  const c = await session.queryColumns(
    `SELECT ts_ms, ${names.join(", ")} FROM book WHERE venue = '${q.venue}' AND symbol = '${q.symbol}' AND kind = '${kind}'${timeWhere(q.from, q.to)} ORDER BY ts_ms`,
  );
  const lv = (p: string) => Array.from({ length: levels }, (_, l) => c[`${p}${l + 1}`]!);
  if (c["ts_ms"]!.length === 0) throw new DataError(`${source}: no book snapshots of ${q.symbol} in the requested window`, { file: source });
  return { source, ts: c["ts_ms"]!, bidPx: lv("bid_px_"), bidQty: lv("bid_qty_"), askPx: lv("ask_px_"), askQty: lv("ask_qty_") };
}

/** Trade prints of one partition (trades/venue=V/symbol=S/kind=trade) as columns, in trade order. */
export async function loadTradeColumns(session: DataSession, q: { venue: string; symbol: string; kind?: string; from?: string | number; to?: string | number; withTimes?: boolean }): Promise<TradeColumns & { eventTs?: Float64Array; recvTs?: Float64Array }> {
  const kind = q.kind ?? "trade";
  const dir = tradesPartitionDir(session.dataDir, q.venue, q.symbol, kind);
  const files = listParquetFiles(dir);
  await requireColumns(session, files, ["ts", "price", "qty", "side", ...(q.withTimes ? ["event_ts", "recv_ts_ns"] : [])], "trades", dir);
  const source = sourceName(files, dir);
  const extra = q.withTimes ? ", epoch_ms(event_ts)::DOUBLE AS event_ms, recv_ts_ns::DOUBLE / 1e6 AS recv_ms" : "";
  const c = await session.queryColumns(
    `SELECT ts_ms, price, qty, CASE side WHEN 'buy' THEN 1 WHEN 'sell' THEN -1 END AS side${extra}
     FROM trades WHERE venue = '${q.venue}' AND symbol = '${q.symbol}' AND kind = '${kind}'${timeWhere(q.from, q.to)} ORDER BY ts_ms, trade_id`,
  );
  if (c["ts_ms"]!.length === 0) throw new DataError(`${source}: no trades of ${q.symbol} in the requested window`, { file: source });
  return { source, ts: c["ts_ms"]!, price: c["price"]!, qty: c["qty"]!, side: c["side"]!, ...(q.withTimes ? { eventTs: c["event_ms"]!, recvTs: c["recv_ms"]! } : {}) };
}

/**
 * Every record of a journal (a folder of *.jsonl, or one file) with its file and line. A torn LAST
 * line (a crash mid-write) is skipped and counted; an unparsable line anywhere else is corrupt data.
 */
export function readJournalLines(path: string): { lines: JournalLine[]; skipped: number; files: string[] } {
  if (!existsSync(path)) throw new DataError(`journal not found: ${rel(path)}`, { file: rel(path) }, "DATA_NOT_FOUND");
  const files = statSync(path).isDirectory() ? readdirSync(path).filter((f) => f.endsWith(".jsonl")).sort().map((f) => join(path, f)) : [path];
  if (files.length === 0) throw new DataError(`journal ${rel(path)} holds no *.jsonl files`, { file: rel(path) }, "DATA_NOT_FOUND");
  const lines: JournalLine[] = [];
  let skipped = 0;
  for (const f of files) {
    const text = readFileSync(f, "utf8").split("\n");
    const last = text.length - 1 - [...text].reverse().findIndex((t) => t.trim() !== "");
    text.forEach((t, i) => {
      if (t.trim() === "") return;
      let rec: unknown;
      try {
        rec = JSON.parse(t);
      } catch (e) {
        if (i === last) {
          skipped++;
          return;
        }
        throw new DataError(`${rel(f)} line ${i + 1}: not valid JSON (${(e as Error).message})`, { file: rel(f), line: i + 1 });
      }
      if (rec === null || typeof rec !== "object" || Array.isArray(rec)) throw new DataError(`${rel(f)} line ${i + 1}: a journal record must be a JSON object`, { file: rel(f), line: i + 1 });
      lines.push({ file: rel(f), line: i + 1, record: rec as Record<string, unknown> });
    });
  }
  return { lines, skipped, files: files.map(rel) };
}

export interface SlippageCalibrationRequest {
  /** Train-kind config (data dir, venue, timeframe, slippage half-life). Default configs/config_train.yaml. */
  config?: string;
  /** Default: the config's data.symbols. */
  symbols?: readonly string[];
  /** `book`: walk market orders through the recorded book; `journal`: our own fills. Default "book". */
  source?: "book" | "journal";
  /** Data venue partition. Default: the config's data.venue. */
  venue?: string;
  /** Bars for sigma and V. Default: the config's data.timeframe. */
  timeframe?: string;
  from?: string | number;
  to?: string | number;
  /** Journal folder or file (source journal). Default state/journal. */
  journal?: string;
  /** Book partition kind. Default top10_1s. */
  bookKind?: string;
  sizes?: number;
  minNotional?: number;
  maxDepthQuantile?: number;
  warmupBars?: number;
  buckets?: number;
  /** Write the profile here (merged with an existing profile unless `replace`). */
  out?: string;
  replace?: boolean;
  /** Write a standalone HTML report here. */
  report?: string;
  /** Data folder override (default: the config's data.dir). */
  dataDir?: string;
  /** Timestamp written as built_at. Default: now. */
  builtAt?: string;
}

export interface SlippageCalibrationOutcome {
  results: SlippageResult[];
  profile: SlippageProfile;
  outPath?: string;
  reportPath?: string;
  /** Torn journal lines skipped (journal source). */
  skippedLines: number;
}

const quoteOf = (symbol: string) => ["USDT", "USDC", "FDUSD", "BUSD", "BTC", "ETH", "USD"].find((q) => symbol.endsWith(q) && symbol.length > q.length) ?? "";

/**
 * Calibrates slippage for each symbol and builds the profile. Everything is computed and validated
 * before anything is written, so bad input leaves no file behind.
 */
export async function runSlippageCalibration(req: SlippageCalibrationRequest): Promise<SlippageCalibrationOutcome> {
  const cfg = loadCfg(req.config);
  const symbols = req.symbols && req.symbols.length > 0 ? req.symbols : cfg.data.symbols;
  const tf = parseTimeframe(req.timeframe ?? cfg.data.timeframe);
  const halfLife = cfg.execution.slippage.sqrtImpact.halfLifeBars;
  const venue = req.venue ?? cfg.data.venue;
  const session = await openDataSession({ dataDir: resolve(req.dataDir ?? cfg.data.dir) });
  const results: SlippageResult[] = [];
  let skippedLines = 0;
  try {
    const journal = req.source === "journal" ? readJournalLines(resolve(req.journal ?? DEFAULT_JOURNAL_DIR)) : undefined;
    skippedLines = journal?.skipped ?? 0;
    for (const symbol of symbols) {
      if (journal) {
        const src = rel(resolve(req.journal ?? DEFAULT_JOURNAL_DIR));
        const fills = extractFills(journal.lines, symbol, src);
        const lookback = Math.max(20 * halfLife, 50) * tf.ms;
        const bars = await session.loadBars({ venue, symbol, timeframe: tf.name, from: fills.ts[0]! - lookback, to: fills.ts[fills.ts.length - 1]! + tf.ms }).catch(() => undefined);
        results.push(calibrateSlippageFromFills(fills, bars, { timeframeMs: tf.ms, halfLifeBars: halfLife, warmupBars: req.warmupBars, buckets: req.buckets, quote: quoteOf(symbol) }));
      } else {
        const book = await loadBookColumns(session, { venue, symbol, kind: req.bookKind, from: req.from, to: req.to });
        const trades = await loadTradeColumns(session, { venue, symbol, from: req.from, to: req.to });
        results.push(
          calibrateSlippageFromBook(
            { symbol, quote: quoteOf(symbol), book, trades },
            { timeframeMs: tf.ms, halfLifeBars: halfLife, warmupBars: req.warmupBars, sizes: req.sizes, minNotional: req.minNotional, maxDepthQuantile: req.maxDepthQuantile, buckets: req.buckets },
          ),
        );
      }
    }
  } finally {
    session.close();
  }
  const builtAt = req.builtAt ?? new Date().toISOString();
  const existing = req.out && !req.replace && existsSync(resolve(req.out)) ? loadSlippageProfile(resolve(req.out)) : undefined;
  const profile = buildSlippageProfile(results.map(profileUpdate), { builtAt, existing, replace: req.replace });
  let outPath: string | undefined;
  let reportPath: string | undefined;
  if (req.out) {
    writeJsonAtomic(resolve(req.out), profile);
    outPath = req.out;
  }
  if (req.report) reportPath = writeReportHtml(resolve(req.report), "Slippage calibration", slippageReport(results, builtAt)) && req.report;
  return { results, profile, outPath, reportPath, skippedLines };
}

function profileUpdate(r: SlippageResult): ProfileSymbolUpdate {
  const f = r.fit;
  return {
    symbol: r.symbol,
    entry: profileEntry(r.params),
    meta: {
      method: r.method,
      provenance: r.provenance,
      fit: { n: f.n, r2: f.r2, adj_r2: f.adjR2, rmse_bps: f.rmse, stderr: f.stdErr, exponent: f.exponent?.value ?? null },
      residuals_by_notional: f.buckets.map((b) => ({ bucket: b.label, n: b.n, mean_bps: b.meanResidual, std_bps: b.stdResidual })),
      sigma_v: { timeframe_ms: r.measured.timeframeMs, half_life_bars: r.measured.halfLifeBars, median_sigma: r.measured.sigma, median_volume: r.measured.volume },
    },
  };
}

function slippageReport(results: readonly SlippageResult[], builtAt: string): CalibrationBlock[] {
  const blocks: CalibrationBlock[] = [
    { kind: "text", text: `Built ${builtAt}. Model: cost (bps) = halfSpreadBps + k * 1e4 * sigma * sqrt(q / V), sigma the per-bar Parkinson volatility and V the bar volume as the simulator tracks them (EWMA). Fitted by non-negative least squares.` },
  ];
  for (const r of results) blocks.push(...slippageReportBlocks(r));
  return blocks;
}
