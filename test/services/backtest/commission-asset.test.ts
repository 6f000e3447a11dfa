import { describe, expect, it } from "vitest";
import { barColumnsFromBars } from "../../../lib/core/bar";
import { executionSchema } from "../../../lib/config/schemas/execution";
import { ExecutionModels } from "../../../lib/sim/execution-models";
import { runBacktest } from "../../../lib/services/backtest/engine";
import { calendarFor, computeMetrics, roundTrips } from "../../../lib/services/backtest/metrics";
import { SmaCross } from "../../../lib/services/strategies/baselines";

const M = 60_000;
const models = (commissionAsset: "received" | "quote") =>
  new ExecutionModels(
    executionSchema.parse({
      fees: { makerBps: 10, takerBps: 10, commissionAsset },
      slippage: { kind: "fixed", fixedBps: 0 },
      latency: { enabled: false },
      fill: { intrabar: "open", participationCap: 1 },
      filters: { enforce: false },
    }),
    {},
    1,
  );

// SMA(2)/SMA(3): a golden cross at bar 6 (buy 990 / 11 = 90 X, filled at bar 7's open 12.5), a death cross at bar 9 (sell at bar 10's open 9.5)
const closes = [10, 10, 10, 9, 8, 9, 11, 12, 12, 11, 9, 8];
const bars = barColumnsFromBars(closes.map((c, i) => ({ ts: i * M, open: c + 0.5, high: c + 1, low: c - 1, close: c, volume: 1000 })));

/** Hand-computed, 10 bps taker, no slippage: [side, qty, price, fee, feeAsset] per fill, end cash, fees in USDT, round-trip PnL. */
const TABLE = {
  // BUY 90 X: fee 90 * 0.001 = 0.09 X, holds 89.91; cash 1000 - 1125 = -125. SELL 89.91 at 9.5 = 854.145, fee 0.854145 USDT
  received: { fills: [["buy", 90, 12.5, 0.09, "X"], ["sell", 89.91, 9.5, 0.854145, "USDT"]], position: 89.91, cash: 728.290855, fees: 1.979145, pnl: -271.709145 },
  // BUY 90 X: fee 1.125 USDT, holds 90; cash -126.125. SELL 90 at 9.5 = 855, fee 0.855 USDT
  quote: { fills: [["buy", 90, 12.5, 1.125, "USDT"], ["sell", 90, 9.5, 0.855, "USDT"]], position: 90, cash: 728.02, fees: 1.98, pnl: -271.98 },
} as const;

describe("backtest commission asset (hand-computed 2-trade example)", () => {
  for (const mode of ["received", "quote"] as const) {
    for (const vectorised of [true, false]) {
      it(`${mode}: ${vectorised ? "vectorised" : "event"} engine fills, cash, fees in quote value and round-trip PnL match the table`, async () => {
        const t = TABLE[mode];
        const run = await runBacktest({ series: [{ symbol: "XUSDT", bars }], timeframeMs: M, policy: () => new SmaCross({ fast: 2, slow: 3 }), models: models(mode), initialCash: 1000, vectorised });
        const got = run.fills.map((f) => [f.side, f.qty, f.price, f.fee, f.feeAsset]);
        expect(got.map((r) => r[0])).toEqual(t.fills.map((r) => r[0]));
        got.forEach((r, k) => {
          expect(r[1] as number).toBeCloseTo(t.fills[k]![1], 10);
          expect(r[2]).toBe(t.fills[k]![2]);
          expect(r[3] as number).toBeCloseTo(t.fills[k]![3], 10);
          expect(r[4]).toBe(t.fills[k]![4]);
        });
        expect(run.positions["XUSDT"]![8]).toBeCloseTo(t.position, 10);
        expect(run.positions["XUSDT"]![11]).toBe(0);
        expect(run.cash[11]).toBeCloseTo(t.cash, 9);
        expect(run.equity[11]).toBeCloseTo(t.cash, 9);
        const m = computeMetrics(run.equity, calendarFor("crypto", M), { fills: run.fills });
        expect(m.feesPaid).toBeCloseTo(t.fees, 9);
        const rts = roundTrips(run.fills);
        expect(rts).toHaveLength(1);
        expect(rts[0]!.pnl).toBeCloseTo(t.pnl, 9);
        expect(rts[0]!.qty).toBeCloseTo(t.position, 10);
      });
    }
  }
});
