import { afterAll, beforeAll, expect } from "vitest";
import type { BarEvent, FillEvent, OrderEvent } from "../../lib/core/events";
import type { Order } from "../../lib/core/order";
import type { Subscription } from "../../lib/core/ports/market-data.port";
import { createVenueAdapters, type VenueAdapters } from "../../lib/venues/registry";
import { REPLAY_CREDENTIALS, type ReplayExchange } from "../../lib/venues/replay/index";
import { FROM, MIN, ORDERS, START_USDT, SYMBOL, KLINES_BACK, fileFilters, onTick, parquetBar, parquetBars, whileRunning, startReplay, stepUntil, waitFor } from "./harness";
import { conformanceSuite } from "./scenarios";

let ex: ReplayExchange;
let ad: VenueAdapters;
const subs: Subscription[] = [];
let marketFills: { price: number; qty: number }[] = [];
let seq = 0;
const cid = (what: string): string => `conf-${what}-${++seq}`;

const limitBuy = (clientOrderId: string, price: number) =>
  ad.execution!.submit({ clientOrderId, symbol: SYMBOL, side: "buy", type: "limit", qty: ORDERS.qty, price, timeInForce: "GTC" });

function ok(r: { ok: boolean; value?: Order; error?: { code: string; message: string } }): Order {
  if (!r.ok) throw new Error(`expected success, got ${r.error!.code}: ${r.error!.message}`);
  return r.value!;
}

beforeAll(async () => {
  ex = await startReplay();
  ad = createVenueAdapters("replay", ex.adapterConfig, { clock: ex.clock });
});

afterAll(async () => {
  for (const s of subs.splice(0)) await s.close().catch(() => undefined);
  await ex?.close();
});

conformanceSuite("tradelab binance adapter", {
  ping: { notApplicable: "the adapter exposes no ping; server-time covers its liveness check" },
  "server-time": async () => {
    // the adapter measures its clock against GET /api/v3/time; its clock is the exchange clock, so no drift
    expect(Math.abs(await ad.exchangeInfo!.clockDriftMs!())).toBeLessThan(5);
  },
  "exchange-info": async () => {
    const [inst] = await ad.exchangeInfo!.instruments([SYMBOL]);
    const f = fileFilters();
    expect(inst).toMatchObject({
      symbol: SYMBOL, baseAsset: "BTC", quoteAsset: "USDT", tickSize: f.tickSize, minPrice: f.minPrice, maxPrice: f.maxPrice,
      stepSize: f.stepSize, minQty: f.minQty, maxQty: f.maxQty, minNotional: f.minNotional, maxNotional: f.maxNotional,
    });
  },
  klines: async () => {
    const since = ex.clock.now() - KLINES_BACK;
    const got = await ad.marketData!.history({ symbol: SYMBOL, timeframe: "1m", from: since, to: ex.clock.now() });
    const want = await parquetBars(since, ex.clock.now());
    expect(want.length).toBe(KLINES_BACK / MIN);
    expect(got.map((b) => [b.ts, b.open, b.high, b.low, b.close, b.volume])).toEqual(want.map((b) => [b.ts, b.open, b.high, b.low, b.close, b.volume]));
  },
  ticker: { notApplicable: "the adapter's ports have no ticker call" },
  "order-book": { notApplicable: "the adapter's ports have no order book call" },
  balance: async () => {
    const usdt = (await ad.execution!.balances()).find((b) => b.asset === "USDT");
    expect(usdt).toMatchObject({ asset: "USDT", free: START_USDT, locked: 0 });
  },
  "limit-order-rests": async () => {
    const o = ok(await limitBuy("conf-resting", ORDERS.restingPrice));
    expect([o.status, o.price, o.qty, o.filledQty]).toEqual(["accepted", ORDERS.restingPrice, ORDERS.qty, 0]);
    expect(ok(await ad.execution!.getOrder(SYMBOL, "conf-resting")).status).toBe("accepted");
    expect((await ad.execution!.openOrders(SYMBOL)).map((x) => x.clientOrderId)).toContain("conf-resting");
  },
  "cancel-order": async () => {
    expect(ok(await ad.execution!.cancel(SYMBOL, "conf-resting")).status).toBe("canceled");
    expect((await ad.execution!.openOrders(SYMBOL)).map((x) => x.clientOrderId)).not.toContain("conf-resting");
  },
  "off-tick-rejected": {
    notApplicable: "the adapter writes a limit price with the tick's decimals (formatDecimal), so it never sends a price off a 0.01 grid",
  },
  "market-order-full": async () => {
    const id = cid("market");
    const o = ok(await whileRunning(ex, () => ad.execution!.submit({ clientOrderId: id, symbol: SYMBOL, side: "buy", type: "market", qty: ORDERS.qty, timeInForce: "GTC" })));
    expect([o.status, o.filledQty]).toEqual(["filled", ORDERS.qty]);
    const own = (await ad.execution!.fillsSince!(SYMBOL, FROM)).filter((f) => f.clientOrderId === id);
    // faqs/commission_faq.md: a BUY pays commission out of the received base asset
    expect.soft(own.map((f) => f.feeAsset), "fee asset of a BUY's fills").toEqual(own.map(() => "BTC"));
    marketFills = own.map((f) => ({ price: f.price, qty: f.qty }));
    expect(marketFills.length).toBeGreaterThan(0);
    for (const f of marketFills) expect(onTick(f.price, fileFilters().tickSize), `fill price ${f.price} on the tick grid`).toBe(true);
    expect(marketFills.reduce((s, f) => s + f.qty, 0)).toBeCloseTo(ORDERS.qty, 10);
    expect(o.avgPrice).toBeCloseTo(marketFills.reduce((s, f) => s + f.price * f.qty, 0) / ORDERS.qty, 6);
  },
  "my-trades": async () => {
    expect(marketFills.length, "fills of the previous scenario's market order").toBeGreaterThan(0);
    const all = await ad.execution!.fillsSince!(SYMBOL, FROM);
    for (const f of marketFills) expect(all.map((x) => [x.price, x.qty, x.side])).toContainEqual([f.price, f.qty, "buy"]);
  },
  "kline-stream": async () => {
    const bars: BarEvent[] = [];
    subs.push(await ad.marketData!.subscribeBars([SYMBOL], "1m", { onBar: (e) => void bars.push(e) }));
    const t0 = ex.clock.now();
    const want = await parquetBar(t0);
    await stepUntil(ex, () => bars.some((b) => b.bar.ts === t0), "the closed bar over the kline stream", 4);
    const b = bars.find((x) => x.bar.ts === t0)!.bar;
    expect([b.ts, b.open, b.high, b.low, b.close, b.volume]).toEqual([want.ts, want.open, want.high, want.low, want.close, want.volume]);
  },
  "user-data-stream": async () => {
    const orders: OrderEvent[] = [];
    const fills: FillEvent[] = [];
    const errors: Error[] = [];
    subs.push(await ad.execution!.subscribe({ onOrder: (e) => void orders.push(e), onFill: (e) => void fills.push(e), onError: (e) => void errors.push(e) }));
    const id = cid("stream");
    ok(await limitBuy(id, ORDERS.restingPrice));
    await waitFor(() => orders.some((e) => e.order.clientOrderId === id && e.order.status === "accepted"), "the accepted order event");
    ok(await ad.execution!.cancel(SYMBOL, id));
    await waitFor(() => orders.some((e) => e.order.clientOrderId === id && e.order.status === "canceled"), "the canceled order event");
    expect(errors).toEqual([]);
  },
  "ws-api-orders": { notApplicable: "the adapter chooses its own transport for orders behind ExecutionPort" },
  "session-logon-ed25519": async () => {
    // a second adapter on the same account, signing with the replay's Ed25519 key: session.logon, then subscribe
    const keys = REPLAY_CREDENTIALS.ed25519;
    const ed = createVenueAdapters("replay", { ...ex.adapterConfig, apiKey: keys.apiKey, apiSecret: keys.privateKey, keyType: "ed25519" }, { clock: ex.clock });
    const orders: OrderEvent[] = [];
    const errors: Error[] = [];
    subs.push(await ed.execution!.subscribe({ onOrder: (e) => void orders.push(e), onError: (e) => void errors.push(e) }));
    const id = cid("logon");
    ok(await ed.execution!.submit({ clientOrderId: id, symbol: SYMBOL, side: "buy", type: "limit", qty: ORDERS.qty, price: ORDERS.restingPrice, timeInForce: "GTC" }));
    await waitFor(() => orders.some((e) => e.order.clientOrderId === id && e.order.status === "accepted"), "the accepted order event on the Ed25519 session");
    ok(await ed.execution!.cancel(SYMBOL, id));
    await waitFor(() => orders.some((e) => e.order.clientOrderId === id && e.order.status === "canceled"), "the canceled order event on the Ed25519 session");
    expect(errors).toEqual([]);
  },
});
