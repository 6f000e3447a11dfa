import { afterEach, describe, expect, it } from "vitest";
import type { FillEvent, OrderEvent } from "../../../lib/core/events";
import type { OrderRequest } from "../../../lib/core/order";
import type { ExecutionPort } from "../../../lib/core/ports/execution.port";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { T0, setup, until, type Harness } from "./harness";

let h: Harness | undefined;
let sub: Subscription | undefined;
afterEach(async () => {
  await sub?.close();
  await h?.close();
  sub = undefined;
  h = undefined;
});

const market = (id: string, qty = 0.5): OrderRequest => ({ clientOrderId: id, symbol: "BTCUSDT", side: "buy", type: "market", qty, timeInForce: "GTC" });
const limit = (id: string, price: number): OrderRequest => ({ clientOrderId: id, symbol: "BTCUSDT", side: "buy", type: "limit", qty: 0.25, price, timeInForce: "GTC" });

function exec(hh: Harness): ExecutionPort {
  return hh.venue.execution!;
}

describe("Binance order entry", () => {
  it("places a signed market order with the client order id and returns it filled with its fills", async () => {
    h = await setup();
    const fills: FillEvent[] = [];
    sub = await exec(h).subscribe({ onFill: (f) => fills.push(f) });
    const r = await exec(h).submit(market("c-1"));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ clientOrderId: "c-1", status: "filled", filledQty: 0.5, avgPrice: 100, type: "market", side: "buy" });
    const post = h.server.requests.find((q) => q.method === "POST" && q.path === "/api/v3/order")!;
    expect([post.query.get("newClientOrderId"), post.query.get("quantity"), post.query.get("recvWindow"), post.query.has("signature")]).toEqual(["c-1", "0.5", "5000", true]);
    // the commission of a buy is in the base asset: 0.1% of 0.5 BTC
    expect(fills.map((f) => [f.fill.clientOrderId, f.fill.qty, f.fill.price, f.fill.fee, f.fill.feeAsset, f.fill.feeFromBase, f.fill.tradeId])).toEqual([["c-1", 0.5, 100, 0.0005, "BTC", true, "5001"]]);
  });

  it("floors the quantity to the step and rounds the price to the passive side of the tick", async () => {
    h = await setup();
    await exec(h).submit({ ...limit("c-r", 99.123456), qty: 0.1234567 });
    await exec(h).submit({ ...limit("c-s", 99.123456), side: "sell", qty: 0.3 });
    const posts = h.server.requests.filter((q) => q.method === "POST" && q.path === "/api/v3/order");
    expect(posts.map((p) => [p.query.get("side"), p.query.get("quantity"), p.query.get("price"), p.query.get("timeInForce")])).toEqual([
      ["BUY", "0.12345", "99.12", "GTC"],
      ["SELL", "0.3", "99.13", "GTC"],
    ]);
  });

  it("reports an IOC limit that cannot fill at once as expired, as the venue answers it", async () => {
    h = await setup();
    const r = await exec(h).submit({ ...limit("c-ioc", 90), timeInForce: "IOC" });
    expect(r.ok && [r.value.status, r.value.filledQty]).toEqual(["expired", 0]);
    expect(await exec(h).openOrders("BTCUSDT")).toEqual([]);
  });

  it("returns the venue's -1013 filter failure for a quantity below the lot size, not a rounded order", async () => {
    h = await setup();
    const r = await exec(h).submit({ ...limit("c-tiny", 99), qty: 0.000001 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.message).toContain("Filter failure: LOT_SIZE");
    expect(h.server.created.map((o) => o.clientOrderId)).not.toContain("c-tiny");
  });

  it("lists, queries and cancels a resting limit order; cancelling again reports it canceled, an unknown id is ORDER_NOT_FOUND", async () => {
    h = await setup();
    expect((await exec(h).submit(limit("c-2", 90))).ok).toBe(true);
    expect((await exec(h).openOrders("BTCUSDT")).map((o) => [o.clientOrderId, o.status, o.price])).toEqual([["c-2", "accepted", 90]]);
    const q = await exec(h).getOrder("BTCUSDT", "c-2");
    expect(q.ok && q.value.status).toBe("accepted");
    const c = await exec(h).cancel("BTCUSDT", "c-2");
    expect(c.ok && [c.value.clientOrderId, c.value.status, c.value.price]).toEqual(["c-2", "canceled", 90]);
    expect(h.server.cancels.map((x) => x.origClientOrderId)).toEqual(["c-2"]);
    expect(h.server.cancels[0]!.clientOrderId).not.toBe("c-2"); // the venue answered with its own cancel id
    expect(await exec(h).openOrders()).toEqual([]);
    const again = await exec(h).cancel("BTCUSDT", "c-2");
    expect(again.ok).toBe(true); // the order is canceled: reporting its state is the idempotent answer
    const unknown = await exec(h).cancel("BTCUSDT", "nope");
    expect(!unknown.ok && [unknown.error.code, unknown.error.details.binanceCode]).toEqual(["ORDER_NOT_FOUND", -2011]);
  });

  it("returns invalid requests as ORDER_INVALID without calling the venue", async () => {
    h = await setup();
    const r = await exec(h).submit({ ...market("c-bad"), qty: -1 });
    expect(!r.ok && r.error.code).toBe("ORDER_INVALID");
    expect(h.server.count("POST", "/api/v3/order")).toBe(0);
  });

  it("returns the existing order when the venue answers -2010 Duplicate order sent", async () => {
    h = await setup();
    await exec(h).submit(limit("c-dup", 90));
    const r = await exec(h).submit(limit("c-dup", 90));
    expect(r.ok && [r.value.clientOrderId, r.value.status]).toEqual(["c-dup", "accepted"]);
    expect(h.server.created.length).toBe(1);
  });

  it("reports balances and spot holdings as positions", async () => {
    h = await setup();
    expect(await exec(h).balances()).toEqual([
      { asset: "BTC", free: 4723846.89208129, locked: 0 },
      { asset: "LTC", free: 4763368.68006011, locked: 0 },
    ]);
    expect(await exec(h).positions()).toEqual([
      { symbol: "BTCUSDT", qty: 4723846.89208129 },
      { symbol: "LTCUSDT", qty: 4763368.68006011 },
    ]);
  });
});

describe("Binance order entry under faults: never a duplicate order", () => {
  it("a timeout after the venue executed: finds the order by client id and does not resend", async () => {
    h = await setup();
    h.server.inject("POST", "/api/v3/order", { kind: "process-then-hang" });
    const r = await exec(h).submit(market("c-t1"));
    expect(r.ok && r.value.status).toBe("filled");
    expect(h.server.count("POST", "/api/v3/order")).toBe(1);
    expect(h.server.created.length).toBe(1);
  });

  it("a 5xx after the venue executed: finds the order, does not resend", async () => {
    h = await setup();
    h.server.inject("POST", "/api/v3/order", { kind: "process-then-status", status: 503, body: { code: -1000, msg: "Unknown error, please check your request or try again later." } });
    const r = await exec(h).submit(market("c-t2"));
    expect(r.ok && r.value.clientOrderId).toBe("c-t2");
    expect(h.server.count("POST", "/api/v3/order")).toBe(1);
    expect(h.server.created.length).toBe(1);
  });

  it("a 5xx before execution: believes absence only after repeated lookups past timestamp + recvWindow and a clean myTrades, and never resends", async () => {
    h = await setup();
    h.server.inject("POST", "/api/v3/order", { kind: "status", status: 502, body: "<html>Bad Gateway</html>" });
    const t0 = h.clock.now();
    const r = await exec(h).submit(market("c-t3"));
    expect(!r.ok && [r.error.code, r.error.details.orderAbsent, r.error.details.outcomeUnknown]).toEqual(["VENUE_UNAVAILABLE", true, false]);
    expect(h.server.count("POST", "/api/v3/order")).toBe(1);
    expect(h.server.count("GET", "/api/v3/order")).toBe(4);
    expect(h.server.count("GET", "/api/v3/myTrades")).toBe(1);
    expect(h.clock.now() - t0).toBeGreaterThanOrEqual(5000 + 2000); // recvWindow + grace
    expect(h.server.created.length).toBe(0);
  });

  it("reports ORDER_OUTCOME_UNKNOWN when the order cannot be looked up, without resending", async () => {
    h = await setup({ cfg: { maxRetries: 1 } });
    h.server.inject("POST", "/api/v3/order", { kind: "hang" });
    h.server.inject("GET", "/api/v3/order", { kind: "hang" }, 20);
    const r = await exec(h).submit(market("c-t4"));
    expect(!r.ok && [r.error.code, r.error.details.outcomeUnknown, r.error.details.clientOrderId]).toEqual(["ORDER_OUTCOME_UNKNOWN", true, "c-t4"]);
    expect(h.server.count("POST", "/api/v3/order")).toBe(1);
  });
});

describe("Binance user data stream", () => {
  const report = (over: Record<string, unknown>) => ({
    e: "executionReport", E: T0, s: "BTCUSDT", c: "u-1", S: "BUY", o: "LIMIT", f: "GTC", q: "1.00000000", p: "100.00000000", P: "0", F: "0", g: -1, C: "",
    x: "NEW", X: "NEW", r: "NONE", i: 77, l: "0", z: "0", L: "0", n: "0", N: null, T: T0, t: -1, v: 3, I: 1, w: true, m: false, M: false, O: T0, Z: "0", Y: "0", Q: "0", W: T0, V: "NONE",
    ...over,
  });
  const trade = (t: number, l: string, z: string, X: string, T: number) => report({ x: "TRADE", X, t, l, z, L: "100.00000000", Z: String(Number(z) * 100), n: "0.01", N: "USDT", T, E: T, m: true });

  async function listen(hh: Harness) {
    const orders: OrderEvent[] = [];
    const fills: FillEvent[] = [];
    const errors: Error[] = [];
    const states: string[] = [];
    sub = await exec(hh).subscribe({ onOrder: (e) => orders.push(e), onFill: (e) => fills.push(e), onError: (e) => errors.push(e), onConnection: (e) => states.push(e.state) });
    await until(() => hh.server.userConnections === 1, "user stream");
    return { orders, fills, errors, states };
  }

  it("subscribes over the WebSocket API, applies duplicate and out-of-order events once, and never moves an order backwards", async () => {
    h = await setup();
    const { orders, fills } = await listen(h);
    expect(h.server.wsApi.requests.map((r) => r.method)).toEqual(["userDataStream.subscribe.signature"]);
    h.server.pushUserEvent(report({}));
    h.server.pushUserEvent(trade(2, "0.6", "1.0", "FILLED", T0 + 2)); // arrives before the first partial
    h.server.pushUserEvent(trade(1, "0.4", "0.4", "PARTIALLY_FILLED", T0 + 1));
    h.server.pushUserEvent(trade(2, "0.6", "1.0", "FILLED", T0 + 2)); // duplicate
    h.server.pushUserEvent(report({})); // stale NEW replayed
    h.server.pushUserEvent({ e: "outboundAccountPosition", E: T0 + 3, u: T0 + 3, B: [{ a: "USDT", f: "900", l: "0" }] });
    await until(() => fills.length === 2, "two fills");
    await new Promise((r) => setTimeout(r, 50));
    expect(fills.map((f) => [f.fill.tradeId, f.fill.qty, f.fill.liquidity, f.fill.clientOrderId])).toEqual([
      ["2", 0.6, "maker", "u-1"],
      ["1", 0.4, "maker", "u-1"],
    ]);
    expect(orders.map((o) => [o.order.status, o.order.filledQty])).toEqual([
      ["accepted", 0],
      ["filled", 1],
    ]);
  });

  it("reports a malformed event with its raw text and keeps the stream going", async () => {
    h = await setup();
    const { orders, errors } = await listen(h);
    h.server.pushUserEvent({ ...report({}), z: "lots" });
    h.server.sendUserRaw("]]");
    h.server.pushUserEvent(report({ c: "u-2" }));
    await until(() => orders.length === 1 && errors.length === 2, "error then good event");
    expect((errors[0] as unknown as { code: string; details: { raw: string } }).code).toBe("PARSE_ERROR");
    expect((errors[0] as unknown as { details: { raw: string } }).details.raw).toContain('"z":"lots"');
    expect(orders[0]!.order.clientOrderId).toBe("u-2");
  });

  it("after a dropped connection, subscribes again and recovers a fill made during the gap from myTrades, once", async () => {
    h = await setup();
    const { fills, states } = await listen(h);
    const r = await exec(h).submit(limit("u-3", 90)); // rests
    expect(r.ok).toBe(true);
    h.server.dropUserSockets();
    await until(() => states.includes("disconnected"), "disconnect");
    // While away the order fills at the venue.
    const o = h.server.orders.get("u-3")!;
    Object.assign(o, { status: "FILLED", executedQty: "0.25000000", cummulativeQuoteQty: "22.50000000", updateTime: h.server.serverNow() });
    h.server.trades.push({ symbol: "BTCUSDT", id: 9001, orderId: o.orderId, price: "90.00000000", qty: "0.25000000", commission: "0.0225", commissionAsset: "USDT", time: h.server.serverNow(), isBuyer: true, isMaker: true });
    await until(() => states.includes("reconnected") && fills.length === 1, "reconciled fill");
    expect(h.server.wsApi.requests.filter((q) => q.method === "userDataStream.subscribe.signature").length).toBe(2);
    expect(fills[0]!.fill).toMatchObject({ clientOrderId: "u-3", tradeId: "9001", qty: 0.25, price: 90, requestedPrice: 90, slippageCost: 0, liquidity: "maker" });
    h.server.pushUserEvent(trade(9001, "0.25", "0.25", "FILLED", T0)); // the stream's late copy
    await new Promise((r2) => setTimeout(r2, 50));
    expect(fills.length).toBe(1);
  });
});
