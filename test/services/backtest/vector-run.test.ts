import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDataSession, type DataSession } from "../../../lib/infra/data/index";
import { loadTrainConfig } from "../../../lib/config/kinds";
import { ExecutionModels } from "../../../lib/sim/execution-models";
import { loadExecutionData } from "../../../lib/sim/loaders";
import { runBacktest } from "../../../lib/services/backtest/engine";
import { createStrategy } from "../../../lib/services/strategies/baselines";
import type { BarColumns } from "../../../lib/core/bar";

let session: DataSession;
let bars: BarColumns;
beforeAll(async () => {
  session = await openDataSession();
  bars = await session.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m", from: "2025-06-01", to: "2025-07-01" });
});
afterAll(() => session.close());

describe("vectorised backtest path", () => {
  it.each(["sma-cross", "buy-and-hold"])("gives the same fills and equity as the event-driven engine for %s on real BTCUSDT 1m bars (costs on)", async (name) => {
    const cfg = loadTrainConfig("configs/config_train.yaml");
    const models = () => new ExecutionModels(cfg.execution, loadExecutionData(cfg.execution), 7);
    const common = { series: [{ symbol: "BTCUSDT", bars }], timeframeMs: 60_000, initialCash: 10_000, policy: () => createStrategy(name) };
    const event = await runBacktest({ ...common, models: models(), vectorised: false });
    const vec = await runBacktest({ ...common, models: models(), vectorised: true });
    expect(event.fills.length).toBeGreaterThan(0);
    expect(vec.fills.length).toBe(event.fills.length);
    for (let k = 0; k < event.fills.length; k++) {
      const a = event.fills[k]!;
      const b = vec.fills[k]!;
      expect(b.ts).toBe(a.ts);
      expect(b.side).toBe(a.side);
      expect(Math.abs(b.qty - a.qty)).toBeLessThan(1e-9 * a.qty);
      expect(Math.abs(b.price - a.price)).toBeLessThan(1e-9 * a.price);
      expect(Math.abs(b.fee - a.fee)).toBeLessThan(1e-9 * Math.max(1, a.fee));
      expect(Math.abs(b.latencyMs - a.latencyMs)).toBeLessThan(1e-6);
    }
    for (let i = 0; i < bars.length; i += 997) expect(Math.abs(vec.equity[i]! - event.equity[i]!)).toBeLessThan(1e-9 * event.equity[i]!);
    expect(Math.abs(vec.equity[bars.length - 1]! - event.equity[bars.length - 1]!)).toBeLessThan(1e-9 * 10_000);
  });
});
