import { describe, expect, it } from "vitest";
import { TradingEnv } from "../../../lib/env/trading-env";
import { syntheticBars } from "../../../lib/features/index";
import { PolicyStateTracker } from "../../../lib/services/signal-runner/policy-state";
import { SeededRng } from "../../../lib/sim/rng";
import { execution, marketOf, T0 } from "../../env/helpers";

describe("PolicyStateTracker", () => {
  it("writes the same state features as the RL env at every step of an episode with buys, adds, reductions, flips and flats", () => {
    const bars = syntheticBars(400, new SeededRng(21), { startTs: T0, volume: 1e6 });
    const market = marketOf(bars, { steps: [{ kind: "barShape" }] });
    const exec = execution({ fees: { makerBps: 10, takerBps: 10 }, slippage: { kind: "fixed", fixedBps: 3 }, latency: { enabled: false }, fill: { participationCap: 1 } });
    const lev = 0.7;
    const env = new TradingEnv({ market, execution: exec, env: { episodeLength: 120, initialCash: 10_000, maxPositionFraction: lev }, simWarmupBars: 1 });
    const w = market.featureNames.length;
    const nState = market.stateFeatures.length;
    expect(nState).toBe(4);
    const rng = new SeededRng(3);
    let obs = env.reset(1, { start: 50 });
    const tracker = new PolicyStateTracker();
    const out = new Float32Array(w + nState);
    let q0 = 0;
    let equity = 10_000;
    tracker.start(equity);
    let compared = 0;
    for (let k = 0; k < 120; k++) {
      const a = k % 17 === 0 ? 0 : rng.next() * 2 - 1; // flats now and then
      const r = env.step(a);
      const i = r.info;
      equity = i.equity;
      tracker.onBarClose(q0, i.positionQty, i.fillPrice, equity);
      q0 = i.positionQty;
      tracker.write(market.stateFeatures, i.positionQty, bars.close[i.row]!, equity, lev, market.clip, out, w);
      for (let j = 0; j < nState; j++) expect(out[w + j], `step ${k} ${market.stateFeatures[j]}`).toBe(r.obs[w + j]);
      compared++;
      obs = r.obs;
      if (r.terminated || r.truncated) break;
    }
    expect(compared).toBeGreaterThan(100);
    expect(obs.length).toBe(w + nState);
  });

  it("round-trips through a snapshot (restart keeps entry, bars held and the equity peak)", () => {
    const t = new PolicyStateTracker();
    t.onBarClose(0, 1, 100, 1000);
    t.onBarClose(1, 1, Number.NaN, 1100);
    t.onBarClose(1, 1, Number.NaN, 1050);
    const u = new PolicyStateTracker();
    u.restore(JSON.parse(JSON.stringify(t.snapshot())));
    expect(u.snapshot()).toEqual({ avgEntry: 100, barsInPosition: 3, peakEquity: 1100, drawdown: 1 - 1050 / 1100 });
  });
});
