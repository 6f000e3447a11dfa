import { describe, expect, it } from "vitest";
import { RiskGuard, type RiskContext } from "../../lib/risk/risk-guard";

const M = 60_000;
const ctx = (over: Partial<RiskContext> = {}): RiskContext => ({ now: 10 * M, lastBarTs: 9 * M, timeframeMs: M, lastPrice: 100, positionQty: 0, ...over });

describe("RiskGuard", () => {
  it("allows an order within every limit", () => {
    const g = new RiskGuard({ maxPositionQty: 2, maxPositionNotional: 500, maxOrderNotional: 300, priceBand: 0.05 });
    expect(g.check({ symbol: "BTCUSDT", side: "buy", qty: 1, price: 100 }, ctx())).toEqual({ allowed: true });
  });

  it("denies an order whose notional exceeds the limit", () => {
    const g = new RiskGuard({ maxOrderNotional: 300 });
    const d = g.check({ symbol: "BTCUSDT", side: "buy", qty: 4, price: 100 }, ctx());
    expect(d).toMatchObject({ allowed: false, reason: "MAX_ORDER_NOTIONAL" });
  });

  it("denies growing a position past max qty or notional but allows reducing it", () => {
    const g = new RiskGuard({ maxPositionQty: 2, maxPositionNotional: 250 });
    expect(g.check({ symbol: "X", side: "buy", qty: 1.5, price: 100 }, ctx({ positionQty: 1 }))).toMatchObject({ reason: "MAX_POSITION_QTY" });
    expect(g.check({ symbol: "X", side: "buy", qty: 0.6, price: 100 }, ctx({ positionQty: 2 }))).toMatchObject({ reason: "MAX_POSITION_QTY" });
    expect(g.check({ symbol: "X", side: "buy", qty: 1, price: 200 }, ctx({ positionQty: 0.5, lastPrice: 200 }))).toMatchObject({ reason: "MAX_POSITION_NOTIONAL" });
    expect(g.check({ symbol: "X", side: "sell", qty: 1, price: 100 }, ctx({ positionQty: 3 }))).toEqual({ allowed: true });
  });

  it("treats a flip through zero as new risk, not a reduction", () => {
    const g = new RiskGuard({ maxPositionQty: 1 });
    g.setState("reducing", "test");
    expect(g.check({ symbol: "X", side: "sell", qty: 1, price: 100 }, ctx({ positionQty: 1 }))).toEqual({ allowed: true });
    expect(g.check({ symbol: "X", side: "sell", qty: 1.5, price: 100 }, ctx({ positionQty: 1 }))).toMatchObject({ reason: "REDUCING_ONLY" });
  });

  it("denies new risk on stale data (last bar older than 2 timeframes) but lets exits through", () => {
    const g = new RiskGuard({});
    const stale = ctx({ now: 13 * M, lastBarTs: 9 * M }); // bar closed at 10m, 3 minutes ago
    expect(g.check({ symbol: "X", side: "buy", qty: 1, price: 100 }, stale)).toMatchObject({ reason: "STALE_DATA" });
    expect(g.check({ symbol: "X", side: "sell", qty: 1, price: 100 }, { ...stale, positionQty: 1 })).toEqual({ allowed: true });
    expect(g.check({ symbol: "X", side: "buy", qty: 1, price: 100 }, ctx({ now: 12 * M, lastBarTs: 9 * M }))).toEqual({ allowed: true });
  });

  it("denies a price outside the band around the last trade", () => {
    const g = new RiskGuard({ priceBand: 0.02 });
    expect(g.check({ symbol: "X", side: "buy", qty: 1, price: 103 }, ctx())).toMatchObject({ reason: "PRICE_BAND" });
    expect(g.check({ symbol: "X", side: "buy", qty: 1, price: 101.9 }, ctx())).toEqual({ allowed: true });
  });

  it("limits orders per rolling minute", () => {
    const g = new RiskGuard({ maxOrdersPerMinute: 2 });
    const o = { symbol: "X", side: "buy" as const, qty: 0.1, price: 100 };
    g.recordOrder(9.5 * M);
    g.recordOrder(9.9 * M);
    expect(g.check(o, ctx())).toMatchObject({ reason: "ORDER_RATE" });
    expect(g.check(o, ctx({ now: 10.6 * M }))).toEqual({ allowed: true });
  });

  it("halts for the rest of the UTC day after the daily loss limit and resumes the next day", () => {
    const g = new RiskGuard({ dailyLossLimit: 0.05 });
    const day = 86_400_000;
    g.onEquity(day + 1000, 10_000);
    expect(g.onEquity(day + 2000, 9_600)).toBe("active");
    expect(g.onEquity(day + 3000, 9_499)).toBe("halted");
    expect(g.check({ symbol: "X", side: "sell", qty: 1, price: 100 }, ctx({ now: day + 3000, lastBarTs: day, positionQty: 5 }))).toMatchObject({ reason: "HALTED" });
    expect(g.onEquity(day + 50_000_000, 9_800)).toBe("halted");
    expect(g.onEquity(2 * day + 1, 9_800)).toBe("active");
  });

  it("moves to reducing on max drawdown from the peak", () => {
    const g = new RiskGuard({ maxDrawdown: 0.1 });
    g.onEquity(0, 100);
    g.onEquity(1, 120);
    expect(g.onEquity(2, 109)).toBe("active");
    expect(g.onEquity(3, 107.9)).toBe("reducing");
    expect(g.stateReason).toMatch(/drawdown 10\.08%/);
  });

  it("round-trips its state through a snapshot", () => {
    const g = new RiskGuard({ maxOrdersPerMinute: 1, dailyLossLimit: 0.01 });
    g.onEquity(0, 100);
    g.onEquity(1, 98);
    g.recordOrder(5);
    const g2 = new RiskGuard(g.limits);
    g2.restore(JSON.parse(JSON.stringify(g.snapshot())));
    expect(g2.state).toBe("halted");
    expect(g2.snapshot()).toEqual(g.snapshot());
  });
});
