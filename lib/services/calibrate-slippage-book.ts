import type { BarColumns } from "../core/bar";
import { emptyBarColumns } from "../core/bar";
import { DataError } from "../core/errors";
import { MarketStats } from "../sim/market-stats";
import { isoUtc } from "./calibration/provenance";

/** Order-book snapshots as columns: level arrays are indexed by level (0 = best). */
export interface BookColumns {
  /** File or partition the rows came from (named in errors). */
  source: string;
  ts: Float64Array;
  bidPx: Float64Array[];
  bidQty: Float64Array[];
  askPx: Float64Array[];
  askQty: Float64Array[];
}

/** Trade prints as columns. */
export interface TradeColumns {
  source: string;
  ts: Float64Array;
  price: Float64Array;
  qty: Float64Array;
  /** +1 when the taker bought, -1 when the taker sold. */
  side: Float64Array;
}

const rowRef = (source: string, i: number, ts: number) => `${source} row ${i + 1} (${isoUtc(ts)})`;

/**
 * Checks a book: every level finite and positive, bids strictly decreasing, asks strictly
 * increasing, best bid below best ask, rows in time order. A level may be missing (NaN price and
 * quantity) only below the last present one. Throws DATA_INVALID naming the source, row and time.
 */
export function validateBook(b: BookColumns): void {
  const n = b.ts.length;
  const levels = b.bidPx.length;
  if (levels === 0 || b.askPx.length !== levels || b.bidQty.length !== levels || b.askQty.length !== levels) {
    throw new DataError(`${b.source}: a book needs the same number (>= 1) of bid and ask levels with prices and quantities`, { file: b.source });
  }
  if (n === 0) throw new DataError(`${b.source}: no book snapshots in the requested window`, { file: b.source });
  for (const col of [...b.bidPx, ...b.bidQty, ...b.askPx, ...b.askQty]) {
    if (col.length !== n) throw new DataError(`${b.source}: book columns have different lengths`, { file: b.source });
  }
  for (let i = 0; i < n; i++) {
    const ts = b.ts[i]!;
    if (!Number.isFinite(ts)) throw new DataError(`${b.source} row ${i + 1}: timestamp is missing`, { file: b.source, row: i + 1 });
    if (i > 0 && ts < b.ts[i - 1]!) throw new DataError(`${rowRef(b.source, i, ts)}: snapshots out of time order`, { file: b.source, row: i + 1 });
    checkSide(b, i, "bid", b.bidPx, b.bidQty);
    checkSide(b, i, "ask", b.askPx, b.askQty);
    const bid = b.bidPx[0]![i]!;
    const ask = b.askPx[0]![i]!;
    if (bid >= ask) {
      throw new DataError(`${rowRef(b.source, i, ts)}: crossed book: best bid ${bid} >= best ask ${ask}`, { file: b.source, row: i + 1, bid, ask });
    }
  }
}

function checkSide(b: BookColumns, i: number, side: "bid" | "ask", px: Float64Array[], qty: Float64Array[]): void {
  let ended = false;
  for (let l = 0; l < px.length; l++) {
    const p = px[l]![i]!;
    const q = qty[l]![i]!;
    const where = () => `${rowRef(b.source, i, b.ts[i]!)}: ${side} level ${l + 1}`;
    if (Number.isNaN(p) && Number.isNaN(q)) {
      if (l === 0) throw new DataError(`${where()}: the best ${side} is missing`, { file: b.source, row: i + 1 });
      ended = true;
      continue;
    }
    if (ended) throw new DataError(`${where()}: present below a missing level`, { file: b.source, row: i + 1 });
    if (!(p > 0) || !Number.isFinite(p)) throw new DataError(`${where()}: price ${p} is not a positive number`, { file: b.source, row: i + 1 });
    if (!(q > 0) || !Number.isFinite(q)) throw new DataError(`${where()}: quantity ${q} is not a positive number`, { file: b.source, row: i + 1 });
    if (l > 0) {
      const prev = px[l - 1]![i]!;
      if (side === "bid" ? !(p < prev) : !(p > prev)) {
        throw new DataError(`${where()}: price ${p} is not ${side === "bid" ? "below" : "above"} level ${l} (${prev})`, { file: b.source, row: i + 1 });
      }
    }
  }
}

/** Checks trade prints: finite positive price and quantity, side +-1, time order. */
export function validateTrades(t: TradeColumns): void {
  const n = t.ts.length;
  if (n === 0) throw new DataError(`${t.source}: no trades in the requested window`, { file: t.source });
  for (const c of [t.price, t.qty, t.side]) if (c.length !== n) throw new DataError(`${t.source}: trade columns have different lengths`, { file: t.source });
  for (let i = 0; i < n; i++) {
    const ts = t.ts[i]!;
    if (!Number.isFinite(ts)) throw new DataError(`${t.source} row ${i + 1}: timestamp is missing`, { file: t.source, row: i + 1 });
    if (i > 0 && ts < t.ts[i - 1]!) throw new DataError(`${rowRef(t.source, i, ts)}: trades out of time order`, { file: t.source, row: i + 1 });
    if (!(t.price[i]! > 0) || !Number.isFinite(t.price[i]!)) throw new DataError(`${rowRef(t.source, i, ts)}: price ${t.price[i]} is not a positive number`, { file: t.source, row: i + 1 });
    if (!(t.qty[i]! > 0) || !Number.isFinite(t.qty[i]!)) throw new DataError(`${rowRef(t.source, i, ts)}: quantity ${t.qty[i]} is not a positive number`, { file: t.source, row: i + 1 });
    if (t.side[i] !== 1 && t.side[i] !== -1) throw new DataError(`${rowRef(t.source, i, ts)}: taker side must be buy or sell`, { file: t.source, row: i + 1 });
  }
}

/**
 * OHLCV bars of `timeframeMs` built from trades, UTC-aligned, complete intervals only (a partial
 * first or last interval would understate volume). An interval without trades repeats the last close
 * with zero volume.
 */
export function barsFromTrades(t: TradeColumns, timeframeMs: number): BarColumns {
  const n = t.ts.length;
  if (n === 0) return emptyBarColumns(0);
  const start = Math.ceil(t.ts[0]! / timeframeMs) * timeframeMs;
  const end = Math.floor(t.ts[n - 1]! / timeframeMs) * timeframeMs; // the interval starting here is incomplete
  const count = Math.max(0, Math.round((end - start) / timeframeMs));
  const bars = emptyBarColumns(count);
  let i = 0;
  while (i < n && t.ts[i]! < start) i++;
  let last = i > 0 ? t.price[i - 1]! : t.price[0]!;
  for (let b = 0; b < count; b++) {
    const from = start + b * timeframeMs;
    const to = from + timeframeMs;
    bars.ts[b] = from;
    let o = Number.NaN;
    let h = Number.NEGATIVE_INFINITY;
    let l = Number.POSITIVE_INFINITY;
    let v = 0;
    while (i < n && t.ts[i]! < to) {
      const p = t.price[i]!;
      if (Number.isNaN(o)) o = p;
      if (p > h) h = p;
      if (p < l) l = p;
      v += t.qty[i]!;
      last = p;
      i++;
    }
    if (Number.isNaN(o)) [o, h, l] = [last, last, last];
    bars.open[b] = o;
    bars.high[b] = h;
    bars.low[b] = l;
    bars.close[b] = last;
    bars.volume[b] = v;
  }
  return bars;
}

/** The simulator's market statistics (per-bar Parkinson sigma, bar volume) as seen at given times. */
export interface StatsAt {
  /** Per-bar volatility (fraction), NaN before the warm-up. */
  sigma: Float64Array;
  /** EWMA bar volume (base units), NaN before the warm-up. */
  volume: Float64Array;
  /** Bars closed before each time. */
  barsSeen: Int32Array;
}

/**
 * For each query time t, the state of lib/sim MarketStats fed every bar that closed at or before t:
 * exactly what the matching engine reads for a fill at t (it updates the statistics after matching a
 * bar). Times with fewer than `warmupBars` closed bars get NaN.
 */
export function marketStatsAt(bars: BarColumns, timeframeMs: number, halfLifeBars: number, times: ArrayLike<number>, warmupBars = 1): StatsAt {
  const m = times.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => times[a]! - times[b]!);
  const out: StatsAt = { sigma: new Float64Array(m).fill(Number.NaN), volume: new Float64Array(m).fill(Number.NaN), barsSeen: new Int32Array(m) };
  const stats = new MarketStats(halfLifeBars);
  let b = 0;
  for (const q of order) {
    const t = times[q]!;
    while (b < bars.length && bars.ts[b]! + timeframeMs <= t) {
      stats.update(bars.high[b]!, bars.low[b]!, bars.close[b]!, bars.volume[b]!);
      b++;
    }
    out.barsSeen[q] = stats.count;
    if (stats.count >= Math.max(1, warmupBars) && stats.volume > 0) {
      out.sigma[q] = stats.sigma;
      out.volume[q] = stats.volume;
    }
  }
  return out;
}

/** Visible depth (base units) on each side of every snapshot. */
export function bookDepth(b: BookColumns): { bid: Float64Array; ask: Float64Array } {
  const n = b.ts.length;
  const bid = new Float64Array(n);
  const ask = new Float64Array(n);
  for (let l = 0; l < b.bidQty.length; l++) {
    for (let i = 0; i < n; i++) {
      const bq = b.bidQty[l]![i]!;
      const aq = b.askQty[l]![i]!;
      if (bq > 0) bid[i]! += bq;
      if (aq > 0) ask[i]! += aq;
    }
  }
  return { bid, ask };
}

/**
 * Volume-weighted price of a market order of `qty` walking one side of snapshot `i`, or NaN when the
 * visible levels cannot fill it.
 */
export function walkPrice(px: Float64Array[], qtyCols: Float64Array[], i: number, qty: number): number {
  let left = qty;
  let cost = 0;
  for (let l = 0; l < px.length && left > 0; l++) {
    const q = qtyCols[l]![i]!;
    if (!(q > 0)) break;
    const take = q < left ? q : left;
    cost += take * px[l]![i]!;
    left -= take;
  }
  return left > 1e-12 * qty ? Number.NaN : cost / qty;
}
