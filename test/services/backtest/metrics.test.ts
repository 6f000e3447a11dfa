import { describe, expect, it } from "vitest";
import { calendarFor, computeMetrics, roundTrips } from "../../../lib/services/backtest/metrics";
import type { Fill } from "../../../lib/core/fill";

const fill = (ts: number, side: "buy" | "sell", qty: number, price: number, fee = 0, slip = 0): Fill => ({
  ts, symbol: "X", clientOrderId: `o${ts}`, side, qty, requestedPrice: price, price, fee, feeAsset: "USDT", slippageCost: slip, latencyMs: 0, liquidity: "taker",
});

describe("calendars", () => {
  it("annualises 24/7 for crypto and by sessions for US equities", () => {
    expect(calendarFor("crypto", 60_000).periodsPerYear).toBe(525_600);
    expect(calendarFor("crypto", 86_400_000).periodsPerYear).toBe(365);
    expect(calendarFor("equity", 86_400_000).periodsPerYear).toBe(252);
    expect(calendarFor("equity", 300_000).periodsPerYear).toBe(252 * 78);
    expect(calendarFor("equity", 60_000).periodsPerYear).toBe(252 * 390);
  });
});

describe("computeMetrics", () => {
  it("matches hand-computed values on a 5-point equity curve", () => {
    // returns: +10%, -10%, +0%, +20%  (equity 100, 110, 99, 99, 118.8)
    const eq = [100, 110, 99, 99, 118.8];
    const m = computeMetrics(eq, { periodsPerYear: 4, barMs: 1000 });
    const r = [0.1, -0.1, 0, 0.2];
    const mean = 0.05;
    const sd = Math.sqrt(r.reduce((s, x) => s + (x - mean) ** 2, 0) / 3);
    expect(m.totalReturn).toBeCloseTo(0.188, 12);
    expect(m.annualReturn).toBeCloseTo(0.188, 12); // 4 periods = exactly one year
    expect(m.sharpe).toBeCloseTo((mean / sd) * 2, 12);
    expect(m.annualVolatility).toBeCloseTo(sd * 2, 12);
    expect(m.sortino).toBeCloseTo((mean / Math.sqrt(0.01 / 4)) * 2, 12);
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownDurationMs).toBe(2000); // below the 110 peak for bars 2 and 3
    expect(m.calmar).toBeCloseTo(1.88, 10);
  });

  it("counts exposure, fees, slippage, turnover and round trips", () => {
    const fills = [fill(0, "buy", 1, 100, 0.1, 0.05), fill(1, "sell", 1, 110, 0.11, 0.02), fill(2, "buy", 2, 100, 0.2, 0), fill(3, "sell", 2, 95, 0.19, 0)];
    const m = computeMetrics([1000, 1000, 1010, 1010, 1000], { periodsPerYear: 4, barMs: 1 }, { position: [0, 1, 0, 2, 0], fills, roundTrips: roundTrips(fills) });
    expect(m.exposure).toBeCloseTo(0.4, 12);
    expect(m.trades).toBe(4);
    expect(m.feesPaid).toBeCloseTo(0.6, 12);
    expect(m.slippagePaid).toBeCloseTo(0.07, 12);
    expect(m.roundTrips).toBe(2);
    expect(m.hitRate).toBe(0.5);
    expect(m.avgWin).toBeCloseTo(10 - 0.21, 12);
    expect(m.avgLoss).toBeCloseTo(-10 - 0.39, 12);
    expect(m.turnover).toBeCloseTo((100 + 110 + 200 + 190) / 1004, 12);
  });
});

describe("roundTrips", () => {
  it("closes and reopens on a flip through zero, splitting the fee", () => {
    const rts = roundTrips([fill(0, "buy", 1, 100, 1), fill(1, "sell", 3, 110, 3), fill(2, "buy", 2, 100, 2)]);
    expect(rts).toHaveLength(2);
    expect(rts[0]).toMatchObject({ side: "long", qty: 1, entryPrice: 100, exitPrice: 110 });
    expect(rts[0]!.pnl).toBeCloseTo(10 - 1 - 1, 12);
    expect(rts[1]).toMatchObject({ side: "short", qty: 2, entryPrice: 110, exitPrice: 100 });
    expect(rts[1]!.pnl).toBeCloseTo(20 - 2 - 2, 12);
  });
});
