import type { ReplayBars, SeriesBars } from "./market-data";

/** Decimal text with Binance's 8 decimals (window sums and averages carry float noise beyond them). */
function dec(x: number): string {
  return x.toFixed(8);
}

/** Statistics over the closed bars of one window: what the ticker endpoints report. */
export interface WindowStats {
  /** Bars in the window (0: nothing closed in it). */
  bars: number;
  openTime: number;
  closeTime: number;
  open: number;
  high: number;
  low: number;
  last: number;
  /** Close of the bar before the window (the window's open when there is none). */
  prevClose: number;
  volume: number;
  quoteVolume: number;
  weightedAvgPrice: number;
  /** Trade ids: trades are numbered from the first bar of the series, so ids run on across windows. */
  firstId: number;
  lastId: number;
  count: number;
}

/**
 * Aggregates the bars of `s` whose open time is >= `from` and that have closed by `now`.
 * weightedAvgPrice is quoteVolume / volume when the source has quote volume for every bar of the
 * window, otherwise the volume-weighted typical price (high + low + close) / 3 of the bars.
 */
export function windowStats(bars: ReplayBars, s: SeriesBars, from: number, now: number): WindowStats {
  const hi = bars.closedEnd(s, now);
  const lo = Math.min(bars.lowerBound(s, from), hi);
  const w: WindowStats = {
    bars: hi - lo, openTime: from, closeTime: now, open: 0, high: 0, low: 0, last: 0, prevClose: 0,
    volume: 0, quoteVolume: 0, weightedAvgPrice: 0, firstId: -1, lastId: -1, count: 0,
  };
  let before = 0;
  for (let i = 0; i < lo; i++) before += s.trades[i]!;
  if (hi === lo) {
    if (hi > 0) w.last = w.open = w.high = w.low = w.prevClose = w.weightedAvgPrice = s.close[hi - 1]!;
    return w;
  }
  let typical = 0;
  let quoteKnown = true;
  w.open = s.open[lo]!;
  w.high = Number.NEGATIVE_INFINITY;
  w.low = Number.POSITIVE_INFINITY;
  for (let i = lo; i < hi; i++) {
    w.high = Math.max(w.high, s.high[i]!);
    w.low = Math.min(w.low, s.low[i]!);
    w.volume += s.volume[i]!;
    w.quoteVolume += s.quoteVolume[i]!;
    if (!(s.quoteVolume[i]! > 0) && s.volume[i]! > 0) quoteKnown = false;
    typical += ((s.high[i]! + s.low[i]! + s.close[i]!) / 3) * s.volume[i]!;
    w.count += s.trades[i]!;
  }
  w.last = s.close[hi - 1]!;
  w.prevClose = lo > 0 ? s.close[lo - 1]! : w.open;
  w.openTime = s.ts[lo]!;
  w.closeTime = s.ts[hi - 1]! + bars.tfMs - 1;
  w.weightedAvgPrice = w.volume > 0 ? (quoteKnown ? w.quoteVolume / w.volume : typical / w.volume) : w.last;
  if (w.count > 0) [w.firstId, w.lastId] = [before, before + w.count - 1];
  return w;
}

/** priceChangePercent as Binance writes it: three decimals. */
function pct(w: WindowStats): string {
  return w.open > 0 ? (((w.last - w.open) / w.open) * 100).toFixed(3) : "0.000";
}

/** The MINI ticker fields (ticker/24hr and ticker with type=MINI). */
export function miniTicker(symbol: string, w: WindowStats): Record<string, unknown> {
  return {
    symbol, openPrice: dec(w.open), highPrice: dec(w.high), lowPrice: dec(w.low), lastPrice: dec(w.last), volume: dec(w.volume), quoteVolume: dec(w.quoteVolume),
    openTime: w.openTime, closeTime: w.closeTime, firstId: w.firstId, lastId: w.lastId, count: w.count,
  };
}

/** GET /api/v3/ticker FULL fields. */
export function rollingTicker(symbol: string, w: WindowStats): Record<string, unknown> {
  return {
    symbol, priceChange: dec(w.last - w.open), priceChangePercent: pct(w), weightedAvgPrice: dec(w.weightedAvgPrice), openPrice: dec(w.open), highPrice: dec(w.high),
    lowPrice: dec(w.low), lastPrice: dec(w.last), volume: dec(w.volume), quoteVolume: dec(w.quoteVolume), openTime: w.openTime, closeTime: w.closeTime,
    firstId: w.firstId, lastId: w.lastId, count: w.count,
  };
}

/** Best bid/ask as the ticker endpoints report them. */
export interface Top {
  bidPrice: string;
  bidQty: string;
  askPrice: string;
  askQty: string;
}

/** GET /api/v3/ticker/24hr FULL fields. */
export function fullTicker(symbol: string, w: WindowStats, top: Top, lastQty: number): Record<string, unknown> {
  return {
    symbol, priceChange: dec(w.last - w.open), priceChangePercent: pct(w), weightedAvgPrice: dec(w.weightedAvgPrice), prevClosePrice: dec(w.prevClose),
    lastPrice: dec(w.last), lastQty: dec(lastQty), ...top, openPrice: dec(w.open), highPrice: dec(w.high), lowPrice: dec(w.low), volume: dec(w.volume),
    quoteVolume: dec(w.quoteVolume), openTime: w.openTime, closeTime: w.closeTime, firstId: w.firstId, lastId: w.lastId, count: w.count,
  };
}

const WINDOW = /^([1-9][0-9]?)([mhd])$/;
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const UNIT_MAX: Record<string, number> = { m: 59, h: 23, d: 7 };

/** windowSize of GET /api/v3/ticker (1m..59m, 1h..23h, 1d..7d) in ms; undefined when not one of those. */
export function windowSizeMs(v: string): number | undefined {
  const m = WINDOW.exec(v);
  if (!m) return undefined;
  const n = Number(m[1]);
  return n <= UNIT_MAX[m[2]!]! ? n * UNIT_MS[m[2]!]! : undefined;
}
