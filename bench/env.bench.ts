/**
 * Vectorised trading env throughput: 64 envs in lock step over the real BTCUSDT 1m training split,
 * costs on (per-symbol fees, Binance filters, square-root-impact slippage, lognormal latency), with a
 * trivial policy that keeps rebalancing (a different sine wave per env).
 */
import { executionSchema } from "../lib/config/schemas/execution";
import { buildEnvMarket, VecTradingEnv } from "../lib/env/index";
import { FeaturePipeline } from "../lib/features/index";
import { openDataSession } from "../lib/infra/data/index";
import { loadExecutionData } from "../lib/sim/loaders";
import type { BenchResult } from "./types";

const N = 64;
const WARM = 2_000;
const STEPS = 20_000;

export async function run(): Promise<BenchResult[]> {
  const session = await openDataSession({ threads: 1 });
  const bars = await session.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m" }).finally(() => session.close());
  const train = { from: Date.parse("2025-05-20T00:00:00Z"), to: Date.parse("2025-07-21T00:00:00Z") };
  const market = buildEnvMarket({ pipeline: FeaturePipeline.fromConfig({}), bars, symbol: "BTCUSDT", timeframeMs: 60_000, fitRange: train });
  const config = executionSchema.parse({});
  const env = new VecTradingEnv({ market, execution: { config, data: loadExecutionData(config) }, range: train, numEnvs: N, env: { episodeLength: 1024 } });
  env.reset(1);
  const actions = new Float32Array(N);
  let k = 0;
  const stepAll = (count: number) => {
    for (let s = 0; s < count; s++, k++) {
      for (let i = 0; i < N; i++) actions[i] = Math.sin((k + 17 * i) / 40);
      env.step(actions);
    }
  };
  stepAll(WARM);
  const t0 = performance.now();
  stepAll(STEPS);
  const sec = (performance.now() - t0) / 1000;
  return [
    {
      name: "vec env steps, N=64, costs on",
      value: (N * STEPS) / sec,
      unit: "env-steps/s",
      target: ">= 1M env-steps/s",
      note: `real BTCUSDT 1m train split, ${config.slippage.kind} slippage, latency ${config.latency.enabled ? "on" : "off"}, filters ${config.filters.enforce ? "on" : "off"}, episodes of 1024`,
    },
  ];
}
