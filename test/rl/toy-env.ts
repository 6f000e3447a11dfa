import type { VecEnv, VecStepResult } from "../../lib/core/ports/env.port";
import { SeededRng } from "../../lib/sim/rng";

/**
 * A trend-following toy market for tests: a hidden regime s in {-1, +1} persists with probability
 * `stay` each step; the observation is [s, previous action]; the reward of action a in [-1, 1] is
 * a * s_next - cost * |a - previous a|. The regime ignores the actions, so the optimal policy is
 * a = s (expected reward (2 stay - 1) per step, less costs at regime switches), and its exact return
 * on any seeded path can be computed for comparison.
 */
export class TrendToyEnv implements VecEnv {
  readonly spec;
  private readonly regime: Float64Array;
  private readonly prevAction: Float64Array;
  private readonly t: Int32Array;
  private rngs: SeededRng[] = [];
  private readonly out: VecStepResult;

  constructor(numEnvs: number, readonly episodeLength: number, readonly stay = 0.9, readonly cost = 0) {
    this.spec = { numEnvs, obsSize: 2, actionSize: 1, actionLow: -1, actionHigh: 1 };
    this.regime = new Float64Array(numEnvs);
    this.prevAction = new Float64Array(numEnvs);
    this.t = new Int32Array(numEnvs);
    this.out = {
      obs: new Float32Array(numEnvs * 2),
      rewards: new Float32Array(numEnvs),
      terminated: new Uint8Array(numEnvs),
      truncated: new Uint8Array(numEnvs),
      finalObs: new Float32Array(numEnvs * 2),
    };
  }

  reset(seed = 0): Float32Array {
    this.rngs = Array.from({ length: this.spec.numEnvs }, (_, i) => new SeededRng(seed * 1000 + i));
    for (let i = 0; i < this.spec.numEnvs; i++) this.startEpisode(i);
    return this.out.obs;
  }

  private startEpisode(i: number): void {
    this.regime[i] = this.rngs[i]!.next() < 0.5 ? -1 : 1;
    this.prevAction[i] = 0;
    this.t[i] = 0;
    this.writeObs(i, this.out.obs);
  }

  private writeObs(i: number, o: Float32Array): void {
    o[2 * i] = this.regime[i]!;
    o[2 * i + 1] = this.prevAction[i]!;
  }

  step(actions: Float32Array): VecStepResult {
    const o = this.out;
    for (let i = 0; i < this.spec.numEnvs; i++) {
      const a = actions[i]!;
      if (this.rngs[i]!.next() >= this.stay) this.regime[i] = -this.regime[i]!;
      o.rewards[i] = a * this.regime[i]! - this.cost * Math.abs(a - this.prevAction[i]!);
      this.prevAction[i] = a;
      this.t[i]! += 1;
      o.terminated[i] = 0;
      o.truncated[i] = this.t[i]! >= this.episodeLength ? 1 : 0;
      if (o.truncated[i]) {
        this.writeObs(i, o.finalObs);
        this.startEpisode(i);
      } else this.writeObs(i, o.obs);
    }
    return o;
  }
}

/** Mean episode return of `act` over `episodes` seeded single-env episodes. */
export function evaluateToy(episodes: number, length: number, seed: number, act: (obs: Float32Array) => number, stay = 0.9, cost = 0): number {
  let total = 0;
  for (let e = 0; e < episodes; e++) {
    const env = new TrendToyEnv(1, length, stay, cost);
    let obs = Float32Array.from(env.reset(seed + e));
    for (let t = 0; t < length; t++) {
      const r = env.step(Float32Array.of(act(obs)));
      total += r.rewards[0]!;
      obs = Float32Array.from(r.obs);
    }
  }
  return total / episodes;
}
