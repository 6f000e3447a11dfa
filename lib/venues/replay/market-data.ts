import { barProblem, type Bar, type BarColumns } from "../../core/bar";
import { DataError } from "../../core/errors";
import { openDataSession, sqlStr, type DataSession, type LoadedBars } from "../../infra/data/index";
import { MarketStats } from "../../sim/market-stats";
import type { ExecutionModels } from "../../sim/execution-models";
import type { ReplayConfig } from "./config";
import { loadRecorded, type RecordedMarket } from "./recorded";

/**
 * One symbol's bars (warm-up history + replay range) with the Binance kline extras. The extras are
 * the stored values where the source had them (data.binance.vision files) and 0 where it had none
 * (freqtrade downloads carry OHLCV only; taker-buy quote volume only exists in the full kline layout).
 */
export interface SeriesBars extends BarColumns {
  quoteVolume: Float64Array;
  trades: Float64Array;
  takerBuyVolume: Float64Array;
  takerBuyQuoteVolume: Float64Array;
  /** Recorded book snapshots and trade prints of data/ over the series' range, when there are any. */
  recorded?: RecordedMarket;
}

function fromBarList(bars: readonly Bar[]): SeriesBars {
  const n = bars.length;
  const s: SeriesBars = {
    ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n),
    volume: new Float64Array(n), quoteVolume: new Float64Array(n), trades: new Float64Array(n), takerBuyVolume: new Float64Array(n),
    takerBuyQuoteVolume: new Float64Array(n), length: n,
  };
  bars.forEach((b, i) => {
    s.ts[i] = b.ts; s.open[i] = b.open; s.high[i] = b.high; s.low[i] = b.low; s.close[i] = b.close; s.volume[i] = b.volume;
    s.quoteVolume[i] = b.quoteVolume ?? 0; s.trades[i] = b.trades ?? 0; s.takerBuyVolume[i] = b.takerBuyVolume ?? 0;
    s.takerBuyQuoteVolume[i] = (b as { takerBuyQuoteVolume?: number }).takerBuyQuoteVolume ?? 0;
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
 * bars), with the kline extras where the stored series has them (summed per bucket when the
 * timeframe is resampled, 0 when any source bar of the bucket lacks them), and the recorded book
 * snapshots and trades of data/ that fall in the range.
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
    const barCols = new Set((await session.query("SELECT column_name FROM (DESCRIBE bars)")).map((r) => String(r.column_name)));
    for (const symbol of cfg.symbols) {
      const b = await session.loadBars({ venue: cfg.dataVenue, symbol, timeframe: cfg.timeframe, from: start, to });
      const n = b.length;
      const s: SeriesBars = {
        ts: b.ts, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, length: n,
        quoteVolume: new Float64Array(n), trades: new Float64Array(n), takerBuyVolume: new Float64Array(n), takerBuyQuoteVolume: new Float64Array(n),
      };
      if (n > 0) await fillExtras(session, b, s, barCols.has("taker_buy_quote_volume"), tfMs, start, to);
      validate(symbol, s, `data ${cfg.dataVenue}/${symbol}/${cfg.timeframe}`);
      const rec = await loadRecorded(session, cfg.dataVenue, symbol, start, to);
      if (rec) s.recorded = rec;
      out.set(symbol, s);
    }
  } finally {
    session.close();
  }
  return out;
}

/** Quote volume, trade count and taker-buy volumes per served bar, straight from the stored rows. */
async function fillExtras(session: DataSession, b: LoadedBars, s: SeriesBars, hasTbq: boolean, tfMs: number, start: number, to: number): Promise<void> {
  const tbq = hasTbq ? "taker_buy_quote_volume" : "NULL::DOUBLE";
  // a bucket's sum is only known when every source bar in it has the field
  const agg = (c: string): string => `CASE WHEN count(${c}) = count(*) THEN sum(${c}) ELSE 0 END`;
  const x = await session.queryColumns(
    `SELECT floor(ts_ms / ${tfMs}) * ${tfMs} AS b, ${agg("quote_volume")} AS q, ${agg("trades")} AS n, ${agg("taker_buy_volume")} AS t, ${agg(tbq)} AS tq FROM bars ` +
      `WHERE venue = ${sqlStr(b.venue)} AND symbol = ${sqlStr(b.symbol)} AND timeframe = ${sqlStr(b.sourceTimeframe)} AND ts_ms >= ${start} AND ts_ms < ${to} GROUP BY 1 ORDER BY 1`,
  );
  const at = new Map<number, number>();
  for (let i = 0; i < s.length; i++) at.set(s.ts[i]!, i);
  for (let j = 0; j < x.b!.length; j++) {
    const i = at.get(x.b![j]!);
    if (i === undefined) continue;
    s.quoteVolume[i] = x.q![j]! || 0;
    s.trades[i] = x.n![j]! || 0;
    s.takerBuyVolume[i] = x.t![j]! || 0;
    s.takerBuyQuoteVolume[i] = x.tq![j]! || 0;
  }
}

/**
 * The bars of every symbol and the replay's timeline: the sorted distinct open times in [from, to)
 * across symbols. Only bars whose close time has passed (<= the exchange's time) are ever served.
 */
export class ReplayBars {
  /** Bar open times to replay, ascending. */
  readonly steps: number[];
  private readonly cursor = new Map<string, number>();
  private readonly stats = new Map<string, { next: number; stats: MarketStats }>();
  private models: ExecutionModels | undefined;

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
  lowerBound(s: SeriesBars, t: number): number {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s.ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Number of leading bars of `s` that have closed by `now` (open time + timeframe <= now). */
  closedEnd(s: SeriesBars, now: number): number {
    return this.lowerBound(s, now - this.tfMs + 1);
  }

  /** The bar at index i of a series, with its extras. */
  barOf(s: SeriesBars, i: number): Bar {
    return { ts: s.ts[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]!, quoteVolume: s.quoteVolume[i]!, trades: s.trades[i]!, takerBuyVolume: s.takerBuyVolume[i]! };
  }

  /**
   * GET /api/v3/klines semantics over closed bars: open time in [startTime, endTime], at most
   * `limit`, oldest first; without startTime the most recent `limit` bars.
   */
  klines(symbol: string, now: number, limit: number, startTime?: number, endTime?: number): Bar[] {
    const s = this.series.get(symbol);
    if (!s) return [];
    const hiTs = endTime === undefined ? Number.POSITIVE_INFINITY : endTime;
    const hi = Math.min(this.closedEnd(s, now), this.lowerBound(s, hiTs + 1));
    const lo = startTime === undefined ? Math.max(0, hi - limit) : this.lowerBound(s, startTime);
    const out: Bar[] = [];
    for (let i = lo; i < hi && out.length < limit; i++) out.push(this.barOf(s, i));
    return out;
  }

  /** The execution models whose slippage the synthesised order book follows. */
  attachExecution(models: ExecutionModels): void {
    this.models = models;
  }

  get execution(): ExecutionModels | undefined {
    return this.models;
  }

  /**
   * The simulator's market state of `symbol` at `now`: the same EWMA volatility, volume and last
   * range MarketStats keeps in the SimulatedVenue, over the bars closed by `now` (warm-up included).
   */
  marketStats(symbol: string, now: number): MarketStats | undefined {
    const s = this.series.get(symbol);
    if (!s || !this.models) return undefined;
    const end = this.closedEnd(s, now);
    let st = this.stats.get(symbol);
    if (!st || st.next > end) {
      st = { next: 0, stats: new MarketStats(this.models.config.slippage.sqrtImpact.halfLifeBars) };
      this.stats.set(symbol, st);
    }
    for (; st.next < end; st.next++) st.stats.update(s.high[st.next]!, s.low[st.next]!, s.close[st.next]!, s.volume[st.next]!);
    return st.stats;
  }
}
