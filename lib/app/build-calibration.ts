import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { stringify } from "yaml";
import { join, relative, resolve } from "node:path";
import { CONFIG_SCHEMAS, loadTrainConfig } from "../config/kinds";
import type { ConfigOf } from "../config/kinds";
import { DataError } from "../core/errors";
import { sqlStr } from "../infra/data/duck";
import { bookPartitionDir, DEFAULT_JOURNAL_DIR, tradesPartitionDir } from "../infra/data/layout";
import { listParquetFiles } from "../infra/data/parquet-check";
import type { DataSession } from "../infra/data/types";
import { openDataSession } from "../infra/data/session";
import { parseTimeframe, toEpochMs } from "../infra/data/timeframe";
import { writeFileAtomic, writeJsonAtomic } from "../infra/fs-atomic";
import { writeReportHtml } from "../infra/html-report";
import type { Seasonality } from "../sim/latency-model";
import { loadSeasonality, loadSlippageProfile } from "../sim/loaders";
import type { SlippageProfile } from "../sim/slippage-profile";
import { buildSlippageProfile, calibrateSlippageFromBook, profileEntry, type ProfileSymbolUpdate } from "../services/calibrate-slippage";
import type { BookColumns, TradeColumns } from "../services/calibrate-slippage-book";
import { calibrateSlippageFromFills, extractFills, type JournalLine } from "../services/calibrate-slippage-journal";
import { slippageReportBlocks, type SlippageResult } from "../services/calibrate-slippage-report";
import type { CalibrationBlock } from "../services/calibration/report-blocks";
import { calibrateLatencyFromJournal, calibrateLatencyFromStream, extractOrderTimelines, type JournalLatencyResult, latencyConfigValues, type StreamLatencyResult } from "../services/calibrate-latency";
import { fitSeasonality, type SeasonalityFit, seasonalityFile } from "../services/calibrate-latency-seasonality";
import { latencyReportBlocks } from "../services/calibrate-latency-report";
import { buildFeeFile, fetchFeeRows, type FeeFile, type FeeRow, parseFeeSchedule } from "../services/calibrate-fees";
import { buildFiltersFile, fetchFilterEntries, filtersFromExchangeInfo, type FiltersFile } from "../services/calibrate-fees-filters";
import { type ReferenceAge, referenceFileAge } from "../services/calibration/reference-age";
import type { Instrument } from "../core/instrument";
import type { VenueDeps } from "../venues/capabilities";
import { createExchangeInfoAdapter } from "../venues/registry";
import { readJsonFile } from "../sim/loaders";

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
    const cols = (await session.query(`DESCRIBE SELECT * FROM read_parquet(${sqlStr(f)})`)).map((r) => String(r["column_name"]));
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
    `SELECT ts_ms, ${names.join(", ")} FROM book WHERE venue = ${sqlStr(q.venue)} AND symbol = ${sqlStr(q.symbol)} AND kind = ${sqlStr(kind)}${timeWhere(q.from, q.to)} ORDER BY ts_ms`,
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
     FROM trades WHERE venue = ${sqlStr(q.venue)} AND symbol = ${sqlStr(q.symbol)} AND kind = ${sqlStr(kind)}${timeWhere(q.from, q.to)} ORDER BY ts_ms, trade_id`,
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
        // sigma and V are recomputed from bars only for fills that do not carry them
        const needBars = fills.sigma.some((v, i) => Number.isNaN(v) || Number.isNaN(fills.volume[i]!));
        const bars = needBars ? await session.loadBars({ venue, symbol, timeframe: tf.name, from: fills.ts[0]! - lookback, to: fills.ts[fills.ts.length - 1]! + tf.ms }) : undefined;
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
  if (req.report) {
    writeReportHtml(resolve(req.report), "Slippage calibration", slippageReport(results, builtAt));
    reportPath = req.report;
  }
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

export interface LatencyCalibrationRequest {
  /** Train-kind config (data dir, venue, symbols, current latency settings). Default configs/config_train.yaml. */
  config?: string;
  /** Journal folder or file with order updates and fills; fitted when given (or when the default state/journal has files); "" skips it. */
  journal?: string;
  /** Only this symbol's orders from the journal. */
  journalSymbol?: string;
  /** Divide journal latencies by the config's seasonality multipliers (as the simulator applies them). Default true when the config names a seasonality file. */
  deseasonalise?: boolean;
  /** Recorded stream to analyse (trades with event and receive times). Default the config's first symbol; "" skips. */
  streamSymbol?: string;
  /** Assumed median latency for the stream fit, ms. Default: the journal's fitted base, else the config's baseMs. */
  baseMs?: number;
  /** Symbol whose bars give the seasonality. Default the config's first symbol; "" skips. */
  seasonalitySymbol?: string;
  /** Bars for the seasonality. Default 1m. */
  seasonalityTimeframe?: string;
  minBarsPerHour?: number;
  statistic?: "mean" | "median";
  /** Data venue partition. Default: the config's data.venue. */
  venue?: string;
  from?: string | number;
  to?: string | number;
  /** Where the seasonality file goes. Default: the config's latency.seasonalityFile (data/latency/liquidity_latency_seasonality.json). */
  seasonalityOut?: string;
  /** Compute and print only; write no file. */
  dryRun?: boolean;
  /** Write the fitted execution.latency keys as a `kind: latency` YAML config here. */
  out?: string;
  report?: string;
  dataDir?: string;
  builtAt?: string;
}

export interface LatencyCalibrationOutcome {
  journal?: JournalLatencyResult;
  stream?: StreamLatencyResult;
  seasonality?: SeasonalityFit;
  /** The latency parameters proposed, and where they came from. */
  params?: ReturnType<typeof latencyConfigValues> & { from: "journal" | "stream" };
  notes: string[];
  outPath?: string;
  seasonalityPath?: string;
  reportPath?: string;
}

const hasJsonl = (p: string) => existsSync(p) && (!statSync(p).isDirectory() || readdirSync(p).some((f) => f.endsWith(".jsonl")));

/** Latency and seasonality calibration; files are written only after every part succeeded. */
export async function runLatencyCalibration(req: LatencyCalibrationRequest): Promise<LatencyCalibrationOutcome> {
  const cfg = loadCfg(req.config);
  const lat = cfg.execution.latency;
  const venue = req.venue ?? cfg.data.venue;
  const out: LatencyCalibrationOutcome = { notes: [] };
  const journalPath = resolve(req.journal ?? DEFAULT_JOURNAL_DIR);
  if (req.journal !== "" && (req.journal !== undefined || hasJsonl(journalPath))) {
    const j = readJournalLines(journalPath);
    const useSeason = (req.deseasonalise ?? true) && lat.seasonalityFile !== undefined;
    const season: Seasonality | undefined = useSeason ? loadSeasonality(resolve(lat.seasonalityFile!)) : undefined;
    out.journal = calibrateLatencyFromJournal(extractOrderTimelines(j.lines, rel(journalPath), req.journalSymbol), { seasonality: season, timeoutMs: lat.timeoutMs });
    if (j.skipped > 0) out.notes.push(`journal: ${j.skipped} torn last line(s) skipped`);
  } else out.notes.push(req.journal === "" ? "journal: skipped" : `journal: none at ${rel(journalPath)}; order latency not fitted from own orders`);
  const session = await openDataSession({ dataDir: resolve(req.dataDir ?? cfg.data.dir) });
  try {
    const streamSymbol = req.streamSymbol ?? cfg.data.symbols[0]!;
    if (streamSymbol !== "") {
      const t = await loadTradeColumns(session, { venue, symbol: streamSymbol, from: req.from, to: req.to, withTimes: true });
      const baseMs = req.baseMs ?? out.journal?.fit.baseMs ?? lat.baseMs;
      out.stream = calibrateLatencyFromStream({ source: t.source, tradeTs: t.ts, eventTs: t.eventTs!, recvTs: t.recvTs! }, { baseMs });
      out.notes.push(
        `stream: the recorder's clock was not synced to the venue, so recv - E is offset + transit; only the delay above its floor (jitter), the drift and the venue-internal E - T delay are measured. The level is pinned at a median of ${baseMs} ms (${req.baseMs !== undefined ? "--base-ms" : out.journal ? "the journal fit" : "the config's baseMs"}).`,
      );
    }
    const seasonSymbol = req.seasonalitySymbol ?? cfg.data.symbols[0]!;
    if (seasonSymbol !== "") {
      const tf = req.seasonalityTimeframe ?? "1m";
      const bars = await session.loadBars({ venue, symbol: seasonSymbol, timeframe: tf });
      const trades = await session.queryColumns(`SELECT ts_ms, trades FROM bars WHERE venue = ${sqlStr(venue)} AND symbol = ${sqlStr(seasonSymbol)} AND timeframe = ${sqlStr(bars.sourceTimeframe)} ORDER BY ts_ms`);
      // trade counts exist only on stored (not resampled) bars; matched by bar time
      let counts: Float64Array | undefined;
      if (bars.sourceTimeframe === tf) {
        const byTs = new Map<number, number>();
        trades["ts_ms"]!.forEach((t, i) => byTs.set(t, trades["trades"]![i]!));
        counts = bars.ts.map((t) => byTs.get(t) ?? Number.NaN);
      }
      const source = `bars venue=${venue} symbol=${seasonSymbol} timeframe=${tf}`;
      out.seasonality = fitSeasonality({ source, ts: bars.ts, volume: bars.volume, trades: counts }, { minBarsPerHour: req.minBarsPerHour, statistic: req.statistic });
    }
  } finally {
    session.close();
  }
  const fit = out.journal?.fit ?? out.stream?.fit ?? undefined;
  if (fit) out.params = { ...latencyConfigValues(fit), from: out.journal ? "journal" : "stream" };
  return writeLatencyOutputs(req, out, lat.seasonalityFile);
}

function writeLatencyOutputs(req: LatencyCalibrationRequest, out: LatencyCalibrationOutcome, configSeasonality: string | undefined): LatencyCalibrationOutcome {
  const builtAt = req.builtAt ?? new Date().toISOString();
  const seasonPath = req.seasonalityOut ?? configSeasonality ?? "data/latency/liquidity_latency_seasonality.json";
  const seasonPayload = out.seasonality ? seasonalityFile(out.seasonality, builtAt, req.minBarsPerHour ?? 30) : undefined;
  let yamlText: string | undefined;
  if (req.out) {
    if (!out.params) throw new DataError("no latency fit to write: give a journal, or a stream with an assumed base latency");
    const { from, ...values } = out.params;
    const doc = { kind: "latency", execution: { latency: { enabled: true, ...values, ...(seasonPayload ? { seasonalityFile: seasonPath } : configSeasonality ? { seasonalityFile: configSeasonality } : {}) } } };
    CONFIG_SCHEMAS.latency.parse(doc);
    const f = from === "journal" ? out.journal!.fit : out.stream!.fit!;
    yamlText = `# Calibrated by npm run calibrate:latency at ${builtAt} from the ${from} (${from === "journal" ? out.journal!.provenance.source : out.stream!.provenance.source}).\n# ${f.n} samples, KS distance ${f.ks.toFixed(4)}; hour-of-week multipliers scale these values.\n${stringify(doc)}`;
  }
  if (req.dryRun) return out;
  if (seasonPayload) {
    writeJsonAtomic(resolve(seasonPath), seasonPayload);
    out.seasonalityPath = seasonPath;
  }
  if (yamlText !== undefined && req.out) {
    writeFileAtomic(resolve(req.out), yamlText);
    out.outPath = req.out;
  }
  if (req.report) {
    writeReportHtml(resolve(req.report), "Latency and seasonality calibration", latencyReportBlocks({ journal: out.journal, stream: out.stream, seasonality: out.seasonality, notes: [`Built ${builtAt}.`, ...out.notes] }));
    out.reportPath = req.report;
  }
  return out;
}

/** Refresh of a reference file (fees or exchange filters) from a venue or a file. */
export interface ReferenceRefreshRequest {
  /** Venue name with an exchange-info port (binance, binance-testnet): fetch through its adapter (network). */
  venue?: string;
  /** Adapter settings (restBaseUrl, apiKey, apiSecret, ...), validated by the adapter's schema. */
  venueConfig?: Record<string, unknown>;
  /** Adapter dependencies (clock, logger) for tests and embedding. */
  deps?: Partial<VenueDeps>;
  /** Read this file instead of a venue. */
  fromFile?: string;
  /** Default: the symbols already in the output file. */
  symbols?: readonly string[];
  /** Default data/fees/fees_by_symbol.json or data/binance_filters.json. */
  out?: string;
  /** Drop symbols of the existing file that were not refreshed. */
  replace?: boolean;
  dryRun?: boolean;
  builtAt?: string;
}

export const DEFAULT_FEES_FILE = "data/fees/fees_by_symbol.json";
export const DEFAULT_FILTERS_FILE = "data/binance_filters.json";

function existingJson(path: string): unknown {
  return existsSync(path) ? readJsonFile(path, "existing output file") : undefined;
}

function refreshSource(req: ReferenceRefreshRequest, what: string): string {
  if ((req.venue === undefined) === (req.fromFile === undefined)) throw new DataError(`${what}: give exactly one of a venue (--venue) or a file (--from-file)`);
  return req.venue !== undefined ? `${req.venue} exchange-info adapter` : rel(resolve(req.fromFile!));
}

/** Fees per symbol from the venue (account commission rates; needs API credentials) or a schedule file, written atomically. */
export async function runFeesRefresh(req: ReferenceRefreshRequest): Promise<{ file: FeeFile; rows: FeeRow[]; outPath?: string }> {
  const source = refreshSource(req, "fees");
  const outPath = resolve(req.out ?? DEFAULT_FEES_FILE);
  const existing = existingJson(outPath) as FeeFile | undefined;
  if (existing !== undefined) parseFeeSchedule(existing, rel(outPath));
  let rows: FeeRow[];
  if (req.venue !== undefined) {
    const family = req.venue.replace(/-testnet$/, "");
    const symbols = req.symbols?.length ? req.symbols : Object.entries(existing?.symbols ?? {}).filter(([, v]) => v.venue === family || v.venue === req.venue).map(([k]) => k);
    if (!req.venueConfig?.["apiKey"]) throw new DataError(`fees from ${req.venue} come from the account endpoint and need API credentials (apiKey/apiSecret); or use --from-file`, { venue: req.venue });
    rows = await fetchFeeRows(createExchangeInfoAdapter(req.venue, req.venueConfig, req.deps), symbols);
  } else {
    rows = parseFeeSchedule(readJsonFile(resolve(req.fromFile!), "fee schedule"), rel(resolve(req.fromFile!)), req.symbols);
  }
  const file = buildFeeFile(rows, { builtAt: req.builtAt ?? new Date().toISOString(), source, venue: req.venue, existing, replace: req.replace });
  if (req.dryRun) return { file, rows };
  writeJsonAtomic(outPath, file);
  return { file, rows, outPath: rel(outPath) };
}

/** Exchange filters from the venue's exchangeInfo or a saved exchangeInfo file, written atomically. */
export async function runFiltersRefresh(req: ReferenceRefreshRequest): Promise<{ file: FiltersFile; symbols: string[]; instruments?: Instrument[]; outPath?: string }> {
  const source = refreshSource(req, "filters");
  const outPath = resolve(req.out ?? DEFAULT_FILTERS_FILE);
  const existing = existingJson(outPath) as FiltersFile | undefined;
  if (existing !== undefined) filtersFromExchangeInfo(existing, rel(outPath));
  let entries: Record<string, unknown>[];
  let instruments: Instrument[] | undefined;
  if (req.venue !== undefined) {
    const symbols = req.symbols?.length ? req.symbols : (existing?.symbols ?? []).map((e) => String(e["symbol"]));
    ({ entries, instruments } = await fetchFilterEntries(createExchangeInfoAdapter(req.venue, req.venueConfig ?? {}, req.deps), symbols));
  } else {
    entries = filtersFromExchangeInfo(readJsonFile(resolve(req.fromFile!), "exchangeInfo file"), rel(resolve(req.fromFile!)), req.symbols);
  }
  const file = buildFiltersFile(entries, { builtAt: req.builtAt ?? new Date().toISOString(), source, venue: req.venue, existing, replace: req.replace, instruments });
  const symbols = entries.map((e) => String(e["symbol"]));
  if (req.dryRun) return { file, symbols, instruments };
  writeJsonAtomic(outPath, file);
  return { file, symbols, instruments, outPath: rel(outPath) };
}

/** Age of a reference file against a refresh age in days (a missing file is an error). */
export function checkReferenceAge(path: string, maxAgeDays: number, nowMs: number = Date.now()): ReferenceAge {
  return referenceFileAge(readJsonFile(resolve(path), "reference file"), rel(resolve(path)), nowMs, maxAgeDays);
}

/** Refresh ages in days used when the config has none. */
export const DEFAULT_REFRESH_AGE_DAYS = { fees: 30, filters: 7 } as const;

/**
 * One warning per reference file the simulator is about to load that is older than its refresh age
 * (or has no built_at): the fee file (crypto fees) and the exchange filters (when enforced). For the
 * composition roots (backtest, live) to log at start-up; missing files are left to the loaders.
 */
export function staleReferenceWarnings(execution: ConfigOf<"train">["execution"], opts: { nowMs?: number; maxAgeDays?: { fees?: number; filters?: number }; root?: string } = {}): string[] {
  const now = opts.nowMs ?? Date.now();
  const files: [string, number][] = [];
  if (execution.fees.kind === "crypto") files.push([execution.fees.file, opts.maxAgeDays?.fees ?? execution.fees.maxAgeDays ?? DEFAULT_REFRESH_AGE_DAYS.fees]);
  if (execution.filters.enforce) files.push([execution.filters.file, opts.maxAgeDays?.filters ?? execution.filters.maxAgeDays ?? DEFAULT_REFRESH_AGE_DAYS.filters]);
  const out: string[] = [];
  for (const [file, days] of files) {
    const path = resolve(opts.root ?? process.cwd(), file);
    if (!existsSync(path)) continue;
    const age = referenceFileAge(readJsonFile(path, "reference file"), file, now, days);
    if (age.stale) out.push(`${age.message} (npm run calibrate:${file === execution.fees.file ? "fees" : "filters"})`);
  }
  return out;
}
