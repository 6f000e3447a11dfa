import { describe, expect, it } from "vitest";
import type { Fill } from "../../lib/core/fill";
import type { Order, OrderRequest, TimeInForce } from "../../lib/core/order";
import { MatchingEngine } from "../../lib/sim/matching";
import { MIN, T0, TEN_BARS, TOY, bars, instruments, models } from "./fixtures";

const NEUTRAL = { fees: { takerBps: 0, makerBps: 0 }, slippage: { kind: "fixed", fixedBps: 0 }, latency: { enabled: false } };

interface Trace {
  fills: Fill[];
  orders: Order[];
  engine: MatchingEngine;
}

/** Runs TEN_BARS; `at[i]` orders are submitted at bar i's close. */
function run(cfg: object, at: Record<number, Omit<OrderRequest, "symbol">[]>, seed = 7): Trace {
  const fills: Fill[] = [];
  const orders: Order[] = [];
  const engine = new MatchingEngine(models({ ...NEUTRAL, ...cfg }, { instruments: instruments(TOY) }, seed).forSymbol("TOYUSDT", MIN), {
    onFill: (f) => fills.push(f),
    onOrder: (o) => orders.push(o),
  });
  const c = TEN_BARS;
  for (let i = 0; i < c.length; i++) {
    engine.onBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
    for (const r of at[i] ?? []) engine.submit({ ...r, symbol: "TOYUSDT" }, c.ts[i]! + MIN);
  }
  return { fills, orders, engine };
}

const mkt = (id: string, side: "buy" | "sell", qty: number, tif: TimeInForce = "GTC"): Omit<OrderRequest, "symbol"> => ({ clientOrderId: id, side, type: "market", qty, timeInForce: tif });
const lmt = (id: string, side: "buy" | "sell", qty: number, price: number, tif: TimeInForce = "GTC"): Omit<OrderRequest, "symbol"> => ({ clientOrderId: id, side, type: "limit", qty, price, timeInForce: tif });
const brief = (fs: Fill[]) => fs.map((f) => [f.clientOrderId, f.ts, f.qty, f.price, f.liquidity]);

describe("market orders", () => {
  it("print on the tick grid, rounded against the taker (a buy pays the tick above, a sell gets the tick below)", () => {
    // 5 bps on opens 100.5 and 99: 100.55025 -> 100.56, 98.9505 -> 98.95
    const t = run({ slippage: { kind: "fixed", fixedBps: 5 }, fill: { participationCap: 1 } }, { 0: [mkt("a", "buy", 1)], 5: [mkt("b", "sell", 1)] });
    expect(t.fills.map((f) => [f.requestedPrice, f.price])).toEqual([
      [100.5, 100.56],
      [99, 98.95],
    ]);
  });

  it("fill at the next bar's open, never in the bar that produced the signal", () => {
    const t = run({ fill: { participationCap: 1 } }, { 0: [mkt("a", "buy", 1)], 5: [mkt("b", "sell", 1)] });
    expect(brief(t.fills)).toEqual([
      ["a", T0 + MIN, 1, 100.5, "taker"],
      ["b", T0 + 6 * MIN, 1, 99, "taker"],
    ]);
  });

  it("fill partially above the participation cap and carry the rest to the next bars", () => {
    // cap 10%: bar 1 volume 40 -> 4, bar 2 volume 60 -> 6
    const t = run({ fill: { participationCap: 0.1 } }, { 0: [mkt("a", "buy", 10)] });
    expect(brief(t.fills)).toEqual([
      ["a", T0 + MIN, 4, 100.5, "taker"],
      ["a", T0 + 2 * MIN, 6, 101.5, "taker"],
    ]);
    expect(t.engine.getOrder("a")).toMatchObject({ status: "filled", filledQty: 10, avgPrice: (4 * 100.5 + 6 * 101.5) / 10 });
    expect(t.orders.map((o) => o.status)).toEqual(["submitted", "partially_filled", "filled"]);
  });

  it("cancel the remainder above the cap when configured", () => {
    const t = run({ fill: { participationCap: 0.1, remainder: "cancel" } }, { 0: [mkt("a", "buy", 10)] });
    expect(brief(t.fills)).toEqual([["a", T0 + MIN, 4, 100.5, "taker"]]);
    expect(t.engine.getOrder("a")).toMatchObject({ status: "expired", filledQty: 4 });
  });

  it("IOC fills what the bar allows and expires the rest; FOK fills nothing unless all fits", () => {
    const t = run({ fill: { participationCap: 0.1 } }, { 0: [mkt("ioc", "buy", 10, "IOC")], 2: [mkt("fok", "buy", 3.5, "FOK")], 3: [mkt("fok2", "buy", 1.9, "FOK")] });
    expect(brief(t.fills)).toEqual([
      ["ioc", T0 + MIN, 4, 100.5, "taker"],
      ["fok2", T0 + 4 * MIN, 1.9, 101, "taker"],
    ]);
    expect(t.engine.getOrder("ioc")!.status).toBe("expired");
    expect(t.engine.getOrder("fok")).toMatchObject({ status: "expired", filledQty: 0 }); // bar 3 cap 3 < 3.5
    expect(t.engine.getOrder("fok2")!.status).toBe("filled"); // bar 4 cap 2 >= 1.9
  });

  it("share a bar's capacity between orders in submission order", () => {
    const t = run({ fill: { participationCap: 0.1 } }, { 0: [mkt("a", "buy", 3, "IOC"), mkt("b", "buy", 3, "IOC")] });
    expect(brief(t.fills)).toEqual([
      ["a", T0 + MIN, 3, 100.5, "taker"],
      ["b", T0 + MIN, 1, 100.5, "taker"],
    ]);
  });
});

describe("limit orders", () => {
  it("fill as maker at the limit when a bar trades through, not on a touch", () => {
    // buy 99.5 arrives in bar 4, whose low 99.5 only touches it; bar 5 (low 98.8) trades through
    const touch = run({ fill: { participationCap: 1 } }, { 3: [lmt("t", "buy", 1, 99.5)] });
    expect(brief(touch.fills)).toEqual([["t", T0 + 5 * MIN, 1, 99.5, "maker"]]);
  });

  it("rest on the book when not marketable on arrival and fill at the open when a later bar gaps through", () => {
    // sell 100.9 rests from bar 6 (high 100); bar 7 (high 101) trades through without a gap: the limit price
    const a = run({ fill: { participationCap: 1 } }, { 5: [lmt("s", "sell", 1, 100.9)] });
    expect(brief(a.fills)).toEqual([["s", T0 + 7 * MIN, 1, 100.9, "maker"]]);
    // buy 100 rests through a bar with low 100.1, then the next bar opens at 99 below it: filled at that open
    const gap = bars([
      [100, 100.5, 99.8, 100.2, 10],
      [100.2, 100.6, 100.1, 100.4, 10],
      [99.0, 99.5, 98.5, 99.2, 10],
    ]);
    const fills: Fill[] = [];
    const e = new MatchingEngine(models({ ...NEUTRAL, fill: { participationCap: 1 } }, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN), { onFill: (f) => fills.push(f) });
    e.onBar(gap.ts[0]!, 100, 100.5, 99.8, 100.2, 10);
    e.submit({ clientOrderId: "g", symbol: "TOYUSDT", side: "buy", type: "limit", qty: 1, price: 100, timeInForce: "GTC" }, gap.ts[0]! + MIN);
    e.onBar(gap.ts[1]!, 100.2, 100.6, 100.1, 100.4, 10);
    e.onBar(gap.ts[2]!, 99.0, 99.5, 98.5, 99.2, 10);
    expect(brief(fills)).toEqual([["g", gap.ts[2]!, 1, 99, "maker"]]);
  });

  it("fill as taker, capped at the limit, when marketable on arrival", () => {
    const t = run({ slippage: { kind: "fixed", fixedBps: 100 }, fill: { participationCap: 1 } }, { 0: [lmt("m", "buy", 1, 101)] });
    // arrival at bar 1 open 100.5 + 1% = 101.505 -> capped at 101
    expect(brief(t.fills)).toEqual([["m", T0 + MIN, 1, 101, "taker"]]);
  });

  it("IOC and FOK limits that are not marketable on arrival expire without resting", () => {
    const t = run({ fill: { participationCap: 1 } }, { 0: [lmt("i", "buy", 1, 99, "IOC"), lmt("f", "buy", 1, 99, "FOK")] });
    expect(t.fills).toEqual([]);
    expect(t.engine.getOrder("i")!.status).toBe("expired");
    expect(t.engine.getOrder("f")!.status).toBe("expired");
  });

  it("with the queue model, wait behind the estimated queue and fill only from volume at or through the price", () => {
    // buy 3 @ 100 arrives in bar 4 (O101 H101.5 L99.5 V20): queue ahead 0.25 * 20 = 5
    // level volume 20 * (100 - 99.5 + 0.01) / (2 + 0.01) = 5.0746...: 5 eats the queue, 0.0746 -> 0.074 after the lot step
    // bar 5 (H100.8 L98.8 V80): level 80 * 1.21 / 2.01 = 48.16, cap 8 -> the remaining 2.926
    const t = run({ fill: { participationCap: 0.1, queueAware: true, queueAheadFraction: 0.25 } }, { 3: [lmt("q", "buy", 3, 100)] });
    expect(brief(t.fills)).toEqual([
      ["q", T0 + 4 * MIN, 0.074, 100, "maker"],
      ["q", T0 + 5 * MIN, 2.926, 100, "maker"],
    ]);
    const plain = run({ fill: { participationCap: 0.1 } }, { 3: [lmt("q", "buy", 3, 100)] });
    expect(brief(plain.fills)).toEqual([
      ["q", T0 + 4 * MIN, 2, 100, "maker"],
      ["q", T0 + 5 * MIN, 1, 100, "maker"],
    ]);
  });

  it("can be cancelled while resting, and cancelling twice is an error", () => {
    const t = run({}, { 0: [lmt("c", "buy", 1, 50)] });
    expect(t.engine.openOrders().map((o) => o.clientOrderId)).toEqual(["c"]);
    const r = t.engine.cancel("c", T0 + 20 * MIN);
    expect(r.ok && r.value.status).toBe("canceled");
    expect(t.engine.openOrders()).toEqual([]);
    const again = t.engine.cancel("c", T0 + 21 * MIN);
    expect(!again.ok && again.error.code).toBe("ORDER_REJECTED");
    const unknown = t.engine.cancel("zz", T0 + 21 * MIN);
    expect(!unknown.ok && unknown.error.code).toBe("ORDER_NOT_FOUND");
  });
});

describe("engine invariants and invalid input", () => {
  const engine = () => {
    const e = new MatchingEngine(models(NEUTRAL, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN));
    e.onBar(T0, 100, 101, 99, 100, 10);
    return e;
  };
  const base: OrderRequest = { clientOrderId: "x", symbol: "TOYUSDT", side: "buy", type: "market", qty: 1, timeInForce: "GTC" };

  it("throws ORDER_INVALID for a negative quantity or a NaN limit price", () => {
    expect(() => engine().submit({ ...base, qty: -1 }, T0 + MIN)).toThrow(expect.objectContaining({ code: "ORDER_INVALID" }));
    expect(() => engine().submit({ ...base, type: "limit", price: Number.NaN }, T0 + MIN)).toThrow(expect.objectContaining({ code: "ORDER_INVALID" }));
    expect(() => engine().submit({ ...base, symbol: "ETHUSDT" }, T0 + MIN)).toThrow(expect.objectContaining({ code: "ORDER_INVALID" }));
  });

  it("throws DATA_INVALID for a NaN or out-of-order bar", () => {
    expect(() => engine().onBar(T0 + MIN, Number.NaN, 101, 99, 100, 10)).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
    expect(() => engine().onBar(T0 + MIN, 100, 98, 99, 100, 10)).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
    expect(() => engine().onBar(T0, 100, 101, 99, 100, 10)).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
  });

  it("refuses an order timed before the last processed bar closed (it could see its own signal bar)", () => {
    expect(() => engine().submit(base, T0 + 30_000)).toThrow(expect.objectContaining({ code: "INVARIANT" }));
  });

  it("rejects a market order before any bar with ORDER_REJECTED", () => {
    const e = new MatchingEngine(models(NEUTRAL, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN));
    const r = e.submit(base, T0);
    expect(!r.ok && r.error.code).toBe("ORDER_REJECTED");
  });

  it("returns the existing order when a clientOrderId is resubmitted", () => {
    const e = engine();
    const a = e.submit(base, T0 + MIN);
    const b = e.submit({ ...base, qty: 5 }, T0 + MIN);
    expect(a.ok && b.ok && b.value).toEqual(a.ok && a.value);
    expect(e.openOrders()).toHaveLength(1);
  });

  it("fails with UNKNOWN_SYMBOL for a symbol without filters while filters are enforced", () => {
    expect(() => models(NEUTRAL, { instruments: instruments(TOY) }).forSymbol("DOGEUSDT", MIN)).toThrow(expect.objectContaining({ code: "UNKNOWN_SYMBOL" }));
    expect(models({ ...NEUTRAL, filters: { enforce: false } }, {}).forSymbol("DOGEUSDT", MIN).filters).toBeNull();
  });
});

describe("determinism", () => {
  const noisy = { latency: { baseMs: 200, jitter: 1, spikeProbability: 0.2, spikeMs: 3000 }, fill: { intrabar: "brownian-bridge", participationCap: 0.2 }, slippage: { kind: "sqrt-impact" } };
  const orders = { 0: [mkt("a", "buy", 3)], 2: [mkt("b", "sell", 2)], 4: [mkt("c", "buy", 1.5), lmt("d", "sell", 1, 100.3)], 6: [mkt("e", "sell", 2.5)] };

  it("gives identical fills for the same seed", () => {
    const a = run(noisy, orders, 1234).fills;
    const b = run(noisy, orders, 1234).fills;
    expect(a.length).toBeGreaterThan(4);
    expect(b).toEqual(a);
  });

  it("gives different fills for another seed", () => {
    expect(run(noisy, orders, 1235).fills).not.toEqual(run(noisy, orders, 1234).fills);
  });
});

describe("finished order retention", () => {
  it("forgets the oldest finished orders beyond the retention limit, never open ones", () => {
    const e = new MatchingEngine(models(NEUTRAL, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN), {}, { retainFinished: 2 });
    const c = TEN_BARS;
    e.onBar(c.ts[0]!, c.open[0]!, c.high[0]!, c.low[0]!, c.close[0]!, c.volume[0]!);
    e.submit({ clientOrderId: "rest", symbol: "TOYUSDT", side: "buy", type: "limit", price: 50, qty: 1, timeInForce: "GTC" }, c.ts[0]! + MIN);
    for (let i = 1; i <= 4; i++) {
      e.submit({ clientOrderId: `m${i}`, symbol: "TOYUSDT", side: "buy", type: "market", qty: 0.2, timeInForce: "IOC" }, c.ts[i - 1]! + MIN);
      e.onBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
    }
    expect(["m1", "m2", "m3", "m4", "rest"].map((id) => e.getOrder(id)?.status)).toEqual([undefined, undefined, "filled", "filled", "accepted"]);
  });
});

describe("listeners acting during matching", () => {
  it("may cancel another order and submit a new one from a fill callback without corrupting the bar", () => {
    const fills: Fill[] = [];
    const c = TEN_BARS;
    let e!: MatchingEngine;
    e = new MatchingEngine(models({ ...NEUTRAL, fill: { participationCap: 1 } }, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN), {
      onFill: (f) => {
        fills.push(f);
        if (f.clientOrderId === "a") {
          e.cancel("b", c.ts[1]!);
          e.submit({ clientOrderId: "c", symbol: "TOYUSDT", side: "sell", type: "market", qty: 1, timeInForce: "GTC" }, c.ts[1]! + MIN);
        }
      },
    });
    e.onBar(c.ts[0]!, c.open[0]!, c.high[0]!, c.low[0]!, c.close[0]!, c.volume[0]!);
    e.submit({ clientOrderId: "a", symbol: "TOYUSDT", side: "buy", type: "market", qty: 1, timeInForce: "GTC" }, c.ts[0]! + MIN);
    e.submit({ clientOrderId: "b", symbol: "TOYUSDT", side: "buy", type: "market", qty: 1, timeInForce: "GTC" }, c.ts[0]! + MIN);
    e.onBar(c.ts[1]!, c.open[1]!, c.high[1]!, c.low[1]!, c.close[1]!, c.volume[1]!);
    expect(fills.map((f) => f.clientOrderId)).toEqual(["a"]);
    expect(e.getOrder("b")!.status).toBe("canceled");
    expect(e.openOrders().map((o) => o.clientOrderId)).toEqual(["c"]);
    e.onBar(c.ts[2]!, c.open[2]!, c.high[2]!, c.low[2]!, c.close[2]!, c.volume[2]!);
    expect(fills.map((f) => [f.clientOrderId, f.price])).toEqual([
      ["a", 100.5],
      ["c", 101.5],
    ]);
  });
});
