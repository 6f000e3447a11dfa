import { Spot, SpotRestAPI, SpotWebsocketAPI, SpotWebsocketStreams } from "@binance/spot";
import { afterAll, beforeAll, expect, vi } from "vitest";
import type { ReplayExchange } from "../../lib/venues/replay/index";
import { CREDENTIALS, MIN, ORDERS, START_USDT, SYMBOL, KLINES_BACK, dayStats, fileFilters, missingDocFields, onTick, parquetBar, parquetBars, whileRunning, startReplay, stepUntil, waitFor } from "./harness";
import { conformanceSuite } from "./scenarios";

let ex: ReplayExchange;
let spot: Spot;
let restingId: number | bigint = 0;
let marketOrder: { orderId: number | bigint; fills: { price: number; qty: number; tradeId: number | bigint }[] } | undefined;
const opened: { disconnect(): Promise<void> }[] = [];

const rest = (): SpotRestAPI.RestAPI => spot.restAPI;
const num = (s: string | undefined): number => Number(s);
/** rest-api.md "Conditional fields in Order Responses": absent from a plain LIMIT/MARKET order's payloads. */
const ORDER_CONDITIONAL = ["icebergQty", "stopPrice", "preventedMatchId", "preventedQuantity", "strategyId", "strategyType", "trailingDelta", "trailingTime", "expiryReason"];

/** The connector's error for a rejected request: REST errors carry { code, message }, WebSocket API errors the raw { code, msg }. */
async function rejection(p: Promise<unknown>): Promise<{ code?: number; msg?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code?: number; msg?: string; message?: string };
    return { code: err.code, msg: err.msg ?? err.message };
  }
  throw new Error("request was accepted");
}

async function wsApi(config: Partial<ConstructorParameters<typeof Spot>[0]["configurationWebsocketAPI"]> = {}): Promise<SpotWebsocketAPI.WebsocketAPIConnection> {
  const s = new Spot({ configurationWebsocketAPI: { apiKey: CREDENTIALS.apiKey, apiSecret: CREDENTIALS.apiSecret, wsURL: `${ex.wsUrl}/ws-api/v3`, ...config } });
  const c = await s.websocketAPI.connect();
  opened.push(c);
  return c;
}

beforeAll(async () => {
  ex = await startReplay();
  // The connector stamps signed requests with Date.now() and has no server-time offset; the replay's clock is
  // simulated time (2025), so this process's Date.now reads the exchange clock, as a synced machine would.
  vi.spyOn(Date, "now").mockImplementation(() => ex.clock.now());
  spot = new Spot({
    configurationRestAPI: { apiKey: CREDENTIALS.apiKey, apiSecret: CREDENTIALS.apiSecret, basePath: ex.baseUrl },
    configurationWebsocketStreams: { wsURL: ex.wsUrl },
  });
});

afterAll(async () => {
  for (const c of opened.splice(0)) await c.disconnect().catch(() => undefined);
  vi.restoreAllMocks();
  await ex?.close();
});

conformanceSuite("@binance/spot", {
  ping: async () => {
    const r = await rest().ping();
    expect(r.status).toBe(200);
    // rest-api.md "LIMITS": every response carries X-MBX-USED-WEIGHT-(intervalNum)(intervalLetter)
    expect(r.rateLimits).toContainEqual(expect.objectContaining({ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1 }));
    const ws = await wsApi();
    const p = await ws.ping();
    expect(p.data).toEqual({});
    // web-socket-api.md "Response format": rateLimits are returned by default (returnRateLimits defaults to true)
    expect(p.rateLimits).toContainEqual(expect.objectContaining({ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1 }));
  },
  "server-time": async () => {
    expect(await (await rest().time()).data()).toEqual({ serverTime: ex.clock.now() });
    const ws = await wsApi();
    expect((await ws.time()).data).toEqual({ serverTime: ex.clock.now() });
  },
  "exchange-info": async () => {
    const info = await (await rest().exchangeInfo({ symbol: SYMBOL })).data();
    const s = info.symbols!.find((x) => x.symbol === SYMBOL)!;
    const f = fileFilters();
    const filter = (t: string) => s.filters!.find((x) => x.filterType === t) as Record<string, string> | undefined;
    expect([s.status, s.baseAsset, s.quoteAsset]).toEqual(["TRADING", "BTC", "USDT"]);
    expect([num(filter("PRICE_FILTER")?.tickSize), num(filter("PRICE_FILTER")?.minPrice), num(filter("PRICE_FILTER")?.maxPrice)]).toEqual([f.tickSize, f.minPrice, f.maxPrice]);
    expect([num(filter("LOT_SIZE")?.stepSize), num(filter("LOT_SIZE")?.minQty), num(filter("LOT_SIZE")?.maxQty)]).toEqual([f.stepSize, f.minQty, f.maxQty]);
    expect([num(filter("NOTIONAL")?.minNotional), num(filter("NOTIONAL")?.maxNotional)]).toEqual([f.minNotional, f.maxNotional]);
  },
  klines: async () => {
    const since = ex.clock.now() - KLINES_BACK;
    const rows = await (await rest().klines({ symbol: SYMBOL, interval: SpotRestAPI.KlinesIntervalEnum.INTERVAL_1m, startTime: since, limit: 1000 })).data();
    const want = await parquetBars(since, ex.clock.now());
    expect(rows.length).toBe(KLINES_BACK / MIN);
    // [open time, o, h, l, c, v, close time, ...]: decimals as strings, close time = open time + 1m - 1 ms
    expect(rows.map((r) => [r[0], num(r[1] as string), num(r[2] as string), num(r[3] as string), num(r[4] as string), num(r[5] as string), r[6]])).toEqual(
      want.map((b) => [b.ts, b.open, b.high, b.low, b.close, b.volume, b.ts + MIN - 1]),
    );
  },
  ticker: async () => {
    const now = ex.clock.now();
    const day = await dayStats(now);
    const t = (await (await rest().ticker24hr({ symbol: SYMBOL })).data()) as SpotRestAPI.Ticker24hrResponse1;
    expect(t.symbol).toBe(SYMBOL);
    expect([num(t.lastPrice), num(t.openPrice), num(t.highPrice), num(t.lowPrice)]).toEqual([day.last, day.open, day.high, day.low]);
    expect(num(t.volume)).toBeCloseTo(day.volume, 6);
    // a 24 h rolling window ending now (rest-api.md "24hr ticker price change statistics")
    const [open, close] = [Number(t.openTime), Number(t.closeTime)];
    expect(close).toBeLessThanOrEqual(now);
    expect(close - open).toBeGreaterThanOrEqual(1440 * MIN - 1);
    expect(close - open).toBeLessThanOrEqual(1440 * MIN);
    const fields = ["priceChange", "priceChangePercent", "weightedAvgPrice", "prevClosePrice", "lastPrice", "lastQty", "bidPrice", "bidQty", "askPrice", "askQty",
      "openPrice", "highPrice", "lowPrice", "volume", "quoteVolume", "openTime", "closeTime", "firstId", "lastId", "count"];
    expect.soft(fields.filter((k) => !(k in t)), "24hr ticker FULL fields").toEqual([]);
  },
  "order-book": async () => {
    const last = await parquetBar(ex.clock.now() - MIN);
    const d = await (await rest().depth({ symbol: SYMBOL, limit: 5 })).data();
    const tick = fileFilters().tickSize;
    const bids = d.bids!.map((l) => num(l[0]));
    const asks = d.asks!.map((l) => num(l[0]));
    expect(typeof d.lastUpdateId).toBe("number");
    expect([bids.length, asks.length]).toEqual([5, 5]);
    expect(bids).toEqual([...bids].sort((a, b) => b - a));
    expect(asks).toEqual([...asks].sort((a, b) => a - b));
    expect(bids[0]!).toBeLessThan(asks[0]!);
    for (const p of [...bids, ...asks]) expect(onTick(p, tick), `level ${p} on the ${tick} grid`).toBe(true);
    expect(Math.abs((bids[0]! + asks[0]!) / 2 / last.close - 1)).toBeLessThan(0.01);
  },
  balance: async () => {
    const acc = await (await rest().getAccount({ omitZeroBalances: true })).data();
    expect(acc.balances!.find((b) => b.asset === "USDT")).toEqual({ asset: "USDT", free: expect.any(String), locked: expect.any(String) });
    const usdt = acc.balances!.find((b) => b.asset === "USDT")!;
    expect([num(usdt.free), num(usdt.locked)]).toEqual([START_USDT, 0]);
    expect.soft(missingDocFields(acc, "spot_account_docs.json"), "GET /api/v3/account fields (rest-api.md Account information)").toEqual([]);
  },
  "limit-order-rests": async () => {
    const o = await (await rest().newOrder({
      symbol: SYMBOL, side: SpotRestAPI.NewOrderSideEnum.BUY, type: SpotRestAPI.NewOrderTypeEnum.LIMIT, timeInForce: SpotRestAPI.NewOrderTimeInForceEnum.GTC,
      quantity: ORDERS.qty, price: ORDERS.restingPrice, newOrderRespType: SpotRestAPI.NewOrderNewOrderRespTypeEnum.RESULT,
    })).data();
    expect([o.status, o.type, o.side, o.timeInForce, num(o.price), num(o.origQty), num(o.executedQty)]).toEqual(["NEW", "LIMIT", "BUY", "GTC", ORDERS.restingPrice, ORDERS.qty, 0]);
    expect.soft(missingDocFields(o, "spot_order_response_RESULT_docs.json"), "POST /api/v3/order RESULT fields (rest-api.md New order)").toEqual([]);
    restingId = o.orderId!;
    const q = await (await rest().getOrder({ symbol: SYMBOL, orderId: restingId })).data();
    expect.soft([q.orderId, q.status, q.isWorking]).toEqual([restingId, "NEW", true]);
    // rest-api.md "Query order" and "Current open orders" document the same order object
    expect.soft(missingDocFields(q, "spot_openOrders_docs.json", (d: object[]) => d[0]!, ORDER_CONDITIONAL), "GET /api/v3/order fields (rest-api.md Query order)").toEqual([]);
    const open = await (await rest().getOpenOrders({ symbol: SYMBOL })).data();
    expect(open.map((x) => x.orderId)).toContain(restingId);
    expect.soft(missingDocFields(open[0]!, "spot_openOrders_docs.json", (d: object[]) => d[0]!, ORDER_CONDITIONAL), "GET /api/v3/openOrders fields").toEqual([]);
  },
  "cancel-order": async () => {
    const c = await (await rest().deleteOrder({ symbol: SYMBOL, orderId: restingId })).data();
    expect([c.orderId, c.status]).toEqual([restingId, "CANCELED"]);
    expect((await (await rest().getOpenOrders({ symbol: SYMBOL })).data()).map((x) => x.orderId)).not.toContain(restingId);
  },
  "off-tick-rejected": async () => {
    const sent = rest().newOrder({
      symbol: SYMBOL, side: SpotRestAPI.NewOrderSideEnum.BUY, type: SpotRestAPI.NewOrderTypeEnum.LIMIT, timeInForce: SpotRestAPI.NewOrderTimeInForceEnum.GTC,
      quantity: ORDERS.qty, price: ORDERS.offTickPrice,
    });
    // errors.md "Filter failures": PRICE_FILTER covers a price "not following the tick size rule"; HTTP 400, code -1013
    expect(await rejection(sent)).toEqual({ code: -1013, msg: "Filter failure: PRICE_FILTER" });
  },
  "market-order-full": async () => {
    const placed = await whileRunning(ex, () => rest().newOrder({
      symbol: SYMBOL, side: SpotRestAPI.NewOrderSideEnum.BUY, type: SpotRestAPI.NewOrderTypeEnum.MARKET, quantity: ORDERS.qty,
      newOrderRespType: SpotRestAPI.NewOrderNewOrderRespTypeEnum.FULL,
    }));
    const o = await placed.data();
    expect([o.status, o.type, num(o.executedQty)]).toEqual(["FILLED", "MARKET", ORDERS.qty]);
    const fills = (o.fills ?? []).map((f) => ({ price: num(f.price), qty: num(f.qty), tradeId: f.tradeId! }));
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) expect(onTick(f.price, fileFilters().tickSize), `fill price ${f.price} on the tick grid`).toBe(true);
    expect(fills.reduce((s, f) => s + f.qty, 0)).toBeCloseTo(ORDERS.qty, 10);
    expect(num(o.cummulativeQuoteQty)).toBeCloseTo(fills.reduce((s, f) => s + f.price * f.qty, 0), 8);
    // faqs/commission_faq.md: commission comes out of the received amount, which for a BUY is the quantity (BTC)
    expect.soft(o.fills!.map((f) => f.commissionAsset), "commission asset of a BUY's fills").toEqual(o.fills!.map(() => "BTC"));
    expect.soft(missingDocFields(o, "spot_order_response_FULL_docs.json"), "POST /api/v3/order FULL fields").toEqual([]);
    expect.soft(missingDocFields(o.fills![0]!, "spot_order_response_FULL_docs.json", (d: { fills: object[] }) => d.fills[0]!), "FULL fills[] fields").toEqual([]);
    marketOrder = { orderId: o.orderId!, fills };
  },
  "my-trades": async () => {
    expect(marketOrder, "the market order of the previous scenario").toBeDefined();
    const trades = await (await rest().myTrades({ symbol: SYMBOL, orderId: marketOrder!.orderId })).data();
    expect(trades.map((t) => [t.id, num(t.price), num(t.qty), t.isBuyer])).toEqual(marketOrder!.fills.map((f) => [f.tradeId, f.price, f.qty, true]));
  },
  "kline-stream": async () => {
    const conn = await spot.websocketStreams.connect();
    opened.push(conn);
    const seen: SpotWebsocketStreams.KlineResponse[] = [];
    const stream = conn.kline({ symbol: SYMBOL.toLowerCase(), interval: SpotWebsocketStreams.KlineIntervalEnum.INTERVAL_1m });
    stream.on("message", (m) => void seen.push(m));
    const t0 = ex.clock.now();
    const want = await parquetBar(t0);
    await stepUntil(ex, () => seen.some((m) => m.k?.t === t0 && m.k?.x === true), "the closed kline of the next bar", 4);
    const k = seen.find((m) => m.k?.t === t0 && m.k?.x === true)!.k!;
    expect([k.t, k.T, k.s, k.i, num(k.o), num(k.h), num(k.l), num(k.c), num(k.v)]).toEqual([want.ts, want.ts + MIN - 1, SYMBOL, "1m", want.open, want.high, want.low, want.close, want.volume]);
    expect.soft(missingDocFields(seen[0]!, "ws_kline_1m_docs.json"), "kline event fields (web-socket-streams.md Kline/Candlestick Streams)").toEqual([]);
    expect.soft(missingDocFields(seen[0]!.k!, "ws_kline_1m_docs.json", (d: { k: object }) => d.k), "kline k{} fields").toEqual([]);
    stream.unsubscribe();
  },
  "user-data-stream": async () => {
    const ws = await wsApi();
    const raw: { id?: string; status?: number; result?: { subscriptionId?: number }; subscriptionId?: number; event?: { e?: string } }[] = [];
    ws.on("message", (data: string) => void raw.push(JSON.parse(data) as (typeof raw)[number]));
    const { response, stream } = await ws.userDataStreamSubscribeSignature();
    expect(typeof response.data.subscriptionId).toBe("number");
    // web-socket-api.md "Subscribe to User Data Stream through signature subscription": status 200, result.subscriptionId
    expect(raw.find((m) => m.result?.subscriptionId !== undefined)).toMatchObject({ status: 200, result: { subscriptionId: response.data.subscriptionId } });
    const events: Record<string, unknown>[] = [];
    stream.on("message", (e) => void events.push(e as unknown as Record<string, unknown>));
    const placed = await (await rest().newOrder({
      symbol: SYMBOL, side: SpotRestAPI.NewOrderSideEnum.BUY, type: SpotRestAPI.NewOrderTypeEnum.LIMIT, timeInForce: SpotRestAPI.NewOrderTimeInForceEnum.GTC,
      quantity: ORDERS.qty, price: ORDERS.restingPrice,
    })).data();
    await rest().deleteOrder({ symbol: SYMBOL, orderId: placed.orderId! });
    const reports = () => events.filter((e) => e.e === "executionReport" && e.i === placed.orderId);
    await waitFor(() => reports().length >= 2, "executionReport NEW and CANCELED");
    expect(reports().map((e) => [e.s, e.S, e.o, e.x, e.X, num(e.p as string), num(e.q as string)])).toEqual([
      [SYMBOL, "BUY", "LIMIT", "NEW", "NEW", ORDERS.restingPrice, ORDERS.qty],
      [SYMBOL, "BUY", "LIMIT", "CANCELED", "CANCELED", ORDERS.restingPrice, ORDERS.qty],
    ]);
    // user-data-stream.md: events come on the WebSocket API connection as { subscriptionId, event }
    expect(raw.find((m) => m.event?.e === "executionReport")).toMatchObject({ subscriptionId: response.data.subscriptionId });
    // "v" (prevented match id) appears only for orders expired by self-trade prevention
    expect.soft(missingDocFields(reports()[0]!, "ws_executionReport_docs.json", (d: { event: object }) => d.event, ["v"]), "executionReport fields (user-data-stream.md Order Update)").toEqual([]);
    const market = await (await whileRunning(ex, () => rest().newOrder({
      symbol: SYMBOL, side: SpotRestAPI.NewOrderSideEnum.BUY, type: SpotRestAPI.NewOrderTypeEnum.MARKET, quantity: ORDERS.qty,
    }))).data();
    const trade = () => events.find((e) => e.e === "executionReport" && e.i === market.orderId && e.x === "TRADE" && e.X === "FILLED");
    await waitFor(() => trade() !== undefined && events.some((e) => e.e === "outboundAccountPosition"), "executionReport TRADE/FILLED and outboundAccountPosition of the market order");
    const t = trade()!;
    expect([num(t.z as string), onTick(num(t.L as string), fileFilters().tickSize)]).toEqual([ORDERS.qty, true]);
    // user-data-stream.md "Event Stream Terminated": userDataStream.unsubscribe stops the subscription
    await ws.userDataStreamUnsubscribe({ subscriptionId: Number(response.data.subscriptionId) });
    await waitFor(() => events.some((e) => e.e === "eventStreamTerminated"), "eventStreamTerminated after userDataStream.unsubscribe");
    expect.soft(t.N, "commission asset of a BUY (faqs/commission_faq.md: taken from the received BTC)").toBe("BTC");
  },
  "ws-api-orders": async () => {
    const ws = await wsApi();
    const placed = (await ws.orderPlace({
      symbol: SYMBOL, side: SpotWebsocketAPI.OrderPlaceSideEnum.BUY, type: SpotWebsocketAPI.OrderPlaceTypeEnum.LIMIT,
      timeInForce: SpotWebsocketAPI.OrderPlaceTimeInForceEnum.GTC, quantity: ORDERS.qty, price: ORDERS.restingPrice,
    })).data;
    expect([placed.status, num(placed.price)]).toEqual(["NEW", ORDERS.restingPrice]);
    const q = (await ws.orderStatus({ symbol: SYMBOL, orderId: placed.orderId! })).data;
    expect([q.orderId, q.status]).toEqual([placed.orderId, "NEW"]);
    const c = (await ws.orderCancel({ symbol: SYMBOL, orderId: placed.orderId! })).data;
    expect([c.orderId, c.status]).toEqual([placed.orderId, "CANCELED"]);
    const offTick = ws.orderPlace({
      symbol: SYMBOL, side: SpotWebsocketAPI.OrderPlaceSideEnum.BUY, type: SpotWebsocketAPI.OrderPlaceTypeEnum.LIMIT,
      timeInForce: SpotWebsocketAPI.OrderPlaceTimeInForceEnum.GTC, quantity: ORDERS.qty, price: ORDERS.offTickPrice,
    });
    expect(await rejection(offTick)).toEqual({ code: -1013, msg: "Filter failure: PRICE_FILTER" });
    const market = (await whileRunning(ex, () => ws.orderPlace({
      symbol: SYMBOL, side: SpotWebsocketAPI.OrderPlaceSideEnum.BUY, type: SpotWebsocketAPI.OrderPlaceTypeEnum.MARKET, quantity: ORDERS.qty,
      newOrderRespType: SpotWebsocketAPI.OrderPlaceNewOrderRespTypeEnum.FULL,
    }))).data;
    expect([market.status, num(market.executedQty)]).toEqual(["FILLED", ORDERS.qty]);
    expect(market.fills!.length).toBeGreaterThan(0);
    for (const f of market.fills!) expect(onTick(num(f.price), fileFilters().tickSize), `fill price ${f.price} on the tick grid`).toBe(true);
  },
  "session-logon-ed25519": async () => {
    const ed = (CREDENTIALS as { ed25519?: { apiKey: string; privateKey: string } }).ed25519;
    expect(ed, "an Ed25519 test key published with the replay credentials").toBeDefined();
    const ws = await wsApi({ apiKey: ed!.apiKey, apiSecret: undefined, privateKey: ed!.privateKey });
    const [logon] = await ws.sessionLogon();
    expect(logon!.data.apiKey).toBe(ed!.apiKey);
    const { response, stream } = await ws.userDataStreamSubscribe();
    expect(typeof response.data.subscriptionId).toBe("number");
    const events: Record<string, unknown>[] = [];
    stream.on("message", (e) => void events.push(e as unknown as Record<string, unknown>));
    // after session.logon, requests need no apiKey/signature (web-socket-api.md "Authenticating requests")
    const placed = (await ws.orderPlace({
      symbol: SYMBOL, side: SpotWebsocketAPI.OrderPlaceSideEnum.BUY, type: SpotWebsocketAPI.OrderPlaceTypeEnum.LIMIT,
      timeInForce: SpotWebsocketAPI.OrderPlaceTimeInForceEnum.GTC, quantity: ORDERS.qty, price: ORDERS.restingPrice,
    })).data;
    await waitFor(() => events.some((e) => e.e === "executionReport" && e.i === placed.orderId && e.X === "NEW"), "executionReport NEW on the logged-on session");
    await ws.orderCancel({ symbol: SYMBOL, orderId: placed.orderId! });
    // user-data-stream.md "Event Stream Terminated": a logon subscription ends with session.logout
    await ws.sessionLogout();
    await waitFor(() => events.some((e) => e.e === "eventStreamTerminated"), "eventStreamTerminated after session.logout");
  },
});
