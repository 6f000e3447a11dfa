import { describe, expect, it } from "vitest";
import { RiskGuard, type RiskContext } from "../../lib/risk/risk-guard";

const M = 60_000;
const ctx = (over: Partial<RiskContext> = {}): RiskContext => ({ now: 10 * M, lastBarTs: 9 * M, timeframeMs: M, lastPrice: 100, positionQty: 0, ...over });

describe("RiskGuard symbol holds", () => {
  it("a held symbol takes only orders that shrink |position|; other symbols trade normally", () => {
    const g = new RiskGuard({});
    g.holdSymbol("BTCUSDT", "order tl-1 outcome unknown");
    expect(g.symbolState("BTCUSDT")).toBe("reducing");
    expect(g.symbolState("ETHUSDT")).toBe("active");
    expect(g.state).toBe("active");
    const grow = g.check({ symbol: "BTCUSDT", side: "buy", qty: 1, price: 100 }, ctx({ positionQty: 1 }));
    expect(grow).toMatchObject({ allowed: false, reason: "REDUCING_ONLY" });
    expect(grow.allowed === false && grow.message).toMatch(/tl-1 outcome unknown/);
    expect(g.check({ symbol: "BTCUSDT", side: "sell", qty: 0.5, price: 100 }, ctx({ positionQty: 1 }))).toEqual({ allowed: true });
    expect(g.check({ symbol: "BTCUSDT", side: "sell", qty: 2, price: 100 }, ctx({ positionQty: 1 }))).toMatchObject({ reason: "REDUCING_ONLY" });
    expect(g.check({ symbol: "ETHUSDT", side: "buy", qty: 1, price: 100 }, ctx())).toEqual({ allowed: true });
  });

  it("releasing the hold resumes normal trading; the account-wide state still wins", () => {
    const g = new RiskGuard({});
    g.holdSymbol("BTCUSDT", "unknown");
    g.releaseSymbol("BTCUSDT");
    g.releaseSymbol("BTCUSDT");
    expect(g.symbolState("BTCUSDT")).toBe("active");
    expect(g.check({ symbol: "BTCUSDT", side: "buy", qty: 1, price: 100 }, ctx())).toEqual({ allowed: true });
    g.holdSymbol("BTCUSDT", "unknown");
    g.setState("halted", "kill switch");
    expect(g.symbolState("BTCUSDT")).toBe("halted");
  });

  it("holds survive a snapshot and restore (positions.json across a restart)", () => {
    const g = new RiskGuard({});
    g.holdSymbol("BTCUSDT", "order tl-9 outcome unknown");
    const snap = JSON.parse(JSON.stringify(g.snapshot())) as ReturnType<RiskGuard["snapshot"]>;
    const again = new RiskGuard({});
    again.restore(snap);
    expect(again.heldReason("BTCUSDT")).toBe("order tl-9 outcome unknown");
    const { held: _none, ...older } = snap;
    void _none;
    const old = new RiskGuard({});
    old.restore(older); // a snapshot written before holds existed
    expect(old.symbolState("BTCUSDT")).toBe("active");
  });
});
