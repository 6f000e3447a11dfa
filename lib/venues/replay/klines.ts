import type { ReplayBars, SeriesBars } from "./market-data";
import { dec } from "./parse";

const MIN = 60_000;
const DAY = 86_400_000;
/** Kline intervals of rest-api.md "Kline/Candlestick data" with a fixed length. */
const FIXED: Record<string, number> = {
  "1s": 1000, "1m": MIN, "3m": 3 * MIN, "5m": 5 * MIN, "15m": 15 * MIN, "30m": 30 * MIN, "1h": 60 * MIN, "2h": 120 * MIN, "4h": 240 * MIN,
  "6h": 360 * MIN, "8h": 480 * MIN, "12h": 720 * MIN, "1d": DAY, "3d": 3 * DAY, "1w": 7 * DAY,
};
/** 1970-01-05, the first Monday: weekly klines open on Mondays 00:00. */
const MONDAY = 4 * DAY;

/** A kline interval as Binance names it ("1M" is the calendar month). */
export function isKlineInterval(v: string): boolean {
  return v === "1M" || Object.prototype.hasOwnProperty.call(FIXED, v);
}

/**
 * timeZone of klines: "-1:00", "05:45", "0", "8"..., strictly within [-12:00, +14:00]. Returns the
 * offset in ms, or undefined when the value is not one of those.
 */
export function timeZoneOffsetMs(v: string | undefined): number | undefined {
  if (v === undefined) return 0;
  const m = /^([+-]?)(\d{1,2})(?::(\d{2}))?$/.exec(v);
  if (!m) return undefined;
  const minutes = Number(m[3] ?? 0);
  if (minutes > 59) return undefined;
  const total = (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + minutes);
  return total >= -12 * 60 && total <= 14 * 60 ? total * MIN : undefined;
}

/** [open, end) of the kline of `interval` containing `ts`, in the time zone `off` ms east of UTC. */
function bucketOf(interval: string, off: number, ts: number): [number, number] {
  if (interval === "1M") {
    const d = new Date(ts + off);
    return [Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - off, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - off];
  }
  const len = FIXED[interval]!;
  const anchor = interval === "1w" ? MONDAY : 0;
  const start = Math.floor((ts + off - anchor) / len) * len + anchor - off;
  return [start, start + len];
}

/** Why klines of `interval` cannot be built from bars of `tfMs` in time zone `off`, or undefined when they can. */
export function klineProblem(interval: string, tfMs: number, off: number): "interval" | "timeZone" | undefined {
  const len = interval === "1M" ? 28 * DAY : FIXED[interval]!;
  if (len < tfMs || (interval !== "1M" && len % tfMs !== 0) || (interval === "1M" && DAY % tfMs !== 0)) return "interval";
  if (off % tfMs !== 0 && len > tfMs) return "timeZone";
  return undefined;
}

type Row = (string | number)[];

/** One kline row of rest-api.md, aggregated over bars [a, b) of `s`; close time is the bucket's end - 1. */
function row(s: SeriesBars, a: number, b: number, open: number, end: number): Row {
  if (b - a === 1) {
    return [open, dec(s.open[a]!), dec(s.high[a]!), dec(s.low[a]!), dec(s.close[a]!), dec(s.volume[a]!), end - 1, dec(s.quoteVolume[a]!), s.trades[a]!, dec(s.takerBuyVolume[a]!), dec(s.takerBuyQuoteVolume[a]!), "0"];
  }
  let h = Number.NEGATIVE_INFINITY;
  let l = Number.POSITIVE_INFINITY;
  let v = 0;
  let q = 0;
  let n = 0;
  let tb = 0;
  let tq = 0;
  for (let i = a; i < b; i++) {
    h = Math.max(h, s.high[i]!);
    l = Math.min(l, s.low[i]!);
    v += s.volume[i]!;
    q += s.quoteVolume[i]!;
    n += s.trades[i]!;
    tb += s.takerBuyVolume[i]!;
    tq += s.takerBuyQuoteVolume[i]!;
  }
  const f = (x: number): string => x.toFixed(8);
  return [open, dec(s.open[a]!), dec(h), dec(l), dec(s.close[b - 1]!), f(v), end - 1, f(q), n, f(tb), f(tq), "0"];
}

export interface KlineQuery {
  interval: string;
  /** Time zone offset, ms east of UTC. */
  offsetMs: number;
  limit: number;
  startTime?: number;
  endTime?: number;
}

/**
 * Kline rows of rest-api.md over the bars closed by `now`: open time in [startTime, endTime] (UTC),
 * at most `limit`, oldest first; without startTime the most recent ones. An interval longer than
 * the replayed bars is aggregated from them in the requested time zone, and its last kline may still
 * be open (as Binance's is), built from the bars closed so far.
 */
export function klineRows(bars: ReplayBars, s: SeriesBars, now: number, q: KlineQuery): Row[] {
  const hiBound = q.endTime === undefined ? Number.POSITIVE_INFINITY : bucketOf(q.interval, q.offsetMs, q.endTime)[1];
  const hi = Math.min(bars.closedEnd(s, now), bars.lowerBound(s, hiBound));
  const out: Row[] = [];
  if (q.startTime !== undefined) {
    let i = bars.lowerBound(s, q.startTime);
    while (i < hi && out.length < q.limit) {
      const [open, end] = bucketOf(q.interval, q.offsetMs, s.ts[i]!);
      let j = i + 1;
      while (j < hi && s.ts[j]! < end) j++;
      if (open >= q.startTime && (q.endTime === undefined || open <= q.endTime)) out.push(row(s, i, j, open, end));
      i = j;
    }
    return out;
  }
  let j = hi;
  while (j > 0 && out.length < q.limit) {
    const [open, end] = bucketOf(q.interval, q.offsetMs, s.ts[j - 1]!);
    let i = j - 1;
    while (i > 0 && s.ts[i - 1]! >= open) i--;
    if (q.endTime === undefined || open <= q.endTime) out.push(row(s, i, j, open, end));
    j = i;
  }
  return out.reverse();
}
