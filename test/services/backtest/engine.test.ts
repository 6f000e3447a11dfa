import { describe, expect, it } from "vitest";
import { barColumnsFromBars } from "../../../lib/core/bar";
import { executionSchema } from "../../../lib/config/schemas/execution";
import { ExecutionModels } from "../../../lib/sim/execution-models";
import { runBacktest } from "../../../lib/services/backtest/engine";
import { SmaCross, BuyAndHold } from "../../../lib/services/strategies/baselines";

const M = 60_000;
const models = (over: Record<string, unknown> = {}) =>
  new ExecutionModels(
    executionSchema.parse({
      fees: { makerBps: 10, takerBps: 10, commissionAsset: "quote" },
      slippage: { kind: "fixed", fixedBps: 0 },
      latency: { enabled: false },
      fill: { intrabar: "open", participationCap: 1 },
      filters: { enforce: false },
      ...over,
    }),
    {},
    1,
  );

// closes drive an SMA(2)/SMA(3) golden cross at bar 6 and a death cross at bar 9; opens differ from closes
const closes = [10, 10, 10, 9, 8, 9, 11, 12, 12, 11, 9, 8];
const bars = barColumnsFromBars(closes.map((c, i) => ({ ts: i * M, open: c + 0.5, high: c + 1, low: c - 1, close: c, volume: 1000 })));

describe("runBacktest", () => {
  it("fills a golden-cross buy at the next bar's open with the taker fee, and the exit likewise", async () => {
    const run = await runBacktest({ series: [{ symbol: "XUSDT", bars }], timeframeMs: M, policy: () => new SmaCross({ fast: 2, slow: 3 }), models: models(), initialCash: 1000 });
    expect(run.fills).toHaveLength(2);
    const [buy, sell] = run.fills;
    const qty = (1000 * 0.99) / 11; // sized on the signal bar's close (bar 6)
    expect(buy).toMatchObject({ side: "buy", ts: 7 * M, price: 12.5 });
    expect(buy!.qty).toBeCloseTo(qty, 12);
    expect(buy!.fee).toBeCloseTo(qty * 12.5 * 0.001, 12);
    expect(sell).toMatchObject({ side: "sell", ts: 10 * M, price: 9.5 });
    expect(sell!.qty).toBeCloseTo(qty, 12);
    const cashEnd = 1000 - qty * 12.5 * 1.001 + qty * 9.5 * 0.999;
    expect(run.equity[11]).toBeCloseTo(cashEnd, 9);
    // equity while long marks the position at each close
    expect(run.equity[8]).toBeCloseTo(1000 - qty * 12.5 * 1.001 + qty * 12, 9);
    expect(Array.from(run.positions["XUSDT"]!.subarray(6, 11)).map((q) => (q > 0 ? 1 : 0))).toEqual([0, 1, 1, 1, 0]);
  });

  it("takes a buy's commission from the base asset received (Binance spot's default) and the exit sells what is held", async () => {
    const m = models({ fees: { makerBps: 10, takerBps: 10, commissionAsset: "received" } });
    const run = await runBacktest({ series: [{ symbol: "XUSDT", bars }], timeframeMs: M, policy: () => new SmaCross({ fast: 2, slow: 3 }), models: m, initialCash: 1000 });
    const [buy, sell] = run.fills;
    // hand-worked: 990 / 11 = 90 X bought at 12.50; 0.1% of 90 = 0.09 X commission, 89.91 X held
    expect(buy).toMatchObject({ side: "buy", qty: 90, price: 12.5, fee: 0.09, feeAsset: "X", feeFromBase: true });
    expect(run.positions["XUSDT"]![8]).toBeCloseTo(89.91, 12);
    expect(run.equity[8]).toBeCloseTo(1000 - 1125 + 89.91 * 12, 9);
    // the exit sells the 89.91 held at 9.50: 854.145 USDT less 0.854145 USDT commission
    expect(sell).toMatchObject({ side: "sell", price: 9.5, feeAsset: "USDT" });
    expect(sell!.qty).toBeCloseTo(89.91, 12);
    expect(sell!.fee).toBeCloseTo(0.854145, 12);
    expect(run.equity[11]).toBeCloseTo(1000 - 1125 + 854.145 - 0.854145, 9);
    expect(run.positions["XUSDT"]![11]).toBe(0);
  });

  it("never fills in the bar that produced the signal", async () => {
    const run = await runBacktest({ series: [{ symbol: "XUSDT", bars }], timeframeMs: M, policy: () => new BuyAndHold(), models: models(), initialCash: 1000 });
    expect(run.fills[0]!.ts).toBe(1 * M);
    expect(run.fills[0]!.price).toBe(10.5);
  });

  it("shares one account across symbols", async () => {
    const other = barColumnsFromBars(closes.map((c, i) => ({ ts: i * M, open: 2 * c, high: 2 * c + 1, low: 2 * c - 1, close: 2 * c, volume: 1000 })));
    const run = await runBacktest({
      series: [{ symbol: "AUSDT", bars }, { symbol: "BUSDT", bars: other }],
      timeframeMs: M,
      policy: () => new BuyAndHold({ cashFraction: 0.5 }),
      models: models(),
      initialCash: 1000,
    });
    const spent = run.fills.reduce((s, f) => s + f.qty * f.price + f.fee, 0);
    expect(run.fills.map((f) => f.symbol)).toEqual(["AUSDT", "BUSDT"]);
    expect(spent).toBeLessThan(1000);
    expect(run.cash[11]).toBeCloseTo(1000 - spent, 9);
  });

  it("reports unsorted bars with the symbol and row", async () => {
    const bad = barColumnsFromBars([{ ts: 2 * M, open: 1, high: 1, low: 1, close: 1, volume: 1 }, { ts: M, open: 1, high: 1, low: 1, close: 1, volume: 1 }]);
    await expect(runBacktest({ series: [{ symbol: "XUSDT", bars: bad }], timeframeMs: M, policy: () => new BuyAndHold(), models: models(), initialCash: 1 })).rejects.toThrow(/XUSDT: bar times not strictly increasing at row 1/);
  });
});
