import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataSession, type DataSession } from "../../../lib/infra/data/index";
import { startReplayExchange, type ReplayExchange } from "../../../lib/venues/replay/index";

// ETHUSDT 2022-08-14/15: the data.binance.vision files of data/, the only spot series with the full kline layout
const FROM = Date.UTC(2022, 7, 15, 1);
const MIN = 60_000;
const TICK = 0.01; // data/binance_filters.json ETHUSDT PRICE_FILTER tickSize
const STEP = 0.0001; // LOT_SIZE stepSize

let ex: ReplayExchange;
let sql: DataSession;

async function get(path: string): Promise<{ status: number; weight: number; body: any }> {
  const r = await fetch(`${ex.baseUrl}${path}`);
  return { status: r.status, weight: Number(r.headers.get("x-mbx-used-weight-1m")), body: await r.json() };
}

async function one(query: string): Promise<Record<string, number>> {
  const rows = await sql.query(query);
  return rows[0] as Record<string, number>;
}

const WHERE = "venue = 'binance' AND symbol = 'ETHUSDT' AND timeframe = '1m'";

beforeAll(async () => {
  // a 24 h warm-up, so the 24 h ticker spans a whole day of stored bars
  ex = await startReplayExchange({ symbols: ["ETHUSDT"], from: FROM, to: FROM + 60 * MIN, warmupBars: 1440, autoStart: false, sim: { slippage: { kind: "sqrt-impact" } } });
  await ex.step(20);
  sql = await openDataSession({ threads: 1 });
}, 60_000);

afterAll(async () => {
  sql?.close();
  await ex?.close();
});

describe("replay klines over data/", () => {
  it("serve the stored quote volume, trade count and taker-buy volumes of every bar, never a bar that has not closed", async () => {
    const now = ex.clock.now();
    expect(now).toBe(FROM + 20 * MIN);
    const { status, body } = await get(`/api/v3/klines?symbol=ETHUSDT&interval=1m&limit=30`);
    expect(status).toBe(200);
    expect(body).toHaveLength(30);
    const rows = await sql.query(
      `SELECT ts_ms, open, high, low, close, volume, quote_volume, trades, taker_buy_volume, taker_buy_quote_volume FROM bars WHERE ${WHERE} AND ts_ms < ${now} ORDER BY ts_ms DESC LIMIT 30`,
    );
    rows.reverse();
    expect(body.map((k: unknown[]) => [k[0], ...[1, 2, 3, 4, 5].map((i) => Number(k[i])), k[6], Number(k[7]), k[8], Number(k[9]), Number(k[10]), k[11]])).toEqual(
      rows.map((r) => [r.ts_ms, r.open, r.high, r.low, r.close, r.volume, Number(r.ts_ms) + MIN - 1, r.quote_volume, r.trades, r.taker_buy_volume, r.taker_buy_quote_volume, "0"]),
    );
    expect(body[29][6]).toBeLessThan(now); // the last kline has closed
    expect(body.every((k: unknown[]) => Number(k[7]) > 0 && (k[8] as number) > 0)).toBe(true);
  });

  it("aggregate longer intervals in the requested time zone, the last one still open as on Binance", async () => {
    const now = ex.clock.now();
    const { body } = await get(`/api/v3/klines?symbol=ETHUSDT&interval=1h&limit=2&timeZone=-1:30`);
    // a -1:30 zone puts hour boundaries at hh:30 UTC: the open kline started at 11:30 UTC
    const open = FROM - 30 * MIN;
    expect(body.map((k: unknown[]) => [k[0], k[6]])).toEqual([
      [open - 60 * MIN, open - 1],
      [open, open + 60 * MIN - 1],
    ]);
    const agg = await one(
      `SELECT max(high) AS h, min(low) AS l, sum(volume) AS v, sum(trades) AS n, sum(quote_volume) AS q, arg_min(open, ts_ms) AS o, arg_max(close, ts_ms) AS c FROM bars WHERE ${WHERE} AND ts_ms >= ${open} AND ts_ms < ${now}`,
    );
    const k = body[1];
    expect([Number(k[1]), Number(k[2]), Number(k[3]), Number(k[4]), k[8]]).toEqual([agg.o, agg.h, agg.l, agg.c, agg.n]);
    expect(Number(k[5])).toBeCloseTo(agg.v!, 6);
    expect(Number(k[7])).toBeCloseTo(agg.q!, 4);
  });

  it("apply limit, startTime and endTime as documented: open times in [startTime, endTime], default 500, at most 1000", async () => {
    const now = ex.clock.now();
    const closed = (now - (FROM - 1440 * MIN)) / MIN; // 1460 closed bars
    expect((await get(`/api/v3/klines?symbol=ETHUSDT&interval=1m`)).body).toHaveLength(500);
    const all = (await get(`/api/v3/klines?symbol=ETHUSDT&interval=1m&limit=5000`)).body;
    expect(all).toHaveLength(1000);
    expect(all[999][0]).toBe(now - MIN);
    expect(closed).toBeGreaterThan(1000);
    const range = (await get(`/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=${FROM + 1}&endTime=${FROM + 3 * MIN}`)).body;
    expect(range.map((k: unknown[]) => k[0])).toEqual([FROM + MIN, FROM + 2 * MIN, FROM + 3 * MIN]);
    const tail = (await get(`/api/v3/klines?symbol=ETHUSDT&interval=1m&endTime=${FROM}&limit=2`)).body;
    expect(tail.map((k: unknown[]) => k[0])).toEqual([FROM - MIN, FROM]);
    const future = (await get(`/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=${now}`)).body;
    expect(future).toEqual([]);
  });
});

describe("replay tickers over data/", () => {
  it("24hr FULL and MINI equal a SQL aggregate over the stored bars of the last 24 h", async () => {
    const now = ex.clock.now();
    const full = (await get(`/api/v3/ticker/24hr?symbol=ETHUSDT`)).body;
    expect(Object.keys(full)).toEqual([
      "symbol", "priceChange", "priceChangePercent", "weightedAvgPrice", "prevClosePrice", "lastPrice", "lastQty", "bidPrice", "bidQty", "askPrice", "askQty",
      "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume", "openTime", "closeTime", "firstId", "lastId", "count",
    ]);
    const agg = await one(
      `SELECT max(high) AS h, min(low) AS l, sum(volume) AS v, sum(quote_volume) AS q, sum(trades) AS n, arg_min(open, ts_ms) AS o, arg_max(close, ts_ms) AS c, min(ts_ms) AS t0 ` +
        `FROM bars WHERE ${WHERE} AND ts_ms >= ${now - 86_400_000} AND ts_ms + 60000 <= ${now}`,
    );
    expect([Number(full.highPrice), Number(full.lowPrice), Number(full.openPrice), Number(full.lastPrice), full.count, full.openTime, full.closeTime]).toEqual([
      agg.h, agg.l, agg.o, agg.c, agg.n, agg.t0, now - 1,
    ]);
    expect(Number(full.volume)).toBeCloseTo(agg.v!, 6);
    expect(Number(full.quoteVolume)).toBeCloseTo(agg.q!, 3);
    expect(Number(full.weightedAvgPrice)).toBeCloseTo(agg.q! / agg.v!, 6);
    expect(full.priceChangePercent).toBe((((agg.c! - agg.o!) / agg.o!) * 100).toFixed(3));
    expect(full.lastId - full.firstId + 1).toBe(full.count);
    expect(Number(full.bidPrice)).toBeLessThan(Number(full.askPrice));
    const mini = (await get(`/api/v3/ticker/24hr?symbols=${encodeURIComponent('["ETHUSDT"]')}&type=MINI`)).body;
    expect(mini).toEqual([
      { symbol: "ETHUSDT", openPrice: full.openPrice, highPrice: full.highPrice, lowPrice: full.lowPrice, lastPrice: full.lastPrice, volume: full.volume, quoteVolume: full.quoteVolume,
        openTime: full.openTime, closeTime: full.closeTime, firstId: full.firstId, lastId: full.lastId, count: full.count },
    ]);
  });

  it("rolling window, price, avgPrice and bookTicker follow the replayed bars", async () => {
    const now = ex.clock.now();
    const w = (await get(`/api/v3/ticker?symbol=ETHUSDT&windowSize=15m`)).body;
    const agg = await one(`SELECT max(high) AS h, min(low) AS l, sum(trades) AS n, min(ts_ms) AS t0 FROM bars WHERE ${WHERE} AND ts_ms >= ${now - 15 * MIN} AND ts_ms < ${now}`);
    expect([Number(w.highPrice), Number(w.lowPrice), w.count, w.openTime]).toEqual([agg.h, agg.l, agg.n, agg.t0]);
    const last = await one(`SELECT close AS c FROM bars WHERE ${WHERE} AND ts_ms = ${now - MIN}`);
    expect((await get(`/api/v3/ticker/price?symbol=ETHUSDT`)).body).toEqual({ symbol: "ETHUSDT", price: last.c!.toFixed(8) });
    expect((await get(`/api/v3/ticker/price`)).body).toEqual([{ symbol: "ETHUSDT", price: last.c!.toFixed(8) }]);
    const avg = await one(`SELECT sum(quote_volume) / sum(volume) AS p FROM bars WHERE ${WHERE} AND ts_ms >= ${now - 5 * MIN} AND ts_ms < ${now}`);
    const a = (await get(`/api/v3/avgPrice?symbol=ETHUSDT`)).body;
    expect([a.mins, a.closeTime]).toEqual([5, now - 1]);
    expect(Number(a.price)).toBeCloseTo(avg.p!, 6);
    const bt = (await get(`/api/v3/ticker/bookTicker?symbol=ETHUSDT`)).body;
    const depth = (await get(`/api/v3/depth?symbol=ETHUSDT&limit=1`)).body;
    expect(bt).toEqual({ symbol: "ETHUSDT", bidPrice: depth.bids[0][0], bidQty: depth.bids[0][1], askPrice: depth.asks[0][0], askQty: depth.asks[0][1] });
  });

  it("answer trades with [] where data/ recorded no prints", async () => {
    expect((await get(`/api/v3/trades?symbol=ETHUSDT`)).body).toEqual([]);
    expect((await get(`/api/v3/aggTrades?symbol=ETHUSDT`)).body).toEqual([]);
  });
});

const onGrid = (x: string, unit: number): boolean => Math.abs(Number(x) / unit - Math.round(Number(x) / unit)) < 1e-6;

describe("replay depth", () => {
  it("is a book on the tick and step grids: bids descending, asks ascending, never crossed, limit levels and weight by limit", async () => {
    const r = await get(`/api/v3/depth?symbol=ETHUSDT&limit=500`);
    expect(r.status).toBe(200);
    const b = r.body;
    expect(Object.keys(b)).toEqual(["lastUpdateId", "bids", "asks"]);
    expect(b.bids.length).toBeGreaterThan(100);
    expect(b.bids.length).toBeLessThanOrEqual(500);
    for (const [levels, dir] of [[b.bids, -1], [b.asks, 1]] as const) {
      for (let i = 0; i < levels.length; i++) {
        const [p, q] = levels[i]!;
        expect(p).toMatch(/^\d+\.\d{8}$/);
        expect(onGrid(p, TICK) && onGrid(q, STEP) && Number(q) > 0).toBe(true);
        if (i > 0) expect(dir * (Number(p) - Number(levels[i - 1]![0]))).toBeGreaterThan(0);
      }
    }
    const last = await one(`SELECT close AS c FROM bars WHERE ${WHERE} AND ts_ms = ${ex.clock.now() - MIN}`);
    expect(Number(b.bids[0][0])).toBeLessThan(last.c!);
    expect(Number(b.asks[0][0])).toBeGreaterThan(last.c!);
    const w0 = (await get(`/api/v3/depth?symbol=ETHUSDT&limit=100`)).weight;
    const w1 = (await get(`/api/v3/depth?symbol=ETHUSDT&limit=101`)).weight;
    const w2 = (await get(`/api/v3/depth?symbol=ETHUSDT&limit=1000`)).weight;
    const w3 = (await get(`/api/v3/depth?symbol=ETHUSDT&limit=5000`)).weight;
    expect([w1 - w0, w2 - w1, w3 - w2]).toEqual([25, 50, 250]);
    expect((await get(`/api/v3/depth?symbol=ETHUSDT`)).body.bids).toHaveLength(100);
  });

  it("deepens with size as the square-root impact model prices it, and moves on with the replay", async () => {
    const b1 = (await get(`/api/v3/depth?symbol=ETHUSDT&limit=200`)).body;
    // walking the asks: the marginal cost of each further unit grows (convex cost), so levels widen
    const gaps = b1.asks.slice(1, 50).map((l: string[], i: number) => Number(l[0]) - Number(b1.asks[i][0]));
    expect(gaps.every((g: number) => g > 0)).toBe(true);
    await ex.step(1);
    const b2 = (await get(`/api/v3/depth?symbol=ETHUSDT&limit=200`)).body;
    expect(b2.lastUpdateId).toBeGreaterThan(b1.lastUpdateId);
    const last = await one(`SELECT close AS c FROM bars WHERE ${WHERE} AND ts_ms = ${ex.clock.now() - MIN}`);
    expect(Number(b2.bids[0][0])).toBeLessThan(last.c!);
    expect(Number(b2.asks[0][0])).toBeGreaterThan(last.c!);
  });
});

describe("replay market-data errors", () => {
  const cases: [string, number, string][] = [
    ["/api/v3/depth", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
    ["/api/v3/depth?symbol=BTCUSDT", -1121, "Invalid symbol."],
    ["/api/v3/depth?symbol=ETHUSDT&limit=ten", -1100, "Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'."],
    ["/api/v3/klines?symbol=ETHUSDT", -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed."],
    ["/api/v3/klines?symbol=ETHUSDT&interval=7m", -1120, "Invalid interval."],
    ["/api/v3/klines?symbol=ETHUSDT&interval=1s", -1120, "Invalid interval."],
    ["/api/v3/klines?symbol=ETHUSDT&interval=1m&timeZone=15", -1130, "Data sent for parameter 'timeZone' is not valid."],
    ["/api/v3/klines?symbol=ETHUSDT&interval=1m&startTime=-5", -1100, "Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,20}$'."],
    ["/api/v3/ticker/price?symbols=BTC", -1100, `Illegal characters found in parameter 'symbols'; legal range is '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$'.`],
    [`/api/v3/ticker/price?symbols=${encodeURIComponent('["ETHUSDT","ETHUSDT"]')}`, -1151, "Symbol is present multiple times in the list."],
    [`/api/v3/ticker/24hr?symbols=${encodeURIComponent('["ETHUSDT","NOPE"]')}`, -1121, "Invalid symbol."],
    ["/api/v3/ticker/24hr?symbol=ETHUSDT&type=HUGE", -1139, "Invalid ticker type."],
    ["/api/v3/ticker?windowSize=1d", -1102, "Param 'symbol' or 'symbols' must be sent, but both were empty/null!"],
    ["/api/v3/ticker?symbol=ETHUSDT&windowSize=60m", -1130, "Data sent for parameter 'windowSize' is not valid."],
    ["/api/v3/avgPrice?symbol=", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."],
    ["/api/v3/ticker/bookTicker?symbol=ETHUSDT&symbolStatus=HALT", -1220, "The symbol's status does not match the requested symbolStatus."],
  ];
  it.each(cases)("%s answers HTTP 400 %i", async (path, code, msg) => {
    const r = await get(path);
    expect([r.status, r.body]).toEqual([400, { code, msg }]);
  });
});
