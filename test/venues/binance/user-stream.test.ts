import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import type { FillEvent, OrderEvent } from "../../../lib/core/events";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { binanceConfigSchema } from "../../../lib/venues/binance/config";
import { TEST_ED25519_PRIVATE_KEY, TEST_RSA_PRIVATE_KEY } from "./keys";
import { API_SECRET, T0, credentials, setup, until, type Harness, type KeyType } from "./harness";

let h: Harness | undefined;
let sub: Subscription | undefined;
afterEach(async () => {
  await sub?.close();
  await h?.close();
  sub = undefined;
  h = undefined;
});

const report = (over: Record<string, unknown>) => ({
  e: "executionReport", E: T0, s: "BTCUSDT", c: "w-1", S: "BUY", o: "LIMIT", f: "GTC", q: "1.00000000", p: "100.00000000", P: "0", F: "0", g: -1, C: "",
  x: "NEW", X: "NEW", r: "NONE", i: 77, l: "0", z: "0", L: "0", n: "0", N: null, T: T0, t: -1, v: 3, I: 1, w: true, m: false, M: false, O: T0, Z: "0", Y: "0", Q: "0", W: T0, V: "NONE",
  ...over,
});

async function listen(hh: Harness) {
  const orders: OrderEvent[] = [];
  const fills: FillEvent[] = [];
  const errors: Error[] = [];
  const states: string[] = [];
  sub = await hh.venue.execution!.subscribe({ onOrder: (e) => orders.push(e), onFill: (e) => fills.push(e), onError: (e) => errors.push(e), onConnection: (e) => states.push(e.state) });
  await until(() => hh.server.userConnections === 1, "user data subscription");
  return { orders, fills, errors, states };
}

const methods = (hh: Harness) => hh.server.wsApi.requests.map((r) => r.method);

/** A resting order filled at the venue while the adapter was not listening. */
function fillDuringGap(hh: Harness, cid: string, tradeId: number): void {
  const o = hh.server.orders.get(cid)!;
  Object.assign(o, { status: "FILLED", executedQty: "0.25000000", cummulativeQuoteQty: "22.50000000", updateTime: hh.server.serverNow() });
  hh.server.trades.push({ symbol: "BTCUSDT", id: tradeId, orderId: o.orderId, price: "90.00000000", qty: "0.25000000", commission: "0.0225", commissionAsset: "USDT", time: hh.server.serverNow(), isBuyer: true, isMaker: true });
}

const limit = (id: string) => ({ clientOrderId: id, symbol: "BTCUSDT", side: "buy" as const, type: "limit" as const, qty: 0.25, price: 90, timeInForce: "GTC" as const });

describe("Binance user data stream over the WebSocket API: authentication", () => {
  const cases: [KeyType, string[]][] = [
    ["hmac", ["userDataStream.subscribe.signature"]],
    ["rsa", ["userDataStream.subscribe.signature"]],
    ["ed25519", ["session.logon", "userDataStream.subscribe"]],
  ];
  for (const [keyType, expected] of cases) {
    it(`subscribes with a ${keyType} key (${expected.join(" + ")}) and delivers the wrapped events`, async () => {
      h = await setup({ keyType });
      const { orders } = await listen(h);
      expect(methods(h)).toEqual(expected);
      const signed = h.server.wsApi.requests[0]!.params;
      expect(Object.keys(signed).sort()).toEqual(["apiKey", "recvWindow", "timestamp"]);
      expect(signed.apiKey).toBe(credentials(keyType).account.apiKey);
      h.server.pushUserEvent(report({}));
      await until(() => orders.length === 1, "order event");
      expect(orders[0]!.order).toMatchObject({ clientOrderId: "w-1", status: "accepted" });
      // the REST side signs with the same key type
      expect((await h.venue.execution!.openOrders("BTCUSDT")).length).toBe(0);
    });
  }

  it("uses userDataStream.subscribe.signature for an Ed25519 key when userStreamAuth says signature", async () => {
    h = await setup({ keyType: "ed25519", cfg: { ...credentials("ed25519").cfg, userStreamAuth: "signature" } });
    await listen(h);
    expect(methods(h)).toEqual(["userDataStream.subscribe.signature"]);
  });

  it("fails the subscription with VENUE_AUTH when the venue rejects the signature (wrong key)", async () => {
    h = await setup({ keyType: "ed25519", cfg: { ...credentials("ed25519").cfg, apiSecret: TEST_RSA_PRIVATE_KEY, keyType: "rsa" } });
    await expect(h.venue.execution!.subscribe({})).rejects.toMatchObject({ code: "VENUE_AUTH", details: { binanceCode: -1022, endpoint: "ws-api userDataStream.subscribe.signature" } });
    expect(h.server.wsApi.connections).toBe(0);
  });

  it("maps the documented error envelope and resyncs the clock on -1021 before subscribing again", async () => {
    h = await setup();
    h.server.wsApi.faults.push({ method: "userDataStream.subscribe.signature", answer: { status: 400, error: { code: -1021, msg: "Timestamp for this request is outside of the recvWindow." } } });
    await listen(h);
    expect(methods(h)).toEqual(["userDataStream.subscribe.signature", "userDataStream.subscribe.signature"]);
    expect(h.server.count("GET", "/api/v3/time")).toBeGreaterThanOrEqual(2);
  });
});

describe("Binance WebSocket API requests", () => {
  it("feeds the REQUEST_WEIGHT count of rateLimits to the weight limiter shared with REST", async () => {
    h = await setup();
    h.server.wsApi.reportedWeight = 4321;
    await listen(h);
    expect(h.venue.rest.limiter.usedWeight).toBe(4321);
  });

  it("maps a 418 answer to IP_BANNED and bans the shared limiter until retryAfter", async () => {
    h = await setup();
    const retryAfter = h.server.serverNow() + 120_000;
    h.server.wsApi.faults.push({ method: "userDataStream.subscribe.signature", answer: { status: 418, error: { code: -1003, msg: `Way too much request weight used; IP banned until ${retryAfter}.`, data: { serverTime: h.server.serverNow(), retryAfter } } } });
    await expect(h.venue.execution!.subscribe({})).rejects.toMatchObject({ code: "IP_BANNED", details: { binanceCode: -1003, httpStatus: 418 } });
    expect(h.venue.rest.limiter.banRemainingMs()).toBeGreaterThan(100_000);
  });

  it("times out a request that gets no answer (VENUE_TIMEOUT, outcome unknown)", async () => {
    h = await setup();
    h.server.wsApi.unanswered.add("userDataStream.subscribe.signature");
    await expect(h.venue.execution!.subscribe({})).rejects.toMatchObject({ code: "VENUE_TIMEOUT", details: { outcomeUnknown: true, endpoint: "ws-api userDataStream.subscribe.signature" } });
  });
});

describe("Binance user data stream over the WebSocket API: gaps", () => {
  it("after eventStreamTerminated, subscribes again on the same connection and backfills the gap once", async () => {
    h = await setup();
    const { fills, states } = await listen(h);
    expect((await h.venue.execution!.submit(limit("g-1"))).ok).toBe(true);
    fillDuringGap(h, "g-1", 9101);
    h.server.wsApi.terminateSubscriptions();
    await until(() => states.includes("reconnected") && fills.length === 1, "resubscribed and backfilled");
    expect(h.server.wsApi.connections).toBe(1);
    expect(methods(h)).toEqual(["userDataStream.subscribe.signature", "userDataStream.subscribe.signature"]);
    expect(states).toEqual(["connected", "disconnected", "reconnected"]);
    h.server.pushUserEvent(report({ c: "g-1", x: "TRADE", X: "FILLED", t: 9101, l: "0.25", z: "0.25", L: "90", Z: "22.5", n: "0.0225", N: "USDT", m: true }));
    await new Promise((r) => setTimeout(r, 50));
    expect(fills.map((f) => f.fill.tradeId)).toEqual(["9101"]);
  });

  it("on serverShutdown reconnects at once (no backoff), subscribes again and backfills", async () => {
    // A 20 s reconnect backoff: only an immediate reconnect can pass this test.
    h = await setup({ keyType: "ed25519", cfg: { ...credentials("ed25519").cfg, reconnect: { initialMs: 20_000, maxMs: 20_000 } } });
    const { fills, states } = await listen(h);
    expect((await h.venue.execution!.submit(limit("s-1"))).ok).toBe(true);
    fillDuringGap(h, "s-1", 9201);
    h.server.wsApi.announceShutdown();
    await until(() => states.includes("reconnected") && fills.length === 1, "reconnected after serverShutdown", 3000);
    expect(methods(h)).toEqual(["session.logon", "userDataStream.subscribe", "session.logon", "userDataStream.subscribe"]);
    expect(h.server.wsApi.connections).toBe(1);
    expect(fills[0]!.fill).toMatchObject({ clientOrderId: "s-1", tradeId: "9201", qty: 0.25, price: 90 });
  });

  it("before the 24 h limit (wsMaxConnectionAgeMs) subscribes on a new connection first, then closes the old one: no gap", async () => {
    h = await setup({ cfg: { wsMaxConnectionAgeMs: 1000, reconnect: { initialMs: 20_000, maxMs: 20_000 } } });
    const { orders, fills, states } = await listen(h);
    await until(() => methods(h!).includes("userDataStream.unsubscribe") && h!.server.wsApi.connections === 1, "switched connections", 4000);
    expect(methods(h).slice(0, 3)).toEqual(["userDataStream.subscribe.signature", "userDataStream.subscribe.signature", "userDataStream.unsubscribe"]);
    expect(states).toEqual(["connected"]);
    h.server.pushUserEvent(report({ c: "r-1", x: "TRADE", X: "FILLED", t: 9301, l: "1", z: "1", L: "100", Z: "100", n: "0.1", N: "USDT" }));
    await until(() => fills.length === 1 && orders.length === 1, "event on the new connection");
    await new Promise((r) => setTimeout(r, 50));
    expect(fills.map((f) => f.fill.tradeId)).toEqual(["9301"]);
  });

  it("while both connections are subscribed, an event seen on each is applied once", async () => {
    h = await setup({ cfg: { wsMaxConnectionAgeMs: 1000 } });
    const { fills } = await listen(h);
    // Hold the old connection's unsubscribe so the overlap lasts: both subscriptions get the event.
    h.server.wsApi.unanswered.add("userDataStream.unsubscribe");
    await until(() => h!.server.wsApi.subscriptions === 2, "two subscriptions", 4000);
    h.server.pushUserEvent(report({ c: "r-2", x: "TRADE", X: "FILLED", t: 9401, l: "1", z: "1", L: "100", Z: "100", n: "0.1", N: "USDT" }));
    await until(() => fills.length >= 1, "fill");
    await new Promise((r) => setTimeout(r, 100));
    expect(fills.map((f) => f.fill.tradeId)).toEqual(["9401"]);
  });

  it("unsubscribes when the last subscriber closes", async () => {
    h = await setup();
    await listen(h);
    await sub!.close();
    sub = undefined;
    expect(methods(h)).toEqual(["userDataStream.subscribe.signature", "userDataStream.unsubscribe"]);
    await until(() => h!.server.wsApi.connections === 0, "closed");
  });
});

describe("Binance credentials on the WebSocket API never reach logs or errors", () => {
  for (const keyType of ["hmac", "rsa", "ed25519"] as const) {
    it(`masks the ${keyType} key, the private key text and every signature`, async () => {
      h = await setup({ keyType });
      const { states, errors } = await listen(h);
      h.server.sendUserRaw("]]");
      h.server.wsApi.faults.push({ method: h.server.wsApi.requests[0]!.method, answer: { status: 400, error: { code: -1022, msg: "Signature for this request is not valid." } } });
      h.server.dropUserSockets();
      await until(() => states.includes("disconnected"), "disconnect");
      await until(() => h!.server.userConnections === 1, "resubscribed after a refused attempt", 4000);
      const cfg = binanceConfigSchema.parse(credentials(keyType).cfg);
      expect(errors.map((e) => (e as { code?: string }).code)).toEqual(expect.arrayContaining(["PARSE_ERROR", "VENUE_AUTH"]));
      const text = [JSON.stringify(h.logs), ...errors.map((e) => `${e.message} ${inspect(e, { depth: 8 })}`), inspect(cfg), JSON.stringify(cfg), String(cfg.apiSecret)].join("\n");
      expect(h.logs.length).toBeGreaterThan(3);
      const secretLines = [API_SECRET, ...TEST_RSA_PRIVATE_KEY.split("\n"), ...TEST_ED25519_PRIVATE_KEY.split("\n")].filter((l) => l.length > 20 && !l.startsWith("-----"));
      for (const secret of [credentials(keyType).account.apiKey, ...secretLines, ...h.server.wsApi.signatures]) expect(text).not.toContain(secret);
    });
  }
});
