import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OrderRequest } from "../../../lib/core/order";
import { alpacaPaperVenue, parseAlpacaConfig, type AlpacaExecution } from "../../../lib/venues/alpaca/index";
import { AlpacaServer, fixture } from "./alpaca-server";
import { testDeps } from "./support";

const KEY = "AKTESTKEYID000000003";
const SECRET = "eXeCsEcReT0123456789abcdefghijklmnopqrs";

let server: AlpacaServer;
beforeEach(async () => {
  server = await AlpacaServer.start(KEY, SECRET);
});
afterEach(async () => {
  await server.close();
});

function setup(over: Record<string, unknown> = {}) {
  const deps = testDeps(Date.parse("2024-03-01T15:00:00Z"));
  const cfg = parseAlpacaConfig({ apiKey: KEY, apiSecret: SECRET, tradingBaseUrl: server.httpUrl, retryBaseMs: 10, requestTimeoutMs: 1000, ...over });
  return { ex: alpacaPaperVenue.createExecution!(cfg, deps) as AlpacaExecution, deps };
}

const limitBuy = (id: string, price = 300.25, qty = 2): OrderRequest => ({ clientOrderId: id, symbol: "AAPL", side: "buy", type: "limit", qty, price, timeInForce: "GTC" });

describe("alpaca order entry", () => {
  it("posts the order with its client order id and decimals as strings", async () => {
    const { ex } = setup();
    const r = await ex.submit(limitBuy("c-1"));
    expect(r.ok).toBe(true);
    expect(server.requests[0]!.body).toEqual({ symbol: "AAPL", qty: "2", side: "buy", type: "limit", time_in_force: "gtc", limit_price: "300.25", client_order_id: "c-1" });
    if (!r.ok) return;
    expect(r.value).toMatchObject({ clientOrderId: "c-1", symbol: "AAPL", status: "submitted", qty: 2, price: 300.25, filledQty: 0, timeInForce: "GTC" });
    expect(r.value.venueOrderId).toBe(server.byClientId("c-1")!.id);
  });

  it("sends fractional quantities as day orders, as Alpaca requires", async () => {
    const { ex } = setup();
    await ex.submit({ clientOrderId: "c-frac", symbol: "AAPL", side: "buy", type: "market", qty: 0.123456789, timeInForce: "GTC" });
    expect(server.requests[0]!.body).toMatchObject({ qty: "0.123456789", time_in_force: "day", type: "market" });
    expect(server.requests[0]!.body.limit_price).toBeUndefined();
  });

  it("after a timeout finds the order by client order id instead of sending it again", async () => {
    server.faults.push({ route: "POST /v2/orders", hang: true, apply: true });
    const { ex } = setup({ requestTimeoutMs: 150 });
    const r = await ex.submit(limitBuy("c-timeout"));
    expect(r.ok).toBe(true);
    expect(server.orders.size).toBe(1);
    expect(server.count("POST /v2/orders")).toBe(1);
    expect(server.count("GET /v2/orders:by_client_order_id")).toBe(1);
  });

  it("resends after a 503 that created nothing, and ends with exactly one order", async () => {
    server.faults.push({ route: "POST /v2/orders", status: 503, body: '{"code":50310000,"message":"service unavailable"}' });
    const { ex, deps } = setup();
    const r = await ex.submit(limitBuy("c-503"));
    expect(r.ok).toBe(true);
    expect(server.orders.size).toBe(1);
    expect(server.count("POST /v2/orders")).toBe(2);
    expect(deps.sleeps.length).toBeGreaterThan(0);
  });

  it("returns the existing order when a 500 arrived after the venue had created it", async () => {
    server.faults.push({ route: "POST /v2/orders", status: 500, apply: true });
    const { ex } = setup();
    const r = await ex.submit(limitBuy("c-500"));
    expect(r.ok && r.value.clientOrderId).toBe("c-500");
    expect(server.count("POST /v2/orders")).toBe(1);
    expect(server.orders.size).toBe(1);
  });

  it("treats a resubmitted client order id as the same order (422 client_order_id must be unique)", async () => {
    const { ex } = setup();
    const first = await ex.submit(limitBuy("c-dup"));
    const second = await ex.submit(limitBuy("c-dup"));
    expect(second.ok).toBe(true);
    expect(first.ok && second.ok && second.value.venueOrderId === first.value.venueOrderId).toBe(true);
    expect(server.orders.size).toBe(1);
  });

  it("waits for the rate-limit reset after a 429 and resends", async () => {
    const reset = Math.floor(Date.parse("2024-03-01T15:00:00Z") / 1000) + 2;
    server.faults.push({ route: "POST /v2/orders", status: 429, body: '{"code":42910000,"message":"rate limit exceeded"}', headers: { "x-ratelimit-reset": String(reset) } });
    const { ex, deps } = setup();
    const r = await ex.submit(limitBuy("c-429"));
    expect(r.ok).toBe(true);
    expect(deps.sleeps).toContain(2000);
    expect(server.count("GET /v2/orders:by_client_order_id")).toBe(0);
    expect(server.orders.size).toBe(1);
  });

  it("maps the sub-penny 422 to FILTER_REJECTED naming the field and the price", async () => {
    const { ex } = setup();
    const r = await ex.submit(limitBuy("c-subpenny", 290.123));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("FILTER_REJECTED");
    expect(r.error.retryable).toBe(false);
    expect(r.error.details).toMatchObject({ status: 422, alpacaCode: 42210000, filter: "PRICE_TICK", field: "limit_price", price: 290.123 });
    expect(r.error.message).toContain(fixture("trading_v2_order_error_422_subpenny.json")[0].message);
    expect(server.count("POST /v2/orders")).toBe(1);
  });

  it("rejects insufficient buying power (403) as ORDER_REJECTED without retrying", async () => {
    server.faults.push({ route: "POST /v2/orders", status: 403, body: '{"code":40310000,"message":"insufficient buying power"}' });
    const { ex } = setup();
    const r = await ex.submit(limitBuy("c-403"));
    expect(!r.ok && r.error.code).toBe("ORDER_REJECTED");
    expect(server.count("POST /v2/orders")).toBe(1);
  });

  it("refuses an invalid request before any network call", async () => {
    const { ex } = setup();
    const r = await ex.submit({ ...limitBuy("c-bad"), qty: -1 });
    expect(!r.ok && r.error.code).toBe("ORDER_INVALID");
    expect(server.requests).toHaveLength(0);
  });

  it("checks reduce-only orders against the live position", async () => {
    const { ex } = setup();
    const sell = (id: string, qty: number): OrderRequest => ({ clientOrderId: id, symbol: "AAPL", side: "sell", type: "market", qty, timeInForce: "GTC", reduceOnly: true });
    const tooBig = await ex.submit(sell("c-ro-1", 6));
    expect(!tooBig.ok && tooBig.error.code).toBe("ORDER_REJECTED");
    const fits = await ex.submit(sell("c-ro-2", 5));
    expect(fits.ok).toBe(true);
    expect(server.orders.size).toBe(1);
  });
});

describe("alpaca order queries", () => {
  it("cancels by client order id and returns the canceled order", async () => {
    const { ex } = setup();
    await ex.submit(limitBuy("c-cancel"));
    const r = await ex.cancel("AAPL", "c-cancel");
    expect(r.ok && r.value.status).toBe("canceled");
    expect(server.count(`DELETE /v2/orders/${server.byClientId("c-cancel")!.id}`)).toBe(1);
  });

  it("returns a filled order from cancel without sending a cancel request", async () => {
    const { ex } = setup();
    await ex.submit(limitBuy("c-filled"));
    server.fill("c-filled", 2, 300.2);
    const r = await ex.cancel("AAPL", "c-filled");
    expect(r.ok && r.value).toMatchObject({ status: "filled", filledQty: 2, avgPrice: 300.2 });
    expect(server.requests.some((q) => q.method === "DELETE")).toBe(false);
  });

  it("answers ORDER_NOT_FOUND for an unknown client order id", async () => {
    const { ex } = setup();
    const r = await ex.getOrder("AAPL", "nope");
    expect(!r.ok && [r.error.code, r.error.retryable]).toEqual(["ORDER_NOT_FOUND", false]);
  });

  it("lists open orders, positions, balances and the market clock from the recorded payloads", async () => {
    const { ex } = setup();
    await ex.submit(limitBuy("c-open"));
    expect((await ex.openOrders("AAPL")).map((o) => o.clientOrderId)).toEqual(["c-open"]);
    expect(await ex.positions()).toEqual([{ symbol: "AAPL", qty: 5, avgPrice: 100 }]);
    expect(await ex.balances()).toEqual([{ asset: "USD", free: 0, locked: 0 }]);
    server.account = fixture("trading_v2_account_docs.json");
    server.account.cash = "5000.5";
    server.account.buying_power = "4000";
    expect(await ex.balances()).toEqual([{ asset: "USD", free: 4000, locked: 1000.5 }]);
    expect(await ex.marketClock()).toEqual({
      ts: Date.parse("2022-04-28T18:07:04.451Z"),
      isOpen: true,
      nextOpen: Date.parse("2022-04-29T13:30:00Z"),
      nextClose: Date.parse("2022-04-28T20:00:00Z"),
    });
  });

  it("trims the documented position's padded symbol and signs short positions", async () => {
    server.positions = [fixture("trading_v2_position_docs.json"), { ...fixture("trading_v2_positions.json")[0], symbol: "TSLA", side: "short", qty: "-3", avg_entry_price: "250.5" }];
    const { ex } = setup();
    expect(await ex.positions()).toEqual([
      { symbol: "AAPL", qty: 5, avgPrice: 100 },
      { symbol: "TSLA", qty: -3, avgPrice: 250.5 },
    ]);
  });

  it("parses the recorded order list, numeric SDK fields included", async () => {
    server.orders.set("x", fixture("trading_v2_orders_list.json")[0]);
    server.orders.set("y", fixture("trading_v2_order_limit_new.json"));
    const { ex } = setup();
    const open = await ex.openOrders();
    expect(open.map((o) => [o.symbol, o.status, o.qty])).toEqual([
      ["AAPL`", "submitted", 1],
      ["SPY", "accepted", 1],
    ]);
  });
});
