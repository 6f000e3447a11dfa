import { describe, expect, it } from "vitest";
import { barColumnsFromBars } from "../../../lib/core/bar";
import { executionSchema } from "../../../lib/config/schemas/execution";
import { ExecutionModels } from "../../../lib/sim/execution-models";
import { walkForward, walkForwardWindows } from "../../../lib/services/backtest/walk-forward";
import { createStrategy } from "../../../lib/services/strategies/baselines";

const DAY = 86_400_000;

describe("walk-forward", () => {
  it("lays train/test windows back to back without using test data for training", () => {
    const w = walkForwardWindows(0, 10 * DAY, { trainDays: 4, testDays: 2, stepDays: 2 });
    expect(w.map((x) => [x.trainFrom / DAY, x.trainTo / DAY, x.testFrom / DAY, x.testTo / DAY])).toEqual([
      [0, 4, 4, 6],
      [2, 6, 6, 8],
      [4, 8, 8, 10],
    ]);
  });

  it("picks the in-sample best candidate per window and stitches out-of-sample equity", async () => {
    // hourly bars: a rising week then a falling week, repeated
    const bars = barColumnsFromBars(
      Array.from({ length: 24 * 12 }, (_, i) => {
        const c = 100 + 10 * Math.sin((2 * Math.PI * i) / (24 * 4)) + i * 0.01;
        return { ts: i * 3_600_000, open: c, high: c + 0.5, low: c - 0.5, close: c, volume: 1e6 };
      }),
    );
    const models = new ExecutionModels(executionSchema.parse({ slippage: { kind: "fixed", fixedBps: 0 }, latency: { enabled: false }, filters: { enforce: false }, fill: { participationCap: 1 } }), {}, 0);
    const res = await walkForward(
      { series: [{ symbol: "XUSDT", bars }], timeframeMs: 3_600_000, market: "crypto", models, initialCash: 1000 },
      [
        { label: "sma 3/12", policy: () => createStrategy("sma-cross", { fast: 3, slow: 12 }) },
        { label: "buy-and-hold", policy: () => createStrategy("buy-and-hold") },
      ],
      { trainDays: 4, testDays: 2, stepDays: 2 },
    );
    expect(res.steps).toHaveLength(4);
    for (const s of res.steps) {
      const best = Object.entries(s.trainSharpe).sort((a, b) => b[1] - a[1])[0]![0];
      expect(s.chosen).toBe(best);
      expect(s.test.run.ts[0]).toBe(s.window.testFrom);
    }
    expect(res.equity[0]).toBe(1000);
    expect(res.equity.length).toBe(res.steps.reduce((n, s) => n + s.test.run.ts.length, 0));
  });
});
