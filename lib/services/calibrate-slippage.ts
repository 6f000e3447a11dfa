import { DataError } from "../core/errors";
import { parseSlippageProfile } from "../sim/loaders";
import type { SlippageProfile, SlippageProfileEntry } from "../sim/slippage-profile";
import { barsFromTrades, bookDepth, type BookColumns, marketStatsAt, type TradeColumns, validateBook, validateTrades, walkPrice } from "./calibrate-slippage-book";
import { fitSqrtImpact, type ImpactObservations, type SqrtImpactFit } from "./calibrate-slippage-fit";
import { checkRealOrders, type RealOrderCheck } from "./calibrate-slippage-real";
import { logSpace, median, quantileSorted, roundSig, sortedFinite } from "./calibration/fit-stats";
import { type Provenance, provenanceOf } from "./calibration/provenance";

export interface BookSlippageInput {
  symbol: string;
  /** Quote currency (labels only). Default "". */
  quote?: string;
  book: BookColumns;
  trades: TradeColumns;
}

export interface BookSlippageOptions {
  /** Bar length for sigma and V, ms: use the timeframe the backtests run on. Default 60 000. */
  timeframeMs?: number;
  /** EWMA half-life of sigma and V in bars (the config's slippage.sqrtImpact.halfLifeBars). Default 20. */
  halfLifeBars?: number;
  /** Bars that must have closed before a snapshot is used. Default 3. */
  warmupBars?: number;
  /** Order sizes per snapshot and side, log-spaced. Default 20. */
  sizes?: number;
  /** Smallest order, quote currency. Default 10. */
  minNotional?: number;
  /**
   * Largest order as a quantile of the thinner side's visible depth over the snapshots (so that
   * most snapshots can fill it and deep books do not dominate the large sizes). Default 0.25.
   */
  maxDepthQuantile?: number;
  /** Largest order in base units (overrides maxDepthQuantile). */
  maxQty?: number;
  /** Residual buckets by notional. Default 8. */
  buckets?: number;
}

/** Market orders walked through the book: the measurements behind the fit. */
export interface WalkedOrders extends ImpactObservations {
  /** +1 buy (walks the asks), -1 sell (walks the bids). */
  side: Int8Array;
  ts: Float64Array;
  /** The fit's regressor 1e4 * sigma * sqrt(q / V) and fitted cost, bps. */
  x: Float64Array;
  fitted: Float64Array;
}

export interface BookSlippageResult {
  symbol: string;
  method: "book-walk";
  /** The fitted profile parameters. */
  params: { halfSpreadBps: number; k: number };
  fit: SqrtImpactFit;
  measured: {
    snapshots: number;
    usedSnapshots: number;
    /** Half the quoted spread at the snapshots used, bps. */
    halfSpreadBps: { mean: number; median: number };
    sigma: number;
    volume: number;
    /** The order-size grid (base units). */
    sizes: Float64Array;
    /** Orders larger than the visible depth of their snapshot (left out). */
    beyondDepth: number;
    timeframeMs: number;
    halfLifeBars: number;
  };
  orders: WalkedOrders;
  /** Out-of-sample check against real taker orders rebuilt from the trades. */
  realOrders: RealOrderCheck | null;
  provenance: { book: Provenance; trades: Provenance };
}

/**
 * Market-data slippage calibration: walks buy and sell market orders of many sizes through every
 * book snapshot (cost = VWAP against the mid, in bps), with sigma and V computed exactly as the
 * simulator does (MarketStats over bars of the backtest timeframe built from the trades), then fits
 * half-spread + k * sigma * sqrt(q / V) by non-negative least squares.
 *
 * A snapshot walk measures the instantaneous cost of the visible book: hidden liquidity and refill
 * make real costs lower for large orders, and the real taker orders in the trades are reported next
 * to the fit as an out-of-sample check.
 */
export function calibrateSlippageFromBook(input: BookSlippageInput, opts: BookSlippageOptions = {}): BookSlippageResult {
  const { book, trades, symbol } = input;
  validateBook(book);
  validateTrades(trades);
  const tf = opts.timeframeMs ?? 60_000;
  const halfLife = opts.halfLifeBars ?? 20;
  const bars = barsFromTrades(trades, tf);
  const warmup = opts.warmupBars ?? 3;
  if (bars.length < warmup + 1) {
    throw new DataError(`${trades.source}: ${bars.length} complete ${tf / 1000}s bars of trades; need at least ${warmup + 1} (warm-up ${warmup})`, { file: trades.source, bars: bars.length });
  }
  const stats = marketStatsAt(bars, tf, halfLife, book.ts, warmup);
  const used: number[] = [];
  for (let i = 0; i < book.ts.length; i++) if (Number.isFinite(stats.sigma[i]!) && stats.sigma[i]! > 0) used.push(i);
  if (used.length === 0) {
    throw new DataError(`${book.source}: no snapshot falls after the ${warmup}-bar warm-up with a positive volatility (trades ${trades.source})`, { file: book.source });
  }
  const mid = (i: number) => (book.bidPx[0]![i]! + book.askPx[0]![i]!) / 2;
  const depth = bookDepth(book);
  const thinner = sortedFinite(used.map((i) => Math.min(depth.bid[i]!, depth.ask[i]!)));
  const qMin = (opts.minNotional ?? 10) / median(used.map(mid));
  const qMax = opts.maxQty ?? quantileSorted(thinner, opts.maxDepthQuantile ?? 0.25);
  if (!(qMax > qMin)) {
    throw new DataError(`${book.source}: the visible depth (${thinner[0]} base units at the thinnest snapshot) is below the smallest order (${qMin}); lower --min-notional`, { file: book.source });
  }
  const sizes = logSpace(qMin, qMax, Math.max(2, opts.sizes ?? 20));
  const rows = walkAll(book, used, sizes, stats, mid);
  const halfSpreads = used.map((i) => ((book.askPx[0]![i]! - book.bidPx[0]![i]!) / 2 / mid(i)) * 10_000);
  const { fit, x, fitted } = fitSqrtImpact(rows.obs, { buckets: opts.buckets, quote: input.quote });
  return {
    symbol,
    method: "book-walk",
    params: { halfSpreadBps: fit.halfSpreadBps, k: fit.k },
    fit,
    measured: {
      snapshots: book.ts.length,
      usedSnapshots: used.length,
      halfSpreadBps: { mean: halfSpreads.reduce((a, b) => a + b, 0) / halfSpreads.length, median: median(halfSpreads) },
      sigma: median(used.map((i) => stats.sigma[i]!)),
      volume: median(used.map((i) => stats.volume[i]!)),
      sizes,
      beyondDepth: rows.beyondDepth,
      timeframeMs: tf,
      halfLifeBars: halfLife,
    },
    orders: { ...rows.obs, side: rows.side, ts: rows.ts, x, fitted },
    realOrders: checkRealOrders(trades, book, bars, { timeframeMs: tf, halfLifeBars: halfLife, warmupBars: warmup }, fit),
    provenance: {
      book: provenanceOf(book.source, book.ts, [...book.bidPx, ...book.bidQty, ...book.askPx, ...book.askQty]),
      trades: provenanceOf(trades.source, trades.ts, [trades.price, trades.qty, trades.side]),
    },
  };
}

function walkAll(book: BookColumns, used: readonly number[], sizes: Float64Array, stats: { sigma: Float64Array; volume: Float64Array }, mid: (i: number) => number) {
  const cap = used.length * sizes.length * 2;
  const obs: ImpactObservations = {
    costBps: new Float64Array(cap),
    qty: new Float64Array(cap),
    notional: new Float64Array(cap),
    sigma: new Float64Array(cap),
    volume: new Float64Array(cap),
    halfSpreadBps: new Float64Array(cap),
  };
  const side = new Int8Array(cap);
  const ts = new Float64Array(cap);
  let n = 0;
  let beyondDepth = 0;
  for (const i of used) {
    const m = mid(i);
    const hs = ((book.askPx[0]![i]! - book.bidPx[0]![i]!) / 2 / m) * 10_000;
    for (const s of [1, -1] as const) {
      for (const q of sizes) {
        const vwap = s === 1 ? walkPrice(book.askPx, book.askQty, i, q) : walkPrice(book.bidPx, book.bidQty, i, q);
        if (Number.isNaN(vwap)) {
          beyondDepth++;
          continue;
        }
        obs.costBps[n] = (s * (vwap - m) * 10_000) / m;
        obs.qty[n] = q;
        obs.notional[n] = q * m;
        obs.sigma[n] = stats.sigma[i]!;
        obs.volume[n] = stats.volume[i]!;
        obs.halfSpreadBps![n] = hs;
        side[n] = s;
        ts[n] = book.ts[i]!;
        n++;
      }
    }
  }
  const cut = <T extends Float64Array | Int8Array>(a: T): T => a.slice(0, n) as T;
  return {
    obs: { costBps: cut(obs.costBps), qty: cut(obs.qty), notional: cut(obs.notional), sigma: cut(obs.sigma), volume: cut(obs.volume), halfSpreadBps: cut(obs.halfSpreadBps!) },
    side: cut(side),
    ts: cut(ts),
    beyondDepth,
  };
}

/** One symbol's calibrated entry with the provenance and fit statistics for the profile's meta. */
export interface ProfileSymbolUpdate {
  symbol: string;
  entry: SlippageProfileEntry;
  meta: Record<string, unknown>;
}

/** The profile entry of a fit (parameters rounded to 6 significant digits). */
export function profileEntry(params: { halfSpreadBps: number; k: number }): SlippageProfileEntry {
  return { halfSpreadBps: roundSig(params.halfSpreadBps, 6), k: roundSig(params.k, 6) };
}

/**
 * The slippage profile file (lib/sim/slippage-profile.ts layout) with the given symbols replaced:
 * symbols of `existing` that were not recalibrated are kept unless `replace` is set. The result is
 * validated with the simulator's own parser, so a file written from it always loads.
 */
export function buildSlippageProfile(updates: readonly ProfileSymbolUpdate[], opts: { builtAt: string; existing?: SlippageProfile; replace?: boolean }): SlippageProfile {
  const keep = opts.replace ? undefined : opts.existing;
  const symbols: Record<string, SlippageProfileEntry> = { ...(keep?.symbols ?? {}) };
  const prevMeta = (keep?.meta?.["symbols"] ?? {}) as Record<string, unknown>;
  const metaSymbols: Record<string, unknown> = { ...prevMeta };
  for (const u of updates) {
    symbols[u.symbol] = u.entry;
    metaSymbols[u.symbol] = { built_at: opts.builtAt, ...u.meta };
  }
  const profile: SlippageProfile = {
    version: 1,
    meta: {
      built_at: opts.builtAt,
      model: "cost_bps = halfSpreadBps + k * 1e4 * sigma * sqrt(q / V); sigma = per-bar Parkinson volatility and V = bar volume (EWMA, lib/sim MarketStats)",
      symbols: metaSymbols,
    },
    ...(keep?.default !== undefined ? { default: keep.default } : {}),
    symbols,
  };
  return parseSlippageProfile(JSON.parse(JSON.stringify(profile)), "calibrated slippage profile");
}
