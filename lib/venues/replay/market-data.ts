import { barProblem, type Bar, type BarColumns } from "../../core/bar";
import { DataError } from "../../core/errors";
import { openDataSession, sqlStr } from "../../infra/data/index";
import type { ReplayConfig } from "./config";

/** One symbol's bars (warm-up history + replay range) with the optional Binance extras. */
export interface SeriesBars extends BarColumns {
  quoteVolume: Float64Array;
  trades: Float64Array;
  takerBuyVolume: Float64Array;
}

function fromBarList(bars: readonly Bar[]): SeriesBars {
  const n = bars.length;
  const s: SeriesBars = {
    ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n),
    volume: new Float64Array(n), quoteVolume: new Float64Array(n), trades: new Float64Array(n), takerBuyVolume: new Float64Array(n), length: n,
  };
  bars.forEach((b, i) => {
    s.ts[i] = b.ts; s.open[i] = b.open; s.high[i] = b.high; s.low[i] = b.low; s.close[i] = b.close; s.volume[i] = b.volume;
    s.quoteVolume[i] = b.quoteVolume ?? 0; s.trades[i] = b.trades ?? 0; s.takerBuyVolume[i] = b.takerBuyVolume ?? 0;
  });
  return s;
}

/** Checks order and consistency once, at load: the replay never serves a corrupt bar. */
function validate(symbol: string, s: SeriesBars, source: string): void {
  for (let i = 0; i < s.length; i++) {
    if (i > 0 && !(s.ts[i]! > s.ts[i - 1]!)) throw new DataError(`${source}: ${symbol} bar ${i} at ${s.ts[i]} does not come after ${s.ts[i - 1]}`, { symbol, row: i });
    const p = barProblem({ ts: s.ts[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
    if (p) throw new DataError(`${source}: ${symbol} bar at ${new Date(s.ts[i]!).toISOString()}: ${p}`, { symbol, row: i, ts: s.ts[i] });
  }
}

/**
 * Loads each symbol's bars for [from - warmupBars, to) from data/ through DuckDB (or from the given
 * bars). Quote volume, trade count and taker-buy volume come along when the stored series has them
 * (0 otherwise; resampled series carry OHLCV only).
 */
export async function loadReplayBars(cfg: ReplayConfig, from: number, to: number, tfMs: number): Promise<Map<string, SeriesBars>> {
  const out = new Map<string, SeriesBars>();
  const start = from - cfg.warmupBars * tfMs;
  if (cfg.bars) {
    for (const symbol of cfg.symbols) {
      const list = (cfg.bars[symbol] ?? []).filter((b) => b.ts >= start && b.ts < to);
      const s = fromBarList(list);
      validate(symbol, s, "replay bars");
      out.set(symbol, s);
    }
    return out;
  }
  const session = await openDataSession({ dataDir: cfg.dataDir, threads: 1 });
  try {
    for (const symbol of cfg.symbols) {
      const b = await session.loadBars({ venue: cfg.dataVenue, symbol, timeframe: cfg.timeframe, from: start, to });
      const n = b.length;
      const s: SeriesBars = { ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, length: n, quoteVolume: new Float64Array(n), trades: new Float64Array(n), takerBuyVolume: new Float64Array(n) };
      if (b.sourceTimeframe === b.timeframe && n > 0) {
        const x = await session.queryColumns(
          `SELECT ts_ms, coalesce(quote_volume, 0) AS q, coalesce(trades, 0) AS n, coalesce(taker_buy_volume, 0) AS t FROM bars ` +
            `WHERE venue = ${sqlStr(b.venue)} AND symbol = ${sqlStr(symbol)} AND timeframe = ${sqlStr(b.timeframe)} AND ts_ms >= ${start} AND ts_ms < ${to} ORDER BY ts_ms`,
        );
        const at = new Map<number, number>();
        for (let i = 0; i < n; i++) at.set(s.ts[i]!, i);
        for (let j = 0; j < x.ts_ms!.length; j++) {
          const i = at.get(x.ts_ms![j]!);
          if (i === undefined) continue;
          s.quoteVolume[i] = x.q![j]!;
          s.trades[i] = x.n![j]!;
          s.takerBuyVolume[i] = x.t![j]!;
        }
      }
      validate(symbol, s, `data ${cfg.dataVenue}/${symbol}/${cfg.timeframe}`);
      out.set(symbol, s);
    }
  } finally {
    session.close();
  }
  return out;
}

/**
 * The bars of every symbol and the replay's timeline: the sorted distinct open times in [from, to)
 * across symbols. Only bars whose close time has passed (<= the exchange's time) are ever served.
 */
export class ReplayBars {
  /** Bar open times to replay, ascending. */
  readonly steps: number[];
  private readonly cursor = new Map<string, number>();

  constructor(
    readonly series: ReadonlyMap<string, SeriesBars>,
    readonly tfMs: number,
    from: number,
    to: number,
  ) {
    const set = new Set<number>();
    for (const [symbol, s] of series) {
      let first = -1;
      for (let i = 0; i < s.length; i++) {
        const ts = s.ts[i]!;
        if (ts >= from && ts < to) {
          set.add(ts);
          if (first < 0) first = i;
        }
      }
      if (first < 0) throw new DataError(`replay: no ${symbol} bars in [${new Date(from).toISOString()}, ${new Date(to).toISOString()})`, { symbol, from, to }, "DATA_NOT_FOUND");
      this.cursor.set(symbol, first);
    }
    this.steps = [...set].sort((a, b) => a - b);
  }

  /** The bar of `symbol` opening at `ts`, if it has one (steps must be visited in order). */
  barAt(symbol: string, ts: number): Bar | undefined {
    const s = this.series.get(symbol)!;
    let i = this.cursor.get(symbol)!;
    while (i < s.length && s.ts[i]! < ts) i++;
    this.cursor.set(symbol, i);
    if (i >= s.length || s.ts[i] !== ts) return undefined;
    return { ts, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]!, quoteVolume: s.quoteVolume[i]!, trades: s.trades[i]!, takerBuyVolume: s.takerBuyVolume[i]! };
  }

  /** Index of the first bar with open time >= t (binary search). */
  private lowerBound(s: SeriesBars, t: number): number {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * GET /api/v3/klines semantics over closed bars: open time in [startTime, endTime], at most
   * `limit`, oldest first; without startTime the most recent `limit` bars.
   */
  klines(symbol: string, now: number, limit: number, startTime?: number, endTime?: number): Bar[] {
    const s = this.series.get(symbol);
    if (!s) return [];
    const closedEnd = this.lowerBound(s, now - this.tfMs + 1); // bars with ts + tf <= now
    const hiTs = endTime === undefined ? Number.POSITIVE_INFINITY : endTime;
    const hi = Math.min(closedEnd, this.lowerBound(s, hiTs + 1));
    const lo = startTime === undefined ? Math.max(0, hi - limit) : this.lowerBound(s, startTime);
    const out: Bar[] = [];
    for (let i = lo; i < hi && out.length < limit; i++) {
      out.push({ ts: s.ts[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]!, quoteVolume: s.quoteVolume[i]!, trades: s.trades[i]!, takerBuyVolume: s.takerBuyVolume[i]! });
    }
    return out;
  }
}
