import { describe, expect, it } from "vitest";
import type { VenueEvent } from "../../lib/core/events";
import type { OrderRequest } from "../../lib/core/order";
import { ReplayClock } from "../../lib/sim/replay-clock";
import type { AccountMode } from "../../lib/sim/sim-account";
import { SimulatedVenue } from "../../lib/sim/simulated-venue";
import { BTCUSDT, MIN, T0, TEN_BARS, TOY, instruments, models } from "./fixtures";

const CFG = { fees: { takerBps: 10, makerBps: 2, commissionAsset: "quote" }, slippage: { kind: "fixed", fixedBps: 0 }, latency: { enabled: false }, fill: { participationCap: 1 } };

function venue(balances: Record<string, number> = { USDT: 1000 }, mode: AccountMode = "cash") {
  const clock = new ReplayClock(T0);
  const v = new SimulatedVenue({ venue: "sim", models: models(CFG, { instruments: instruments(TOY, BTCUSDT), feeTable: { TOYUSDT: { makerBps: 2, takerBps: 10 } } }), clock, timeframeMs: MIN, balances, accountMode: mode });
  return { v, clock };
}
const bar = (i: number) => ({ ts: TEN_BARS.ts[i]!, open: TEN_BARS.open[i]!, high: TEN_BARS.high[i]!, low: TEN_BARS.low[i]!, close: TEN_BARS.close[i]!, volume: TEN_BARS.volume[i]! });
const req = (id: string, side: "buy" | "sell", qty: number, price?: number): OrderRequest => ({
  clientOrderId: id,
  symbol: "TOYUSDT",
  side,
  type: price === undefined ? "market" : "limit",
  qty,
  price,
  timeInForce: "GTC",
});
const bal = async (v: SimulatedVenue) => Object.fromEntries((await v.balances()).map((b) => [b.asset, [b.free, b.locked]]));

describe("simulated venue", () => {
  it("moves its clock to each bar's close and fills a market order at the next open", async () => {
    const { v, clock } = venue();
    v.onBar("TOYUSDT", bar(0));
    expect(clock.now()).toBe(T0 + MIN);
    const r = await v.submit(req("a", "buy", 2));
    expect(r.ok && r.value.status).toBe("submitted");
    v.onBar("TOYUSDT", bar(1));
    const o = await v.getOrder("TOYUSDT", "a");
    expect(o.ok && o.value).toMatchObject({ status: "filled", avgPrice: 100.5 });
    // 2 * 100.5 = 201 + 0.201 fee
    const b = await bal(v);
    expect(b["USDT"]![0]).toBeCloseTo(1000 - 201 - 0.201, 9);
    expect(b["USDT"]![1]).toBe(0);
    expect(b["TOY"]).toEqual([2, 0]);
    expect(await v.positions()).toEqual([{ symbol: "TOYUSDT", qty: 2, avgPrice: 100.5 }]);
  });

  it("locks funds for open orders and releases them on cancel", async () => {
    const { v } = venue();
    v.onBar("TOYUSDT", bar(0));
    await v.submit(req("l", "buy", 5, 90));
    const locked = 5 * 90; // price * qty, as Binance locks for a limit buy (the fee is charged at the fill)
    expect((await bal(v))["USDT"]![1]).toBeCloseTo(locked, 9);
    expect((await v.openOrders("TOYUSDT")).map((o) => o.clientOrderId)).toEqual(["l"]);
    const c = await v.cancel("TOYUSDT", "l");
    expect(c.ok && c.value.status).toBe("canceled");
    expect(await bal(v)).toEqual({ USDT: [1000, 0] });
  });

  it("rejects orders the cash account cannot pay for, and sells of assets it does not hold", async () => {
    const { v } = venue({ USDT: 100 });
    v.onBar("TOYUSDT", bar(0));
    const buy = await v.submit(req("big", "buy", 2));
    expect(!buy.ok && buy.error.code).toBe("ORDER_REJECTED");
    expect(!buy.ok && buy.error.message).toMatch(/insufficient balance/);
    const sell = await v.submit(req("short", "sell", 1));
    expect(!sell.ok && sell.error.code).toBe("ORDER_REJECTED");
    expect(await bal(v)).toEqual({ USDT: [100, 0] });
  });

  it("lets a margin account go short", async () => {
    const { v } = venue({ USDT: 1000 }, "margin");
    v.onBar("TOYUSDT", bar(0));
    expect((await v.submit(req("s", "sell", 1))).ok).toBe(true);
    v.onBar("TOYUSDT", bar(1));
    expect(await v.positions()).toEqual([{ symbol: "TOYUSDT", qty: -1, avgPrice: 100.5 }]);
  });

  it("streams order updates and fills to subscribers until they close", async () => {
    const { v } = venue();
    const events: VenueEvent[] = [];
    const sub = await v.subscribe({ onOrder: (e) => events.push(e), onFill: (e) => events.push(e), onConnection: (e) => events.push(e) });
    v.onBar("TOYUSDT", bar(0));
    await v.submit(req("a", "buy", 1));
    v.onBar("TOYUSDT", bar(1));
    expect(events.map((e) => (e.type === "order" ? `order:${e.order.status}` : e.type))).toEqual(["connection", "order:submitted", "fill", "order:filled"]);
    await sub.close();
    await v.submit(req("b", "sell", 1));
    v.onBar("TOYUSDT", bar(2));
    expect(events).toHaveLength(4);
    expect((await v.fillsSince("TOYUSDT", T0 + 2 * MIN)).map((f) => f.clientOrderId)).toEqual(["b"]);
    expect(v.allFills()).toHaveLength(2);
  });

  it("treats a resubmitted clientOrderId as the same order", async () => {
    const { v } = venue();
    v.onBar("TOYUSDT", bar(0));
    const a = await v.submit(req("x", "buy", 1));
    const b = await v.submit(req("x", "buy", 3));
    expect(b.ok && b.value.qty).toBe(1);
    expect(a.ok && b.ok && a.value.clientOrderId === b.value.clientOrderId).toBe(true);
    expect(await v.openOrders()).toHaveLength(1);
  });

  it("answers unknown symbols with UNKNOWN_SYMBOL and malformed orders with ORDER_INVALID", async () => {
    const { v } = venue();
    const r = await v.submit({ ...req("u", "buy", 1), symbol: "DOGEUSDT" });
    expect(!r.ok && r.error.code).toBe("UNKNOWN_SYMBOL");
    await expect(v.submit(req("n", "buy", -1))).rejects.toMatchObject({ code: "ORDER_INVALID" });
    await expect(v.submit(req("p", "buy", 1, Number.NaN))).rejects.toMatchObject({ code: "ORDER_INVALID" });
    const c = await v.cancel("TOYUSDT", "nope");
    expect(!c.ok && c.error.code).toBe("ORDER_NOT_FOUND");
  });

  it("returns filter rejections with their reason", async () => {
    const { v } = venue();
    v.onBar("TOYUSDT", bar(0));
    const r = await v.submit(req("tiny", "buy", 0.05)); // 5 USDT < 10
    expect(!r.ok && r.error.code).toBe("FILTER_REJECTED");
    expect(!r.ok && r.error.details["reason"]).toBe("MIN_NOTIONAL");
    expect(await bal(v)).toEqual({ USDT: [1000, 0] });
  });

  it("serves instruments and fee rates as an exchange-info port", async () => {
    const { v } = venue();
    expect((await v.instruments(["BTCUSDT"]))[0]).toEqual(BTCUSDT);
    await expect(v.instruments(["NOPE"])).rejects.toMatchObject({ code: "UNKNOWN_SYMBOL" });
    expect(await v.fees("TOYUSDT")).toEqual({ makerBps: 2, takerBps: 10 });
    expect(await v.fees("ETHUSDT")).toEqual({ makerBps: 2, takerBps: 10 }); // the config's fallback
  });

  it("uses the latest quote's spread in square-root slippage", async () => {
    const clock = new ReplayClock(T0);
    const m = models({ ...CFG, slippage: { kind: "sqrt-impact", sqrtImpact: { k: 0 } } }, { instruments: instruments(TOY) });
    const v = new SimulatedVenue({ models: m, clock, timeframeMs: MIN, balances: { USDT: 1000 } });
    v.onBar("TOYUSDT", bar(0));
    v.onQuote({ ts: T0 + MIN, symbol: "TOYUSDT", bid: 100.4, bidQty: 1, ask: 100.6, askQty: 1 }); // 0.2 / 100.5 = 19.9 bps wide
    await v.submit(req("q", "buy", 1));
    v.onBar("TOYUSDT", bar(1));
    // half the quoted spread on top of the open: 100.5 * (1 + 0.1 / 100.5) = 100.6
    expect(v.allFills()[0]!.price).toBeCloseTo(100.6, 12);
  });
});

describe("reduce-only orders at the simulated venue", () => {
  it("accept an order that shrinks the position and reject one that would grow or flip it", async () => {
    const { v } = venue({ USDT: 1000 }, "margin");
    v.onBar("TOYUSDT", bar(0));
    const grow = await v.submit({ ...req("r0", "buy", 1), reduceOnly: true });
    expect(!grow.ok && grow.error.code).toBe("ORDER_REJECTED");
    await v.submit(req("open", "buy", 2));
    v.onBar("TOYUSDT", bar(1));
    const flip = await v.submit({ ...req("r1", "sell", 3), reduceOnly: true });
    expect(!flip.ok && flip.error.message).toMatch(/ReduceOnly/);
    expect((await v.submit({ ...req("r2", "sell", 1.5), reduceOnly: true })).ok).toBe(true);
    v.onBar("TOYUSDT", bar(2));
    expect((await v.positions())[0]!.qty).toBeCloseTo(0.5, 12);
  });
});
