import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TradelabError } from "../../../lib/core/errors";
import type { ConnectionEvent, FillEvent, OrderEvent } from "../../../lib/core/events";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { alpacaPaperVenue, parseAlpacaConfig } from "../../../lib/venues/alpaca/index";
import { AlpacaServer, fixture } from "./alpaca-server";
import { testDeps, until } from "./support";

const KEY = "AKTESTKEYID000000004";
const SECRET = "tRaDeSeCrEt0123456789abcdefghijklmnopqr";

let server: AlpacaServer;
let sub: Subscription | undefined;
beforeEach(async () => {
  server = await AlpacaServer.start(KEY, SECRET);
});
afterEach(async () => {
  await sub?.close();
  sub = undefined;
  await server.close();
});

function setup(secret = SECRET) {
  const deps = testDeps(Date.parse("2024-03-01T15:00:00Z"));
  const cfg = parseAlpacaConfig({ apiKey: KEY, apiSecret: secret, tradingBaseUrl: server.httpUrl, tradingStreamUrl: `${server.wsUrl}/stream`, retryBaseMs: 10 });
  const ex = alpacaPaperVenue.createExecution!(cfg, deps);
  const orders: OrderEvent[] = [];
  const fills: FillEvent[] = [];
  const conns: ConnectionEvent[] = [];
  const errors: TradelabError[] = [];
  const handlers = {
    onOrder: (e: OrderEvent) => orders.push(e),
    onFill: (e: FillEvent) => fills.push(e),
    onConnection: (e: ConnectionEvent) => conns.push(e),
    onError: (e: Error) => errors.push(e as TradelabError),
  };
  return { ex, orders, fills, conns, errors, handlers };
}

describe("alpaca trade_updates stream", () => {
  it("authenticates, listens and turns new / partial_fill / fill updates into order and fill events", async () => {
    const { ex, orders, fills, handlers } = setup();
    sub = await ex.subscribe(handlers);
    expect(server.tradingInbox[0]).toEqual({ action: "authenticate", data: { key_id: KEY, secret_key: SECRET } });
    expect(server.tradingInbox[1]).toEqual({ action: "listen", data: { streams: ["trade_updates"] } });

    await ex.submit({ clientOrderId: "t-1", symbol: "AAPL", side: "buy", type: "limit", qty: 10, price: 150, timeInForce: "GTC" });
    await until(() => orders.length === 1, "new event");
    server.fill("t-1", 4, 149.98, "e-1");
    server.fill("t-1", 6, 149.99, "e-2");
    await until(() => fills.length === 2 && orders.length === 3, "fills");

    expect(orders.map((o) => [o.order.status, o.order.filledQty])).toEqual([
      ["accepted", 0],
      ["partially_filled", 4],
      ["filled", 10],
    ]);
    expect(fills.map((f) => [f.fill.qty, f.fill.price, f.fill.tradeId, f.fill.side, f.fill.requestedPrice])).toEqual([
      [4, 149.98, "e-1", "buy", 150],
      [6, 149.99, "e-2", "buy", 150],
    ]);
    expect(fills[0]!.fill.slippageCost).toBeCloseTo(-0.08, 9);
  });

  it("parses the recorded fill update", async () => {
    const { ex, orders, fills, handlers } = setup();
    sub = await ex.subscribe(handlers);
    server.pushTrading(fixture("trade_updates_fill_docs.json"));
    await until(() => fills.length === 1, "fill");
    expect(fills[0]!.fill).toEqual({
      ts: Date.parse("2022-04-19T17:45:05.024Z"),
      symbol: "SOLUSD",
      clientOrderId: "4642fd68-d59a-47d7-a9ac-e22f536828d1",
      side: "sell",
      qty: 1790.86,
      requestedPrice: 105.8988475,
      price: 105.8988475,
      fee: 0,
      feeAsset: "USD",
      slippageCost: 0,
      latencyMs: 44,
      liquidity: "taker",
      tradeId: "2f63ea93-423d-4169-b3f6-3fdafc10c418",
    });
    expect(orders[0]!.order).toMatchObject({ status: "filled", filledQty: 1790.86, avgPrice: 105.8988475, venueOrderId: "a5be8f5e-fdfa-41f5-a644-7a74fe947a8f" });
  });

  it("drops a replayed update and a late one that would overfill, and never rolls an order back", async () => {
    const { ex, orders, fills, handlers } = setup();
    sub = await ex.subscribe(handlers);
    const update = fixture("trade_updates_fill_docs.json");
    server.pushTrading(update);
    server.pushTrading(update);
    const stale = structuredClone(update);
    stale.data.event = "partial_fill";
    stale.data.execution_id = "older";
    stale.data.order.status = "partially_filled";
    stale.data.order.filled_qty = "100";
    stale.data.qty = "100";
    server.pushTrading(stale);
    server.pushTrading({ stream: "trade_updates", data: { event: "canceled", order: { ...update.data.order, client_order_id: "other", status: "canceled", filled_qty: "0" } } });
    await until(() => orders.some((o) => o.order.clientOrderId === "other"), "marker event");
    expect(fills.map((f) => f.fill.tradeId)).toEqual(["2f63ea93-423d-4169-b3f6-3fdafc10c418"]);
    expect(orders.filter((o) => o.order.clientOrderId !== "other").map((o) => o.order.status)).toEqual(["filled"]);
  });

  it("emits both fills when partial fills arrive out of order, and keeps the order filled", async () => {
    const { ex, orders, fills, handlers } = setup();
    sub = await ex.subscribe(handlers);
    const base = fixture("trade_updates_fill_docs.json");
    const at = (event: string, exec: string, qty: string, cumulative: string, status: string) => {
      const u = structuredClone(base);
      Object.assign(u.data, { event, execution_id: exec, qty, price: "105" });
      Object.assign(u.data.order, { qty: "10", filled_qty: cumulative, filled_avg_price: "105", status });
      return u;
    };
    server.pushTrading(at("fill", "e-2", "6", "10", "filled"));
    server.pushTrading(at("partial_fill", "e-1", "4", "4", "partially_filled"));
    await until(() => fills.length === 2, "both fills");
    expect(fills.map((f) => [f.fill.tradeId, f.fill.qty])).toEqual([
      ["e-2", 6],
      ["e-1", 4],
    ]);
    expect(orders.map((o) => o.order.status)).toEqual(["filled"]);
  });

  it("reports a malformed update with its raw payload and keeps listening", async () => {
    const { ex, fills, errors, handlers } = setup();
    sub = await ex.subscribe(handlers);
    server.pushTrading('{"stream":"trade_updates","data":{"event":"fill","order":{"id":1}}}');
    server.pushTrading(fixture("trade_updates_fill_docs.json"));
    await until(() => fills.length === 1, "good update after a bad one");
    expect(errors.map((e) => e.code)).toEqual(["PARSE_ERROR"]);
    expect(errors[0]!.details.raw).toBe('{"stream":"trade_updates","data":{"event":"fill","order":{"id":1}}}');
  });

  it("after a reconnect re-reads open orders and emits the fill the stream missed", async () => {
    const { ex, orders, fills, conns, handlers } = setup();
    sub = await ex.subscribe(handlers);
    await ex.submit({ clientOrderId: "t-gap", symbol: "AAPL", side: "sell", type: "market", qty: 3, timeInForce: "GTC" });
    await until(() => orders.length === 1, "new event");
    server.dropStreams("trading");
    await until(() => conns.some((c) => c.state === "disconnected"), "disconnect");
    server.fill("t-gap", 3, 171.5); // happens while nobody listens
    await until(() => fills.length === 1, "fill recovered over REST");
    expect(fills[0]!.fill).toMatchObject({ clientOrderId: "t-gap", qty: 3, price: 171.5, side: "sell" });
    expect(orders[orders.length - 1]!.order.status).toBe("filled");
    expect(conns.map((c) => c.state)).toEqual(["connected", "disconnected", "reconnected"]);
  });

  it("fails with VENUE_AUTH when the trading stream refuses the keys", async () => {
    const { ex, handlers } = setup("wrong-secret-xyz");
    await expect(ex.subscribe(handlers)).rejects.toMatchObject({ code: "VENUE_AUTH", retryable: false });
    await new Promise((r) => setTimeout(r, 60));
    expect(server.tradingConnections).toBe(1);
  });
});
