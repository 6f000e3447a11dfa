import { readFileSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Clock } from "../../lib/core/clock";
import { REPLAY_CREDENTIALS, startReplayExchange, type ReplayExchange } from "../../lib/venues/replay/index";

export const SYMBOL = "BTCUSDT";
export const MIN = 60_000;
/** 2025-06-02 00:00 UTC: inside data/bars BTCUSDT 1m (2025-05-20 .. 2025-08-18). */
export const FROM = Date.UTC(2025, 5, 2);
export const REPLAY_BARS = 120;
/** A day of history before FROM: the 24 h ticker needs it. */
export const WARMUP_BARS = 1440;
/** How far back the klines scenarios ask for history (within one 1000-row page). */
export const KLINES_BACK = 600 * 60_000;
export const START_USDT = 10_000;
export const CREDENTIALS = REPLAY_CREDENTIALS;
const BARS_GLOB = "data/bars/venue=binance/symbol=BTCUSDT/timeframe=1m/*.parquet";

/**
 * Wall time that ignores Date.now(): the @binance/spot suite replaces Date.now with the exchange clock
 * (the connector stamps requests with Date.now and has no server-time offset), while the replay's
 * pacing must keep reading the real wall clock.
 */
export const wallClock: Clock = { now: () => performance.timeOrigin + performance.now() };

/** A paused replay of BTCUSDT 1m bars from FROM: time moves only when a test steps it. */
export function startReplay(): Promise<ReplayExchange> {
  return startReplayExchange({
    symbols: [SYMBOL], from: FROM, to: FROM + REPLAY_BARS * MIN, warmupBars: WARMUP_BARS, autoStart: false, seed: 1,
    balances: { USDT: START_USDT }, clock: wallClock, pingIntervalMs: 0,
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Sends a request the replay answers only once a later bar filled it (a MARKET order answers FILLED with
 * its fills, as Binance's matching engine does at once): the replay holds such answers only while it runs
 * by itself (a paused replay could never reach the fill, so it answers at once), so it runs from just
 * before the request until the answer is in, then pauses again.
 */
export async function whileRunning<T>(ex: ReplayExchange, send: () => Promise<T>): Promise<T> {
  ex.resume();
  try {
    return await send();
  } finally {
    ex.pause();
  }
}

/** Steps the replay (one bar per round) until `cond` holds; fails naming `what` after `maxSteps`. */
export async function stepUntil(ex: ReplayExchange, cond: () => boolean, what: string, maxSteps = 6): Promise<void> {
  for (let i = 0; i <= maxSteps; i++) {
    for (let t = 0; t < 20 && !cond(); t++) await sleep(25);
    if (cond()) return;
    if (i < maxSteps) await ex.step(1);
  }
  throw new Error(`timed out waiting for ${what} after ${maxSteps} bars`);
}

/** Polls `cond` in wall time without moving the replay. */
export async function waitFor(cond: () => boolean, what: string, ms = 5_000): Promise<void> {
  const t0 = wallClock.now();
  while (!cond()) {
    if (wallClock.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

export interface ParquetBar {
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** BTCUSDT 1m bars with open time in [from, to), read straight from the parquet files with DuckDB. */
export async function parquetBars(from: number, to: number): Promise<ParquetBar[]> {
  const db = await DuckDBInstance.create(":memory:", { threads: "1" });
  try {
    const con = await db.connect();
    const r = await con.runAndReadAll(
      `SELECT epoch_ms(ts)::DOUBLE AS ts, open, high, low, close, volume FROM read_parquet('${BARS_GLOB}') ` +
        `WHERE epoch_ms(ts) >= ${from} AND epoch_ms(ts) < ${to} ORDER BY ts`,
    );
    const rows = r.getRowObjectsJS() as unknown as ParquetBar[];
    con.closeSync();
    return rows;
  } finally {
    db.closeSync();
  }
}

/** Binance's 24 h rolling window (rest-api.md "24hr ticker price change statistics") over the parquet bars closed by `now`. */
export async function dayStats(now: number): Promise<{ open: number; high: number; low: number; last: number; volume: number }> {
  const bars = await parquetBars(now - 1440 * MIN, now);
  return {
    open: bars[0]!.open, last: bars.at(-1)!.close, high: Math.max(...bars.map((b) => b.high)), low: Math.min(...bars.map((b) => b.low)),
    volume: bars.reduce((s, b) => s + b.volume, 0),
  };
}

/** The bar opening at `ts`, from parquet. */
export async function parquetBar(ts: number): Promise<ParquetBar> {
  const [b] = await parquetBars(ts, ts + 1);
  if (!b) throw new Error(`no parquet bar at ${new Date(ts).toISOString()}`);
  return b;
}

export interface SymbolFilters {
  tickSize: number;
  minPrice: number;
  maxPrice: number;
  stepSize: number;
  minQty: number;
  maxQty: number;
  minNotional: number;
  maxNotional: number;
}

/** BTCUSDT's filters as data/binance_filters.json states them. */
export function fileFilters(): SymbolFilters {
  const doc = JSON.parse(readFileSync("data/binance_filters.json", "utf8")) as { symbols: { symbol: string; filters: Record<string, string | number>[] }[] };
  const f = doc.symbols.find((s) => s.symbol === SYMBOL)!.filters;
  const of = (type: string) => f.find((x) => x.filterType === type)!;
  const n = (type: string, key: string) => Number(of(type)[key]);
  return {
    tickSize: n("PRICE_FILTER", "tickSize"), minPrice: n("PRICE_FILTER", "minPrice"), maxPrice: n("PRICE_FILTER", "maxPrice"),
    stepSize: n("LOT_SIZE", "stepSize"), minQty: n("LOT_SIZE", "minQty"), maxQty: n("LOT_SIZE", "maxQty"),
    minNotional: n("NOTIONAL", "minNotional"), maxNotional: n("NOTIONAL", "maxNotional"),
  };
}

/** True when `price` is a whole number of ticks (to within float noise). */
export function onTick(price: number, tick: number): boolean {
  const k = price / tick;
  return Math.abs(k - Math.round(k)) < 1e-6;
}

/** Order parameters the scenarios share: a buy far below the market (rests), one off the tick, a small market buy. */
export const ORDERS = {
  restingPrice: 50_000,
  offTickPrice: 50_000.005,
  qty: 0.001,
} as const;

/**
 * Fields of a documented Binance payload (test/fixtures/binance/<file>, copied from the official docs) that
 * `got` lacks. `at` picks the object inside the file (array element 0, "event" of a user-data envelope, ...);
 * `conditional` lists fields the docs say appear only under conditions the scenario does not meet.
 */
export function missingDocFields(got: object, file: string, at: (doc: never) => object = (d) => d, conditional: readonly string[] = []): string[] {
  const doc = at(JSON.parse(readFileSync(`test/fixtures/binance/${file}`, "utf8")) as never);
  return Object.keys(doc).filter((k) => !conditional.includes(k) && !(k in got));
}
