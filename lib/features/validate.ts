import type { Bar, BarColumns } from "../core/bar";
import { DataError } from "../core/errors";

function iso(ts: number): string {
  return Number.isFinite(ts) && Math.abs(ts) < 8.64e15 ? new Date(ts).toISOString() : String(ts);
}

/** What is wrong with one bar given the previous ts, or null. Same rules for batch and streaming. */
function problem(ts: number, o: number, h: number, l: number, c: number, v: number, prevTs: number): string | null {
  if (l > 0 && v >= 0 && h < Infinity && v < Infinity && h >= l && h >= o && h >= c && l <= o && l <= c && ts > prevTs && ts < Infinity) return null;
  if (!Number.isFinite(ts)) return `ts is not a finite number (${ts})`;
  for (const [k, x] of [["open", o], ["high", h], ["low", l], ["close", c], ["volume", v]] as const) {
    if (!Number.isFinite(x)) return `${k} is not a finite number (${x})`;
  }
  if (o <= 0 || h <= 0 || l <= 0 || c <= 0) return "non-positive price";
  if (v < 0) return `negative volume (${v})`;
  if (h < l || h < o || h < c || l > o || l > c) return `inconsistent OHLC (o=${o} h=${h} l=${l} c=${c})`;
  return `ts ${iso(ts)} is not after the previous bar's ts ${iso(prevTs)}`;
}

/**
 * Checks that bars are usable for features: finite, positive prices, consistent OHLC, volume >= 0 and
 * strictly increasing ts after `prevTs`. Throws DataError naming the bar's ts and row.
 */
export function validateBarColumns(b: BarColumns, prevTs = -Infinity, symbol?: string, rowOffset = 0): void {
  const { ts, open, high, low, close, volume } = b;
  let prev = prevTs;
  for (let i = 0; i < b.length; i++) {
    const t = ts[i]!;
    const o = open[i]!;
    const h = high[i]!;
    const l = low[i]!;
    const c = close[i]!;
    const v = volume[i]!;
    // the common case in one inlined test; NaN fails every comparison and falls through to the details
    if (!(l > 0 && v >= 0 && h < Infinity && v < Infinity && h >= l && h >= o && h >= c && l <= o && l <= c && t > prev && t < Infinity)) {
      const p = problem(t, o, h, l, c, v, prev);
      if (p !== null) throw barError(p, t, rowOffset + i, symbol);
    }
    prev = t;
  }
}

/** Streaming counterpart of validateBarColumns for one bar. */
export function validateBar(bar: Bar, prevTs: number, symbol?: string): void {
  const p = problem(bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume, prevTs);
  if (p !== null) throw barError(p, bar.ts, undefined, symbol);
}

function barError(p: string, ts: number, row: number | undefined, symbol: string | undefined): DataError {
  const where = `${symbol ? `${symbol} ` : ""}bar at ${iso(ts)}${row !== undefined ? ` (row ${row})` : ""}`;
  return new DataError(`feature input: ${where}: ${p}`, { ts, row, symbol });
}
