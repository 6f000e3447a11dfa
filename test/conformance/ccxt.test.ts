import ccxt from "ccxt";
import { afterAll, beforeAll, expect } from "vitest";
import type { ReplayExchange } from "../../lib/venues/replay/index";
import { CREDENTIALS, MIN, ORDERS, START_USDT, SYMBOL, KLINES_BACK, dayStats, fileFilters, onTick, parquetBar, parquetBars, whileRunning, startReplay, stepUntil } from "./harness";
import { conformanceSuite } from "./scenarios";

type Binance = InstanceType<typeof ccxt.pro.binance>;
const PAIR = "BTC/USDT";

let ex: ReplayExchange;
let cx: Binance;
let restingId = "";
let marketOrder: { id: string; fills: { price: number; qty: number }[] } | undefined;

/** ccxt's Binance client with every Binance REST host and the spot WebSocket URLs pointed at the replay. */
function ccxtAgainst(replay: ReplayExchange): Binance {
  const c = new ccxt.pro.binance({
    apiKey: CREDENTIALS.apiKey,
    secret: CREDENTIALS.apiSecret,
    // fetchMarkets.types: the replay is a spot exchange (the default also loads USD-M and COIN-M futures markets from fapi/dapi hosts)
    options: { fetchCurrencies: false, fetchMargins: false, adjustForTimeDifference: true, defaultType: "spot", fetchMarkets: { types: ["spot"] } },
  });
  const api = c.urls.api as Record<string, unknown>;
  for (const [k, v] of Object.entries(api)) if (typeof v === "string" && v.startsWith("https://api.binance.com")) api[k] = v.replace("https://api.binance.com", replay.baseUrl);
  const ws = api.ws as Record<string, unknown> & { "ws-api": Record<string, string> };
  ws.spot = `${replay.wsUrl}/ws`;
  ws["ws-api"].spot = `${replay.wsUrl}/ws-api/v3`;
  return c;
}

beforeAll(async () => {
  ex = await startReplay();
  cx = ccxtAgainst(ex);
  await cx.loadHttpProxyAgent(); // ccxt's required step before it opens plain ws:// (non-TLS) URLs
});

afterAll(async () => {
  await cx?.close();
  await ex?.close();
});

conformanceSuite("ccxt", {
  ping: async () => {
    // ccxt has no unified ping; its implicit endpoint method calls GET /api/v3/ping
    expect(await cx.publicGetPing()).toEqual({});
  },
  "server-time": async () => {
    expect(await cx.fetchTime()).toBe(ex.clock.now());
  },
  "exchange-info": async () => {
    await cx.loadMarkets();
    const m = cx.market(PAIR);
    const f = fileFilters();
    expect([m.id, m.base, m.quote, m.spot, m.active]).toEqual([SYMBOL, "BTC", "USDT", true, true]);
    expect(m.precision).toMatchObject({ price: f.tickSize, amount: f.stepSize });
    expect(m.limits.price).toEqual({ min: f.minPrice, max: f.maxPrice });
    expect(m.limits.amount).toEqual({ min: f.minQty, max: f.maxQty });
    expect(m.limits.cost).toEqual({ min: f.minNotional, max: f.maxNotional });
  },
  klines: async () => {
    const since = ex.clock.now() - KLINES_BACK;
    const got = await cx.fetchOHLCV(PAIR, "1m", since, 1000);
    const want = await parquetBars(since, ex.clock.now());
    expect(want.length).toBe(KLINES_BACK / MIN);
    expect(got).toEqual(want.map((b) => [b.ts, b.open, b.high, b.low, b.close, b.volume]));
  },
  ticker: async () => {
    const day = await dayStats(ex.clock.now());
    const t = await cx.fetchTicker(PAIR);
    expect(t.symbol).toBe(PAIR);
    expect([t.last, t.open, t.high, t.low]).toEqual([day.last, day.open, day.high, day.low]);
    expect(t.baseVolume).toBeCloseTo(day.volume, 6);
    expect(t.timestamp).toBeLessThanOrEqual(ex.clock.now());
  },
  "order-book": async () => {
    const last = await parquetBar(ex.clock.now() - MIN);
    const ob = await cx.fetchOrderBook(PAIR, 5);
    const tick = fileFilters().tickSize;
    expect(ob.bids.length).toBeGreaterThan(0);
    expect(ob.asks.length).toBeGreaterThan(0);
    const bids = ob.bids.map((l) => l[0]!);
    const asks = ob.asks.map((l) => l[0]!);
    expect(bids).toEqual([...bids].sort((a, b) => b - a));
    expect(asks).toEqual([...asks].sort((a, b) => a - b));
    expect(bids[0]!).toBeLessThan(asks[0]!);
    for (const p of [...bids, ...asks]) expect(onTick(p, tick), `level ${p} on the ${tick} grid`).toBe(true);
    expect(Math.abs((bids[0]! + asks[0]!) / 2 / last.close - 1)).toBeLessThan(0.01);
  },
  balance: async () => {
    const b = await cx.fetchBalance();
    expect(b.USDT).toMatchObject({ free: START_USDT, used: 0, total: START_USDT });
  },
  "limit-order-rests": async () => {
    const o = await cx.createOrder(PAIR, "limit", "buy", ORDERS.qty, ORDERS.restingPrice, { timeInForce: "GTC" });
    expect([o.status, o.type, o.side, o.price, o.amount, o.filled]).toEqual(["open", "limit", "buy", ORDERS.restingPrice, ORDERS.qty, 0]);
    restingId = o.id!;
    const q = await cx.fetchOrder(o.id!, PAIR);
    expect([q.id, q.status, q.timeInForce]).toEqual([o.id, "open", "GTC"]);
    expect((await cx.fetchOpenOrders(PAIR)).map((x) => x.id)).toEqual([o.id]);
  },
  "cancel-order": async () => {
    const c = await cx.cancelOrder(restingId, PAIR);
    expect([c.id, c.status]).toEqual([restingId, "canceled"]);
    expect(await cx.fetchOpenOrders(PAIR)).toEqual([]);
  },
  "off-tick-rejected": async () => {
    // createOrder rounds the price to the tick itself (priceToPrecision), so the raw endpoint sends the off-tick
    // price; ccxt's own error mapping must still turn Binance's -1013 into InvalidOrder
    const sent = cx.privatePostOrder({ symbol: SYMBOL, side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: String(ORDERS.qty), price: String(ORDERS.offTickPrice) });
    await expect(sent).rejects.toBeInstanceOf(ccxt.InvalidOrder);
    await expect(sent).rejects.toThrow(/"code":-1013,"msg":"Filter failure: PRICE_FILTER"/);
  },
  "market-order-full": async () => {
    // ccxt asks for newOrderRespType FULL on market orders (options.newOrderRespType.market)
    expect((cx.options as { newOrderRespType: Record<string, string> }).newOrderRespType.market).toBe("FULL");
    const o = await whileRunning(ex, () => cx.createOrder(PAIR, "market", "buy", ORDERS.qty));
    const info = o.info as { status: string; fills?: { price: string; qty: string }[] };
    expect([info.status, o.status, o.filled]).toEqual(["FILLED", "closed", ORDERS.qty]);
    const fills = (info.fills ?? []).map((f) => ({ price: Number(f.price), qty: Number(f.qty) }));
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) expect(onTick(f.price, fileFilters().tickSize), `fill price ${f.price} on the tick grid`).toBe(true);
    expect(fills.reduce((s, f) => s + f.qty, 0)).toBeCloseTo(ORDERS.qty, 10);
    marketOrder = { id: o.id!, fills };
  },
  "my-trades": async () => {
    expect(marketOrder, "the market order of the previous scenario").toBeDefined();
    const trades = (await cx.fetchMyTrades(PAIR)).filter((t) => t.order === marketOrder!.id);
    expect(trades.map((t) => [t.price, t.amount, t.side])).toEqual(marketOrder!.fills.map((f) => [f.price, f.qty, "buy"]));
    // faqs/commission_faq.md: a BUY pays commission out of the received base asset
    expect.soft(trades.map((t) => t.fee?.currency), "fee currency of a BUY's trades").toEqual(trades.map(() => "BTC"));
  },
  "kline-stream": async () => {
    const seen: (number | undefined)[][] = [];
    let stop = false;
    const pump = (async () => {
      while (!stop) for (const c of await cx.watchOHLCV(PAIR, "1m")) seen.push(c);
    })().catch((e: unknown) => {
      if (!stop) throw e;
    });
    const t0 = ex.clock.now();
    // step until the bar that opened at t0 has been streamed closed (its final update carries the parquet values)
    const want = await parquetBar(t0);
    const closedSeen = (): boolean => seen.some((c) => c[0] === t0 && c[4] === want.close && c[5] === want.volume);
    await stepUntil(ex, closedSeen, "the kline of the next bar over watchOHLCV", 4);
    stop = true;
    const c = seen.filter((x) => x[0] === t0).at(-1)!;
    expect(c).toEqual([want.ts, want.open, want.high, want.low, want.close, want.volume]);
    await cx.unWatchOHLCV(PAIR, "1m").catch(() => undefined);
    void pump;
  },
  "user-data-stream": async () => {
    // ccxt 4.5.84 spot user data: authenticate() sends userDataStream.subscribe.signature on ws-api/v3 and
    // resolves only on a reply carrying result.subscriptionId (handleUserDataStreamSubscribe); no listen key
    await cx.authenticate({ type: "spot" });
    expect(Object.keys(cx.clients)).toContain(`${ex.wsUrl}/ws-api/v3`);
    const watching = cx.watchOrders(PAIR);
    const placed = await cx.createOrder(PAIR, "limit", "buy", ORDERS.qty, ORDERS.restingPrice, { timeInForce: "GTC" });
    const updates = await watching;
    expect(updates.map((o) => [o.id, o.status])).toContainEqual([placed.id, "open"]);
    const canceled = cx.watchOrders(PAIR);
    await cx.cancelOrder(placed.id!, PAIR);
    expect((await canceled).map((o) => [o.id, o.status])).toContainEqual([placed.id, "canceled"]);
  },
  "ws-api-orders": async () => {
    const o = await cx.createOrderWs(PAIR, "limit", "buy", ORDERS.qty, ORDERS.restingPrice, { timeInForce: "GTC" });
    expect([o.status, o.price]).toEqual(["open", ORDERS.restingPrice]);
    const q = await cx.fetchOrderWs(o.id!, PAIR);
    expect([q.id, q.status]).toEqual([o.id, "open"]);
    const c = await cx.cancelOrderWs(o.id!, PAIR);
    expect([c.id, c.status]).toEqual([o.id, "canceled"]);
  },
  "session-logon-ed25519": { notApplicable: "ccxt signs every WebSocket API request itself and never sends session.logon" },
});
