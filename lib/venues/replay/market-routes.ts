import type { Security } from "./auth";
import { wire, type WireError } from "./errors";
import type { ReplayExchangeInfo } from "./exchange-info";
import type { Reply } from "./execution";
import { gridOf, recordedBookAt, recordedWire, synthesisedBook, updateIdAt, type WireBook } from "./book";
import { isKlineInterval, klineProblem, klineRows, timeZoneOffsetMs } from "./klines";
import type { ReplayBars, SeriesBars } from "./market-data";
import { intParam, isWireError, limitParam, marketWire, symbolCount, symbolParam, symbolsParam, type SymbolSelection } from "./market-params";
import { dec } from "./parse";
import { lastAtOrBefore, type TradePrint } from "./recorded";
import { fullTicker, miniTicker, rollingTicker, windowSizeMs, windowStats, type Top } from "./tickers";

/** What the market-data routes read of the exchange (a subset of the REST handler's context). */
export interface MarketContext {
  /** Exchange (simulated) time, ms. */
  now(): number;
  timeframe: string;
  bars: ReplayBars;
  info: ReplayExchangeInfo;
  symbols: readonly string[];
}

interface MarketRoute {
  security: Security;
  weight: (p: Record<string, string>) => number;
  run: (p: Record<string, string>, ctx: MarketContext) => Reply | Promise<Reply>;
}

const ok = (body: unknown): Reply => ({ status: 200, body });
const DAY = 86_400_000;

function seriesOf(c: MarketContext, symbol: string): SeriesBars {
  return c.bars.series.get(symbol)!;
}

/**
 * The book of `symbol` at the exchange's time: the recorded top-10 snapshot of data/book when one
 * at most 2 s old covers the time, otherwise synthesised from the simulator's slippage model around
 * the last replayed close (see book.ts). Empty before the first bar has closed.
 */
function bookOf(c: MarketContext, symbol: string, limit: number): WireBook {
  const now = c.now();
  const s = seriesOf(c, symbol);
  const g = gridOf(c.info.symbol(symbol));
  const snap = recordedBookAt(s.recorded?.book, now);
  if (snap) return recordedWire(snap, limit, g);
  const stats = c.bars.marketStats(symbol, now);
  const models = c.bars.execution;
  if (!stats || !models || !(stats.lastClose > 0)) return { lastUpdateId: updateIdAt(now), bids: [], asks: [] };
  return synthesisedBook(models.slippage.forSymbol(symbol), stats, stats.lastClose, now, limit, g);
}

function topOf(c: MarketContext, symbol: string): Top {
  const b = bookOf(c, symbol, 1);
  const zero = "0.00000000";
  return { bidPrice: b.bids[0]?.[0] ?? zero, bidQty: b.bids[0]?.[1] ?? zero, askPrice: b.asks[0]?.[0] ?? zero, askQty: b.asks[0]?.[1] ?? zero };
}

/** Recorded trade prints of `symbol` up to the exchange's time. */
function tradesOf(c: MarketContext, symbol: string): TradePrint[] {
  const list = seriesOf(c, symbol).recorded?.trades ?? [];
  return list.slice(0, lastAtOrBefore(list, c.now()) + 1);
}

const aggCache = new WeakMap<readonly TradePrint[], TradePrint[]>();

/**
 * Aggregate trades: the recorded aggTrades of data/ when there are any, else the recorded trades
 * merged as Binance merges them (consecutive fills of one taker at the same time and price).
 */
function aggTradesOf(c: MarketContext, symbol: string): TradePrint[] {
  const rec = seriesOf(c, symbol).recorded;
  let all: TradePrint[] = rec?.aggTrades ?? [];
  if (all.length === 0 && rec && rec.trades.length > 0) {
    all = aggCache.get(rec.trades) ?? [];
    if (all.length === 0) {
      for (const t of rec.trades) {
        const last = all[all.length - 1];
        if (last && last.ts === t.ts && last.price === t.price && last.isBuyerMaker === t.isBuyerMaker && last.lastId === t.id - 1) {
          last.qty += t.qty;
          last.lastId = t.id;
        } else all.push({ ...t, id: all.length, firstId: t.id, lastId: t.id });
      }
      aggCache.set(rec.trades, all);
    }
  }
  return all.slice(0, lastAtOrBefore(all, c.now()) + 1);
}

function tickerType(p: Record<string, string>): "FULL" | "MINI" | WireError {
  const t = p.type ?? "FULL";
  return t === "FULL" || t === "MINI" ? t : marketWire.tickerType();
}

/** One object for `symbol`, an array for `symbols` or all. */
function perSymbol(sel: SymbolSelection, f: (symbol: string) => unknown): Reply {
  const list = sel.symbols.map(f);
  return ok(sel.single ? list[0] : list);
}

const klinesRoute: MarketRoute = {
  security: "NONE",
  weight: () => 2,
  run: (p, c) => {
    const symbol = symbolParam(p, c.symbols);
    if (isWireError(symbol)) return symbol;
    if (p.interval === undefined || p.interval === "") return wire.mandatory("interval");
    if (!isKlineInterval(p.interval)) return wire.badInterval();
    const startTime = intParam(p, "startTime");
    if (isWireError(startTime)) return startTime;
    const endTime = intParam(p, "endTime");
    if (isWireError(endTime)) return endTime;
    const limit = limitParam(p, 500, 1000);
    if (isWireError(limit)) return limit;
    const offsetMs = timeZoneOffsetMs(p.timeZone);
    if (offsetMs === undefined) return marketWire.invalid("timeZone");
    const problem = klineProblem(p.interval, c.bars.tfMs, offsetMs);
    if (problem === "interval") return wire.badInterval();
    if (problem === "timeZone") return marketWire.invalid("timeZone");
    return ok(klineRows(c.bars, seriesOf(c, symbol), c.now(), { interval: p.interval, offsetMs, limit, startTime, endTime }));
  },
};

/** Weight of ticker/price and ticker/bookTicker: 2 for one symbol, 4 otherwise. */
const priceWeight = (p: Record<string, string>): number => (p.symbol !== undefined ? 2 : 4);

/**
 * The market-data endpoints of rest-api.md "Market Data endpoints", derived from the replayed bars
 * up to the exchange's (simulated) time; no route ever reveals a bar that has not closed yet.
 */
export const MARKET_ROUTES: Record<string, MarketRoute> = {
  /**
   * Klines of the replayed bars. Quote volume, trade count and taker-buy base/quote volume are the
   * stored values where the source has them (data.binance.vision files) and 0 where it has none
   * (the freqtrade 1m downloads hold OHLCV only). Binance's klines end with the kline still open; the
   * replay only knows closed bars, so at the replayed timeframe the last kline is the last closed bar
   * (its close time has passed). Longer intervals (and timeZone) are aggregated from the replayed bars,
   * and their last kline may be open, made of the bars closed so far, as on Binance. Intervals shorter
   * than the replayed bars, or a timeZone that splits them, are refused (-1120, -1130).
   */
  "GET /api/v3/klines": klinesRoute,
  /** uiKlines: the same rows as klines (the replay has no presentation adjustments to make). */
  "GET /api/v3/uiKlines": klinesRoute,
  /**
   * Order book. Served from data/book (top-10 snapshots, so at most 10 levels) when a recorded snapshot
   * covers the exchange's time; otherwise synthesised: the book a market order of any size walks at the
   * simulator's own slippage (fixed, square-root impact or calibrated profile, with the SimulatedVenue's
   * MarketStats: EWMA volatility and volume of the bars closed so far), around the last close, out to 20
   * bars of average volume. Prices on the tick grid (best levels one tick off the close when it is on
   * the grid), quantities on the step grid; lastUpdateId counts 100 ms steps of exchange time.
   */
  "GET /api/v3/depth": {
    security: "NONE",
    weight: (p) => {
      const n = Math.min(Number(p.limit ?? 100) || 100, 5000);
      return n <= 100 ? 5 : n <= 500 ? 25 : n <= 1000 ? 50 : 250;
    },
    run: (p, c) => {
      const symbol = symbolParam(p, c.symbols);
      if (isWireError(symbol)) return symbol;
      const limit = limitParam(p, 100, 5000);
      if (isWireError(limit)) return limit;
      return ok(bookOf(c, symbol, limit));
    },
  },
  /** Recent trades: the recorded prints of data/trades up to the exchange's time; [] where data/ has none. */
  "GET /api/v3/trades": {
    security: "NONE",
    weight: () => 25,
    run: (p, c) => {
      const symbol = symbolParam(p, c.symbols);
      if (isWireError(symbol)) return symbol;
      const limit = limitParam(p, 500, 1000);
      if (isWireError(limit)) return limit;
      const list = tradesOf(c, symbol);
      return ok(list.slice(Math.max(0, list.length - limit)).map((t) => ({ id: t.id, price: dec(t.price), qty: dec(t.qty), quoteQty: (t.price * t.qty).toFixed(8), time: t.ts, isBuyerMaker: t.isBuyerMaker, isBestMatch: true })));
    },
  },
  /** Aggregate trades: recorded aggTrades, or the recorded trades merged; [] where data/ has none. */
  "GET /api/v3/aggTrades": {
    security: "NONE",
    weight: () => 4,
    run: (p, c) => {
      const symbol = symbolParam(p, c.symbols);
      if (isWireError(symbol)) return symbol;
      const limit = limitParam(p, 500, 1000);
      if (isWireError(limit)) return limit;
      const q: Record<string, number | undefined> = {};
      for (const k of ["fromId", "startTime", "endTime"]) {
        const v = intParam(p, k);
        if (isWireError(v)) return v;
        q[k] = v;
      }
      let list = aggTradesOf(c, symbol);
      if (q.fromId !== undefined) list = list.filter((t) => t.id >= q.fromId!);
      if (q.startTime !== undefined) list = list.filter((t) => t.ts >= q.startTime!);
      if (q.endTime !== undefined) list = list.filter((t) => t.ts <= q.endTime!);
      const sel = q.fromId !== undefined || q.startTime !== undefined ? list.slice(0, limit) : list.slice(Math.max(0, list.length - limit));
      return ok(sel.map((t) => ({ a: t.id, p: dec(t.price), q: dec(t.qty), f: t.firstId, l: t.lastId, T: t.ts, m: t.isBuyerMaker, M: true })));
    },
  },
  /** Current average price: volume-weighted over the bars of the last 5 minutes (see tickers.ts). */
  "GET /api/v3/avgPrice": {
    security: "NONE",
    weight: () => 2,
    run: (p, c) => {
      const symbol = symbolParam(p, c.symbols);
      if (isWireError(symbol)) return symbol;
      const now = c.now();
      const w = windowStats(c.bars, seriesOf(c, symbol), now - 5 * 60_000, now);
      return ok({ mins: 5, price: w.weightedAvgPrice.toFixed(8), closeTime: w.closeTime });
    },
  },
  /** Last closed price. */
  "GET /api/v3/ticker/price": {
    security: "NONE",
    weight: priceWeight,
    run: (p, c) => {
      const sel = symbolsParam(p, c.symbols, false);
      if (isWireError(sel)) return sel;
      return perSymbol(sel, (symbol) => ({ symbol, price: windowStats(c.bars, seriesOf(c, symbol), c.now(), c.now()).last.toFixed(8) }));
    },
  },
  /** Best bid and ask of the depth endpoint's book. */
  "GET /api/v3/ticker/bookTicker": {
    security: "NONE",
    weight: priceWeight,
    run: (p, c) => {
      const sel = symbolsParam(p, c.symbols, false);
      if (isWireError(sel)) return sel;
      return perSymbol(sel, (symbol) => ({ symbol, ...topOf(c, symbol) }));
    },
  },
  /**
   * 24 h statistics over the bars closed in the last 24 h (openTime is the first such bar's open,
   * closeTime the last one's close). Trade ids number the source's trades from the first loaded bar;
   * lastQty is the last recorded trade's quantity (0 without recorded trades).
   */
  "GET /api/v3/ticker/24hr": {
    security: "NONE",
    weight: (p) => {
      const n = symbolCount(p);
      return n === undefined ? 80 : p.symbol !== undefined || n <= 20 ? 2 : n <= 100 ? 40 : 80;
    },
    run: (p, c) => {
      const type = tickerType(p);
      if (isWireError(type)) return type;
      const sel = symbolsParam(p, c.symbols, false);
      if (isWireError(sel)) return sel;
      const now = c.now();
      return perSymbol(sel, (symbol) => {
        const w = windowStats(c.bars, seriesOf(c, symbol), now - DAY, now);
        if (type === "MINI") return miniTicker(symbol, w);
        const trades = tradesOf(c, symbol);
        return fullTicker(symbol, w, topOf(c, symbol), trades[trades.length - 1]?.qty ?? 0);
      });
    },
  },
  /**
   * Rolling window statistics: windowSize 1m..59m, 1h..23h, 1d..7d (default 1d); the window opens on
   * the minute, as Binance's does, and holds the bars closed since.
   */
  "GET /api/v3/ticker": {
    security: "NONE",
    weight: (p) => Math.min(200, 4 * (symbolCount(p) ?? 1)),
    run: (p, c) => {
      const sel = symbolsParam(p, c.symbols, true, 100);
      if (isWireError(sel)) return sel;
      const size = windowSizeMs(p.windowSize ?? "1d");
      if (size === undefined) return marketWire.invalid("windowSize");
      const type = tickerType(p);
      if (isWireError(type)) return type;
      const now = c.now();
      const from = Math.floor((now - size) / 60_000) * 60_000;
      return perSymbol(sel, (symbol) => {
        const w = windowStats(c.bars, seriesOf(c, symbol), from, now);
        return type === "MINI" ? miniTicker(symbol, w) : rollingTicker(symbol, w);
      });
    },
  },
};
