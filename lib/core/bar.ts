/** Timeframes the library understands, with their length in milliseconds. */
export const TIMEFRAME_MS = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "1h": 3_600_000,
  "4h": 14_400_000,
  "1d": 86_400_000,
} as const;

export type Timeframe = keyof typeof TIMEFRAME_MS;

export function isTimeframe(s: string): s is Timeframe {
  return Object.prototype.hasOwnProperty.call(TIMEFRAME_MS, s);
}

export function timeframeMs(tf: Timeframe): number {
  return TIMEFRAME_MS[tf];
}

/** One OHLCV bar. `ts` is the bar OPEN time, integer milliseconds UTC. Volume is in the base asset. */
export interface Bar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Quote-asset volume, when the source has it. */
  quoteVolume?: number;
  /** Number of trades, when the source has it. */
  trades?: number;
  /** Taker-buy base volume, when the source has it. */
  takerBuyVolume?: number;
}

/** Columnar bars for hot loops: one Float64Array per field, all of length `length`. */
export interface BarColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
  length: number;
}

export const BAR_FIELDS = ["ts", "open", "high", "low", "close", "volume"] as const;

export function emptyBarColumns(n: number): BarColumns {
  return {
    ts: new Float64Array(n),
    open: new Float64Array(n),
    high: new Float64Array(n),
    low: new Float64Array(n),
    close: new Float64Array(n),
    volume: new Float64Array(n),
    length: n,
  };
}

export function barColumnsFromBars(bars: readonly Bar[]): BarColumns {
  const c = emptyBarColumns(bars.length);
  bars.forEach((b, i) => {
    c.ts[i] = b.ts;
    c.open[i] = b.open;
    c.high[i] = b.high;
    c.low[i] = b.low;
    c.close[i] = b.close;
    c.volume[i] = b.volume;
  });
  return c;
}

export function barAt(c: BarColumns, i: number): Bar {
  if (i < 0 || i >= c.length) throw new RangeError(`bar index ${i} outside [0, ${c.length})`);
  return { ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! };
}

/** A zero-copy view of rows [start, end). */
export function sliceBarColumns(c: BarColumns, start: number, end: number = c.length): BarColumns {
  const s = Math.max(0, start);
  const e = Math.min(c.length, end);
  return {
    ts: c.ts.subarray(s, e),
    open: c.open.subarray(s, e),
    high: c.high.subarray(s, e),
    low: c.low.subarray(s, e),
    close: c.close.subarray(s, e),
    volume: c.volume.subarray(s, e),
    length: Math.max(0, e - s),
  };
}

/** Returns a description of the first inconsistency in a bar, or null when it is sound. */
export function barProblem(b: Bar): string | null {
  for (const k of BAR_FIELDS) {
    if (!Number.isFinite(b[k])) return `${k} is not a finite number (${b[k]})`;
  }
  if (b.open <= 0 || b.high <= 0 || b.low <= 0 || b.close <= 0) return "non-positive price";
  if (b.high < Math.max(b.open, b.close)) return "high below max(open, close)";
  if (b.low > Math.min(b.open, b.close)) return "low above min(open, close)";
  if (b.volume < 0) return "negative volume";
  return null;
}
