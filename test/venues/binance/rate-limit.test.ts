import { afterEach, describe, expect, it } from "vitest";
import type { OrderRequest } from "../../../lib/core/order";
import { ordersPlacedBy, rateLimitRules, WeightLimiter } from "../../../lib/venues/binance/rate-limit";
import { fixture } from "./fixtures";
import { MIN, T0, captureLogger, setup, type Harness, type LogEntry } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const docs = fixture<{ successful_order_response_headers: Record<string, string>; exchangeInfo_rateLimits_live_2021: unknown[] }>("spot_rate_limit_headers_docs");
const errorPayload = (code: number) => fixture<{ http_status: number; body: { code: number; msg: string } }[]>("spot_error_payloads_docs").find((e) => e.body.code === code)!;
const market = (id: string): OrderRequest => ({ clientOrderId: id, symbol: "BTCUSDT", side: "buy", type: "market", qty: 0.5, timeInForce: "GTC" });

/** A limiter on a manual clock whose waits advance that clock. */
function limiter(limitPerMinute = 6000, headroom = 1, maxWaitMs = 60_000) {
  let now = T0;
  const sleeps: number[] = [];
  const logs: LogEntry[] = [];
  const l = new WeightLimiter(limitPerMinute, headroom, () => now, (ms) => {
    sleeps.push(ms);
    now += ms;
    return Promise.resolve();
  }, captureLogger(logs), "binance", maxWaitMs);
  return { l, sleeps, logs, now: () => now, advance: (ms: number) => (now += ms) };
}

describe("Binance rate limits: response headers", () => {
  it("reads every X-MBX-USED-WEIGHT-(n)(l) and X-MBX-ORDER-COUNT-(n)(l) header the docs name", () => {
    const { l } = limiter();
    const names = Object.keys(docs.successful_order_response_headers);
    expect(names).toEqual(["X-MBX-USED-WEIGHT-1M", "X-MBX-ORDER-COUNT-10S", "X-MBX-ORDER-COUNT-1D"]);
    // node lower-cases header names; both spellings are read
    l.onHeaders({ "x-mbx-used-weight-1m": "37", "X-MBX-ORDER-COUNT-10S": "3", "x-mbx-order-count-1d": "12", "x-mbx-used-weight-1h": "400", "x-mbx-used-weight-5s": "2", "retry-after": "9" });
    expect(l.used("REQUEST_WEIGHT", 1, "M")).toBe(37);
    expect(l.used("REQUEST_WEIGHT", 1, "H")).toBe(400);
    expect(l.used("REQUEST_WEIGHT", 5, "S")).toBe(2);
    expect(l.used("ORDERS", 10, "S")).toBe(3);
    expect(l.used("ORDERS", 1, "D")).toBe(12);
  });

  it("keeps the larger weight within a window but takes the venue's order count (fills decrement it)", () => {
    const { l, advance } = limiter();
    l.onHeaders({ "x-mbx-used-weight-1m": "50", "x-mbx-order-count-1d": "10" });
    l.onHeaders({ "x-mbx-used-weight-1m": "20", "x-mbx-order-count-1d": "4" });
    expect(l.usedWeight).toBe(50);
    expect(l.used("ORDERS", 1, "D")).toBe(4);
    advance(MIN);
    expect(l.usedWeight).toBe(0); // a new minute
  });

  it("sets the order-count headers from a loopback venue's real order responses", async () => {
    h = await setup();
    h.server.extraHeaders["X-MBX-USED-WEIGHT-1H"] = "777";
    const r = await h.venue.execution!.submit(market("o-1"));
    expect(r.ok).toBe(true);
    await h.venue.execution!.submit(market("o-2"));
    const lim = h.venue.rest.limiter;
    expect(lim.used("ORDERS", 10, "S")).toBe(2);
    expect(lim.used("ORDERS", 1, "D")).toBe(2);
    expect(lim.used("REQUEST_WEIGHT", 1, "H")).toBe(777);
  });
});

describe("Binance rate limits: exchangeInfo rateLimits", () => {
  it("parses REQUEST_WEIGHT, ORDERS and RAW_REQUESTS and skips the docs example's empty placeholder", () => {
    expect(rateLimitRules([{}, ...docs.exchangeInfo_rateLimits_live_2021, { rateLimitType: "CONNECTIONS", interval: "MINUTE", intervalNum: 1, limit: 5 }])).toEqual([
      { type: "REQUEST_WEIGHT", intervalNum: 1, interval: "M", limit: 1200 },
      { type: "ORDERS", intervalNum: 10, interval: "S", limit: 50 },
      { type: "ORDERS", intervalNum: 1, interval: "D", limit: 160000 },
      { type: "RAW_REQUESTS", intervalNum: 5, interval: "M", limit: 6100 },
    ]);
    expect(() => rateLimitRules([{ rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 0, limit: 50 }])).toThrow(/rateLimits\[0\]\(ORDERS\)\.intervalNum/);
  });

  it("counts the orders each order endpoint places", () => {
    expect(ordersPlacedBy({ method: "POST", path: "/api/v3/order" })).toBe(1);
    expect(ordersPlacedBy({ method: "POST", path: "/api/v3/order/test" })).toBe(0);
    expect(ordersPlacedBy({ method: "DELETE", path: "/api/v3/order" })).toBe(0);
    expect(ordersPlacedBy({ method: "POST", path: "/api/v3/orderList/oco" })).toBe(2);
    expect(ordersPlacedBy({ method: "POST", path: "/api/v3/orderList/otoco" })).toBe(3);
    expect(ordersPlacedBy({ method: "POST", path: "/fapi/v1/order" })).toBe(1);
    expect(ordersPlacedBy({ method: "POST", path: "/fapi/v1/batchOrders", params: { batchOrders: JSON.stringify([{}, {}, {}]) } })).toBe(3);
  });

  it("waits for the RAW_REQUESTS window once its budget is spent", async () => {
    const { l, sleeps } = limiter(6000, 1, 10 * MIN);
    l.configure([{ type: "RAW_REQUESTS", intervalNum: 5, interval: "M", limit: 3 }]);
    for (let i = 0; i < 3; i++) await l.acquire(1);
    expect(sleeps).toEqual([]);
    await l.acquire(1);
    expect(sleeps).toEqual([5 * MIN + 1]); // T0 is a 5-minute boundary
    expect(l.used("RAW_REQUESTS", 5, "M")).toBe(1);
  });

  it("fails fast with RATE_LIMITED when the window is further away than maxWaitMs", async () => {
    const { l, sleeps } = limiter(6000, 1, 60_000);
    l.configure([{ type: "RAW_REQUESTS", intervalNum: 5, interval: "M", limit: 1 }]);
    await l.acquire(1);
    await expect(l.acquire(1)).rejects.toMatchObject({ code: "RATE_LIMITED", retryable: true, details: { rateLimitType: "RAW_REQUESTS", interval: "5M", retryAfterMs: 5 * MIN + 1 } });
    expect(sleeps).toEqual([]);
  });

  it("holds back a new order until the 10-second ORDERS window rolls over, and no other request", async () => {
    h = await setup({ now: T0 + 3000 });
    h.server.rateLimits = docs.exchangeInfo_rateLimits_live_2021;
    expect((await h.venue.execution!.submit(market("o-1"))).ok).toBe(true);
    h.server.extraHeaders["X-MBX-ORDER-COUNT-10S"] = "45"; // budget: 50 * 0.9
    expect((await h.venue.execution!.submit(market("o-2"))).ok).toBe(true);
    const before = h.sleeps.length;
    await h.venue.execution!.balances(); // places no order: not held back
    expect(h.sleeps.length).toBe(before);
    const r = await h.venue.execution!.submit(market("o-3"));
    expect(r.ok).toBe(true);
    expect(h.sleeps.slice(before)).toEqual([10_000 - 3000 + 1]);
    expect(h.server.created.map((o) => o.time)).toEqual([T0 + 3000, T0 + 3000, T0 + 10_001]);
    expect(h.logs.some((e) => e.msg === "rate limit budget reached, waiting for the next window" && e.obj["rateLimitType"] === "ORDERS")).toBe(true);
  });

  it("refuses a new order with RATE_LIMITED when the daily ORDERS limit is reached, without sending it", async () => {
    h = await setup();
    h.server.rateLimits = docs.exchangeInfo_rateLimits_live_2021;
    expect((await h.venue.execution!.submit(market("o-1"))).ok).toBe(true);
    h.server.extraHeaders["X-MBX-ORDER-COUNT-1D"] = "144000"; // budget: 160000 * 0.9
    expect((await h.venue.execution!.submit(market("o-2"))).ok).toBe(true);
    const r = await h.venue.execution!.submit(market("o-3"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: "RATE_LIMITED", retryable: true, details: { rateLimitType: "ORDERS", interval: "1D", limit: 160000, used: 144000 } });
    expect(h.server.created.map((o) => o.clientOrderId)).toEqual(["o-1", "o-2"]);
    await expect(h.venue.execution!.balances()).resolves.toHaveLength(2); // reads go on
  });

  it("still backs off Retry-After on a 429 -1015 (too many new orders) and then places the order once", async () => {
    h = await setup();
    const p = errorPayload(-1015);
    h.server.inject("POST", "/api/v3/order", { kind: "status", status: p.http_status, body: p.body, headers: { "Retry-After": "3" } });
    const r = await h.venue.execution!.submit(market("o-1"));
    expect(r.ok).toBe(true);
    expect(h.sleeps).toContain(3000);
    expect(h.server.created.map((o) => o.clientOrderId)).toEqual(["o-1"]);
  });
});
