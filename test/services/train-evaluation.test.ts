import { describe, expect, it } from "vitest";
import { executionSchema } from "../../lib/config/schemas/execution";
import { ppoSchema } from "../../lib/config/schemas/ppo";
import { buildEnvMarket, runEpisode, TradingEnv, type TimeRange } from "../../lib/env/index";
import { FeaturePipeline } from "../../lib/features/index";
import { syntheticBars } from "../../lib/features/synthetic";
import { actorCriticLayout, actorCriticSpec, initActorCritic } from "../../lib/rl/actor-critic";
import { PolicySnapshot } from "../../lib/rl/policy";
import { buyAndHold, evaluateOnSplit, splitEvaluator, splitInto, type SplitEvaluatorOptions } from "../../lib/services/train-evaluation";
import { loadExecutionData } from "../../lib/sim/loaders";
import { SeededRng } from "../../lib/sim/rng";

const MIN = 60_000;
const bars = syntheticBars(6_000, new SeededRng(5), { vol: 0.001 });
const t0 = bars.ts[0]!;
const pipeline = FeaturePipeline.fromConfig({});
const market = buildEnvMarket({ pipeline, bars, symbol: "BTCUSDT", timeframeMs: MIN, fitRange: { from: t0, to: t0 + 3_000 * MIN } });
const config = executionSchema.parse({});
const execution = { config, data: loadExecutionData(config) };
const validation: TimeRange = { from: t0 + 3_000 * MIN, to: t0 + 6_000 * MIN };

function options(episodes: number): SplitEvaluatorOptions {
  return {
    makeEnv: (r) => new TradingEnv({ market, env: { initialCash: 10_000 }, execution, range: r, fullRange: true }),
    range: validation,
    episodes,
    market: "crypto",
    timeframeMs: MIN,
    seed: 3,
    initialCash: 10_000,
  };
}

describe("split evaluation", () => {
  it("cuts a range into consecutive stretches, the last taking the remainder", () => {
    const parts = splitInto({ from: 0, to: 10 * MIN }, 3, MIN);
    expect(parts).toEqual([
      { from: 0, to: 3 * MIN },
      { from: 3 * MIN, to: 6 * MIN },
      { from: 6 * MIN, to: 10 * MIN },
    ]);
  });

  it("reports no return, trades or costs for a policy that stays flat", () => {
    const m = evaluateOnSplit(options(1), () => 0);
    expect(m.totalReturn).toBe(0);
    expect(m.trades).toBe(0);
    expect(m.feesPaid).toBe(0);
    expect(m.exposure).toBe(0);
    expect(m.bars).toBeGreaterThan(2_500);
  });

  it("prices buy-and-hold (fully long throughout) through the env with its costs and the env's own final equity", () => {
    const o = options(1);
    const m = buyAndHold(o);
    const trace = runEpisode(o.makeEnv(validation), () => 1, { seed: 3 });
    expect(m.trades).toBeGreaterThanOrEqual(1);
    expect(m.trades).toBeLessThanOrEqual(3); // the first buy, then at most a top-up after the fee drift
    expect(m.feesPaid).toBeGreaterThan(0);
    expect(m.feesPaid).toBeCloseTo(trace.totalFees, 9);
    expect(10_000 * (1 + m.totalReturn)).toBeCloseTo(trace.equity[trace.steps - 1]!, 6);
    expect(m.exposure).toBeGreaterThan(0.99);
  });

  it("chains several episodes into one curve covering the split", () => {
    const one = buyAndHold(options(1));
    const three = buyAndHold(options(3));
    expect(three.trades).toBeGreaterThanOrEqual(3); // each episode starts flat and buys
    expect(three.feesPaid).toBeGreaterThan(one.feesPaid);
    expect(Math.abs(three.bars - one.bars)).toBeLessThanOrEqual(3);
  });

  it("evaluates a policy snapshot deterministically through squash(mean)", () => {
    const ppo = ppoSchema.parse({ policyHidden: [8] });
    const layout = actorCriticLayout(actorCriticSpec(ppo, market.featureNames.length + market.stateFeatures.length, 1));
    const policy = new PolicySnapshot(layout, initActorCritic(layout, new SeededRng(9)));
    const a = splitEvaluator(options(1))(policy);
    const b = splitEvaluator(options(1))(policy);
    expect(b).toEqual(a);
    const out = new Float32Array(1);
    const direct = evaluateOnSplit(options(1), (obs) => {
      policy.actDeterministic(obs, 1, out);
      return out[0]!;
    });
    expect(direct).toEqual(a);
  });
});
