import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/core/errors";
import { TradingEnv, VecTradingEnv, riskGuardHooks, runEpisode } from "../../lib/env/index";
import { barsFrom, execution, marketOf, MIN, syntheticMarket, T0 } from "./helpers";

/**
 * The hand-worked episode. Cash 10,000, leverage 1, taker fee 10 bps, fixed slippage 5 bps, no
 * latency, fills at the next bar's open; penalties: turnover 0.001, drawdown 0.1.
 *
 *   row  open  close   decision at the close
 *    1   100   100     a = 1    -> target 1 * 10000 / 100 = 100 units
 *    2   101   102     buy 100 @ 101 * 1.0005 = 101.0505, fee 10.10505, cash -115.15505,
 *                      equity -115.15505 + 100 * 102 = 10084.84495; r = ln(10084.84495/10000) - 0.001 * 10105.05 / 10000
 *                      a = 1    -> target 10084.84495 / 102 = 98.87103 units: sell 1.12897
 *    3   103    99     sell @ 103 * 0.9995 = 102.9485, fee 0.116226, equity 9789.186466, drawdown 2.9317%
 *                      a = -0.5 -> target -0.5 * 9789.186466 / 99 = -49.44034: sell 148.31136
 *    4    98    97     sell @ 97.951, fee 14.527246, equity 9717.961270 (drawdown 3.6380%)
 *                      a = 0    -> buy back 49.44034
 *    5    97   100     buy @ 97.04850, fee 4.798110, flat, equity 9710.765303 (drawdown 3.7093%)
 *                      a = 0.5  -> target 0.5 * 9710.765303 / 100 = 48.55383 units
 *    6   101   102     buy @ 101.0505, fee 4.906388, equity 9751.960773, drawdown 3.3008% (improving: no penalty)
 */
describe("TradingEnv reward arithmetic", () => {
  const bars = barsFrom([
    [100, 100],
    [100, 100],
    [101, 102],
    [103, 99],
    [98, 97],
    [97, 100],
    [101, 102],
    [102, 103],
  ]);
  const market = marketOf(bars, { steps: [{ kind: "barShape" }] });
  const exec = execution({
    fees: { makerBps: 10, takerBps: 10, commissionAsset: "quote" },
    slippage: { kind: "fixed", fixedBps: 5 },
    latency: { enabled: false },
    fill: { intrabar: "open", participationCap: 1 },
  });
  const env = new TradingEnv({
    market,
    execution: exec,
    env: { episodeLength: 5, initialCash: 10_000, reward: { turnoverPenalty: 0.001, drawdownPenalty: 0.1 } },
    simWarmupBars: 1,
  });

  it("matches a hand-worked 5-step episode with fees, slippage and both penalties", () => {
    env.reset(1, { start: 1 });
    const actions = [1, 1, -0.5, 0, 0.5];
    const got = actions.map((a) => env.step(a));
    const expected = [
      { row: 2, fillQty: 100, fillPrice: 101.0505, fee: 10.10505, equity: 10084.84495, logReturn: 0.008448703975648907, reward: 0.007438198975648907 },
      { row: 3, fillQty: -1.1289710784313627, fillPrice: 102.9485, fee: 0.11622588, equity: 9789.186466423187, logReturn: -0.029755442304738814, reward: -0.03269867786105238 },
      { row: 4, fillQty: -148.31136461057935, fillPrice: 97.951, fee: 14.52724647, equity: 9717.961269854708, logReturn: -0.007302504092077001, reward: -0.009492773378587142 },
      { row: 5, fillQty: 49.44033568901071, fillPrice: 97.0485, fee: 4.79811042, equity: 9710.765303153792, logReturn: -0.0007407553966979431, reward: -0.0013058459770604112 },
      { row: 6, fillQty: 48.55382651575821, fillPrice: 101.0505, fee: 4.90638845, equity: 9751.960772980514, logReturn: 0.004233274535769438, reward: 0.003728022035769438 },
    ];
    got.forEach((r, k) => {
      const e = expected[k]!; // fees carry the 8 decimals of a commission field
      expect(r.info.row).toBe(e.row);
      expect(r.info.ts).toBe(T0 + e.row * MIN);
      expect(r.info.fillQty).toBeCloseTo(e.fillQty, 9);
      expect(r.info.fillPrice).toBeCloseTo(e.fillPrice, 9);
      expect(r.info.fee).toBeCloseTo(e.fee, 9);
      expect(r.info.equity).toBeCloseTo(e.equity, 8);
      expect(r.info.logReturn).toBeCloseTo(e.logReturn, 12);
      expect(r.reward).toBeCloseTo(e.reward, 12);
      expect(r.info.slippage).toBeCloseTo(Math.abs(e.fillQty) * bars.open[e.row]! * 0.0005, 9);
      expect(r.terminated).toBe(false);
      expect(r.truncated).toBe(k === 4);
    });
    // step 2: turnover penalty = 0.001 * 1.12897 * 102.9485 / 10084.84495, drawdown penalty = 0.1 * 0.0293171
    expect(got[1]!.info.turnoverPenalty).toBeCloseTo((0.001 * 1.1289710784313627 * 102.9485) / 10084.84495, 14);
    expect(got[1]!.info.drawdownPenalty).toBeCloseTo(0.1 * 0.02931710750563532, 14);
    expect(got[4]!.info.drawdownPenalty).toBe(0);
    // the episode's rewards add up to the hand-worked total
    expect(got.reduce((s, r) => s + r.reward, 0)).toBeCloseTo(-0.032331076205281584, 12);
    expect(() => env.step(0)).toThrow(/episode ended/);
  });

  it("fills a decision in the next bar, never the signal bar", () => {
    env.reset(1, { start: 1 });
    const r = env.step(1);
    // decided at row 1's close (100); filled at row 2's open (101) plus slippage
    expect(r.info.fillPrice).toBeCloseTo(101 * 1.0005, 12);
    expect(r.info.row).toBe(2);
  });

  it("observes position, unrealised return, drawdown and time in position after each fill", () => {
    const obs0 = env.reset(1, { start: 1 });
    expect(Array.from(obs0.subarray(4))).toEqual([0, 0, 0, 0]);
    const { obs } = env.step(1);
    const [pos, unreal, dd, held] = Array.from(obs.subarray(4));
    expect(env.spec.obsNames.slice(4)).toEqual(["position", "unrealisedReturn", "drawdown", "timeInPosition"]);
    expect(pos).toBeCloseTo((100 * 102) / 10084.84495, 6);
    expect(unreal).toBeCloseTo(100 * Math.log(102 / 101.0505), 5);
    expect(dd).toBe(0);
    expect(held).toBeCloseTo(Math.log1p(1) / Math.log1p(1000), 6);
  });

  it("maps actions to [0, 1] when long-only", () => {
    const longOnly = new TradingEnv({ market, execution: exec, env: { episodeLength: 5, longOnly: true }, simWarmupBars: 1 });
    expect([longOnly.spec.actionLow, longOnly.spec.actionHigh]).toEqual([0, 1]);
    longOnly.reset(1, { start: 1 });
    const r = longOnly.step(-1);
    expect(r.info.target).toBe(0);
    expect(r.info.fillQty).toBe(0);
    expect(longOnly.step(3).info.target).toBe(1);
    expect(() => longOnly.step(Number.NaN)).toThrow(/NaN/);
  });

  it("terminates when equity falls below the minimum fraction", () => {
    const crash = barsFrom([
      [100, 100],
      [100, 100],
      [100, 40],
      [40, 40],
    ]);
    const e = new TradingEnv({ market: marketOf(crash, { steps: [{ kind: "barShape" }] }), execution: exec, env: { episodeLength: 2, minEquityFraction: 0.5 }, simWarmupBars: 1 });
    e.reset(0, { start: 1 });
    const r = e.step(1);
    expect(r.info.equity).toBeLessThan(5000);
    expect(r.terminated).toBe(true);
    expect(r.truncated).toBe(false);
  });
});

describe("TradingEnv episodes", () => {
  const market = syntheticMarket();
  const exec = execution(); // sqrt-impact slippage, lognormal latency, fees: every model on

  function rollout(env: TradingEnv, seed: number, steps: number): number[] {
    const out = Array.from(env.reset(seed));
    for (let k = 0; k < steps; k++) {
      const r = env.step(Math.sin(k / 3));
      out.push(r.reward, r.info.equity, r.info.fillPrice, ...Array.from(r.obs));
    }
    return out;
  }

  it("gives identical episodes for the same seed, and different ones for another", () => {
    const env = new TradingEnv({ market, execution: exec, env: { episodeLength: 50 } });
    const a = rollout(env, 42, 50);
    const b = rollout(new TradingEnv({ market, execution: exec, env: { episodeLength: 50 } }), 42, 50);
    expect(b).toEqual(a);
    expect(rollout(env, 42, 50)).toEqual(a);
    expect(rollout(env, 43, 50)).not.toEqual(a);
  });

  it("starts episodes at seeded random rows inside the split, after every warm-up", () => {
    const range = { from: market.bars.ts[2000]!, to: market.bars.ts[5000]! };
    const env = new TradingEnv({ market, execution: exec, env: { episodeLength: 100 }, range, seed: 9 });
    const starts = new Set<number>();
    for (let k = 0; k < 20; k++) {
      env.reset();
      let r = env.step(0);
      starts.add(r.info.row - 1);
      while (!r.truncated) r = env.step(0);
      expect(r.info.row).toBeLessThanOrEqual(4999);
    }
    expect(starts.size).toBeGreaterThan(15);
    expect(Math.min(...starts)).toBeGreaterThanOrEqual(Math.max(2000, market.warmup));
    expect(env.startRange).toEqual({ first: 2000, last: 4999 - 100 });
  });

  it("runs episodes back to back when random offsets are off, and one episode over the range in fullRange mode", () => {
    const env = new TradingEnv({ market, execution: exec, env: { episodeLength: 10, randomOffsets: false } });
    env.reset(0);
    const first = env.step(0).info.row - 1;
    env.reset();
    expect(env.step(0).info.row - 1).toBe(first + 10);
    const full = new TradingEnv({ market, execution: exec, fullRange: true, range: { from: market.bars.ts[3000]!, to: market.bars.ts[3500]! } });
    expect(full.spec.episodeLength).toBe(3499 - 3000);
  });

  it("refuses an episode longer than the split", () => {
    expect(() => new TradingEnv({ market, execution: exec, env: { episodeLength: 5000 }, range: { from: market.bars.ts[3000]!, to: market.bars.ts[4000]! } })).toThrow(ConfigError);
    expect(() => new TradingEnv({ market, execution: exec, env: { episodeLength: 1 } })).toThrow(/env\.episodeLength/);
  });

  it("keeps positions inside the risk limits when a risk hook is given", () => {
    const env = new TradingEnv({ market, execution: exec, env: { episodeLength: 20 }, risk: riskGuardHooks({ maxPositionNotional: 2000, maxOrdersPerMinute: 100 }) });
    env.reset(5);
    for (let k = 0; k < 20; k++) {
      const r = env.step(1);
      const close = market.bars.close[r.info.row]!;
      expect(Math.abs(r.info.positionQty) * close).toBeLessThanOrEqual(2000 * 1.02);
    }
  });
});

describe("VecTradingEnv", () => {
  const market = syntheticMarket();
  const exec = execution();

  it("steps N envs in lock step with one batched observation array", () => {
    const v = new VecTradingEnv({ market, execution: exec, numEnvs: 4, env: { episodeLength: 30 } });
    expect(v.spec).toEqual({ numEnvs: 4, obsSize: 27, actionSize: 1, actionLow: -1, actionHigh: 1 });
    const obs = v.reset(1);
    expect(obs.length).toBe(4 * 27);
    const acts = new Float32Array([1, -1, 0.5, 0]);
    let res = v.step(acts);
    for (let k = 1; k < 29; k++) res = v.step(acts);
    expect(Array.from(res.truncated)).toEqual([0, 0, 0, 0]);
    res = v.step(acts);
    expect(Array.from(res.truncated)).toEqual([1, 1, 1, 1]);
    expect(Array.from(v.episodeSteps)).toEqual([30, 30, 30, 30]);
    // after auto-reset the observation is a fresh episode (flat) and finalObs kept the last one (holding)
    for (let i = 0; i < 3; i++) {
      expect(res.obs[i * 27 + 23]).toBe(0);
      expect(res.finalObs[i * 27 + 23]).not.toBe(0);
    }
    expect(res.finalObs[23]).toBeGreaterThan(0.9);
    expect(res.finalObs[27 + 23]).toBeLessThan(-0.9);
  });

  it("gives identical batches for the same seed", () => {
    const run = (seed: number) => {
      const v = new VecTradingEnv({ market, execution: exec, numEnvs: 3, env: { episodeLength: 25 } });
      const out: number[] = Array.from(v.reset(seed));
      const acts = new Float32Array(3);
      for (let k = 0; k < 60; k++) {
        acts.set([Math.sin(k), Math.cos(k), 0.3]);
        const r = v.step(acts);
        out.push(...Array.from(r.rewards), ...Array.from(r.obs), ...Array.from(r.truncated));
      }
      return out;
    };
    expect(run(11)).toEqual(run(11));
    expect(run(11)).not.toEqual(run(12));
  });

  it("refuses a wrong number of actions", () => {
    const v = new VecTradingEnv({ market, execution: exec, numEnvs: 2, env: { episodeLength: 25 } });
    expect(() => v.step(new Float32Array(2))).toThrow(/before reset/);
    v.reset(0);
    expect(() => v.step(new Float32Array(3))).toThrow(/expected 2 actions/);
  });
});

describe("runEpisode", () => {
  it("records every step of an episode and totals its costs", () => {
    const market = syntheticMarket();
    const env = new TradingEnv({ market, execution: execution(), env: { episodeLength: 40 } });
    const t = runEpisode(env, (obs) => (obs[0]! > 0 ? 1 : -1), { seed: 4 });
    expect(t.steps).toBe(40);
    expect(t.equity.length).toBe(40);
    expect(t.totalFees).toBeCloseTo(t.fee.reduce((a, b) => a + b, 0), 9);
    expect(t.totalFees).toBeGreaterThan(0);
    expect(t.totalReward).toBeCloseTo(t.reward.reduce((a, b) => a + b, 0), 12);
    // without penalties the rewards telescope to the log growth of equity
    expect(t.totalReward).toBeCloseTo(Math.log(t.equity[39]! / 10_000), 9);
    expect(runEpisode(env, (obs) => (obs[0]! > 0 ? 1 : -1), { seed: 4 }).equity).toEqual(t.equity);
  });
});
