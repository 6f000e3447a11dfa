import type { VecEnv, VecEnvSpec, VecStepResult } from "../core/ports/env.port";
import { InvariantError } from "../core/errors";
import { SeededRng } from "../sim/rng";
import { EnvCore } from "./env-core";
import type { EpisodeStarts } from "./episodes";
import type { ResolvedEnvOptions, TradingEnvOptions } from "./options";
import { episodeStarts, observationNames, resolveEnvOptions } from "./options";

export interface VecTradingEnvOptions extends TradingEnvOptions {
  numEnvs: number;
}

/**
 * N trading envs stepping in lock step over one symbol (the trainer's VecEnv port). Observations
 * are one Float32Array of numEnvs * obsSize values; env i's episodes come from its own stream of
 * the seed. Envs that finish are reset at once (their last observation is in `finalObs`). Buffers
 * are reused between calls: copy what must be kept.
 */
export class VecTradingEnv implements VecEnv {
  readonly spec: VecEnvSpec;
  readonly obsNames: readonly string[];
  readonly featureHash: string;
  /** Per env: equity and position (base units) after the last step. */
  readonly equity: Float64Array;
  readonly positionQty: Float64Array;
  /** Per env, valid where the last step ended an episode: its summed reward, summed log return and length. */
  readonly episodeReward: Float64Array;
  readonly episodeLogReturn: Float64Array;
  readonly episodeSteps: Int32Array;
  private readonly cores: EnvCore[];
  private readonly starts: EpisodeStarts[];
  private readonly rngs: SeededRng[];
  private readonly r: ResolvedEnvOptions;
  private readonly obsSize: number;
  private readonly result: VecStepResult;
  private readonly obs: Float32Array;
  private started = false;

  constructor(o: VecTradingEnvOptions) {
    if (!Number.isInteger(o.numEnvs) || o.numEnvs < 1) throw new InvariantError(`numEnvs must be a positive integer, got ${o.numEnvs}`);
    const n = o.numEnvs;
    this.r = resolveEnvOptions(o);
    this.cores = [];
    this.starts = [];
    for (let i = 0; i < n; i++) {
      this.cores.push(
        new EnvCore({
          market: o.market,
          config: this.r.config,
          execution: o.execution,
          stateFeatures: o.market.stateFeatures,
          clip: o.market.clip,
          simWarmupBars: this.r.simWarmupBars,
          risk: o.risk?.(),
        }),
      );
      // back-to-back episodes are staggered so the envs cover different stretches of the split
      const span = Math.max(1, Math.floor((this.r.lastRow - this.r.episodeLength - this.r.firstRow + 1) / n));
      this.starts.push(episodeStarts(this.r, i * span, o.market.symbol));
    }
    this.rngs = this.seeded(o.seed ?? 0);
    this.obsSize = this.cores[0]!.obsSize;
    this.obs = new Float32Array(n * this.obsSize);
    this.result = {
      obs: this.obs,
      rewards: new Float32Array(n),
      terminated: new Uint8Array(n),
      truncated: new Uint8Array(n),
      finalObs: new Float32Array(n * this.obsSize),
    };
    this.equity = new Float64Array(n);
    this.positionQty = new Float64Array(n);
    this.episodeReward = new Float64Array(n);
    this.episodeLogReturn = new Float64Array(n);
    this.episodeSteps = new Int32Array(n);
    this.spec = { numEnvs: n, obsSize: this.obsSize, actionSize: 1, actionLow: this.r.config.longOnly ? 0 : -1, actionHigh: 1 };
    this.obsNames = observationNames(o.market);
    this.featureHash = o.market.featureHash;
  }

  private seeded(seed: number): SeededRng[] {
    const root = new SeededRng(seed);
    return this.cores.map((_, i) => root.fork(i));
  }

  /** Starts an episode in every env; a seed restarts every env's stream (same seed, same episodes). */
  reset(seed?: number): Float32Array {
    if (seed !== undefined) {
      this.rngs.splice(0, this.rngs.length, ...this.seeded(seed));
      for (const s of this.starts) s.rewind();
    }
    for (let i = 0; i < this.cores.length; i++) this.resetOne(i);
    this.started = true;
    return this.obs;
  }

  private resetOne(i: number): void {
    const rng = this.rngs[i]!;
    const c = this.cores[i]!;
    c.reset(this.starts[i]!.next(rng), rng.nextUint32());
    c.writeObs(this.obs, i * this.obsSize);
    this.equity[i] = c.equity;
    this.positionQty[i] = 0;
  }

  step(actions: Float32Array): VecStepResult {
    if (!this.started) throw new InvariantError("VecTradingEnv.step before reset");
    const n = this.cores.length;
    if (actions.length !== n) throw new InvariantError(`expected ${n} actions, got ${actions.length}`);
    const res = this.result;
    const size = this.obsSize;
    const maxSteps = this.r.episodeLength;
    const lastRow = this.r.lastRow;
    for (let i = 0; i < n; i++) {
      const c = this.cores[i]!;
      c.step(actions[i]!, maxSteps, lastRow);
      res.rewards[i] = c.reward;
      this.equity[i] = c.equity;
      this.positionQty[i] = c.positionQty;
      const term = c.terminated;
      const trunc = c.truncated;
      res.terminated[i] = term ? 1 : 0;
      res.truncated[i] = trunc ? 1 : 0;
      if (term || trunc) {
        c.writeObs(res.finalObs, i * size);
        this.episodeReward[i] = c.episodeReward;
        this.episodeLogReturn[i] = c.episodeLogReturn;
        this.episodeSteps[i] = c.steps;
        this.resetOne(i);
      } else {
        c.writeObs(this.obs, i * size);
      }
    }
    return res;
  }
}
