import { SeededRng } from "../sim/rng";
import { InvariantError } from "../core/errors";
import { EnvCore } from "./env-core";
import type { EpisodeStarts } from "./episodes";
import type { ResolvedEnvOptions, TradingEnvOptions } from "./options";
import { episodeStarts, observationNames, resolveEnvOptions } from "./options";

/** What happened in one step, for notebooks, logs and tests. Money in the quote currency. */
export interface StepInfo {
  /** Open time of the bar whose close the new observation describes. */
  ts: number;
  row: number;
  /** Steps taken in this episode. */
  step: number;
  equity: number;
  cash: number;
  /** Position in base units after this step's fill. */
  positionQty: number;
  /** The target the env pursued (after long-only mapping and risk limits; NaN = held). */
  target: number;
  /** Signed quantity filled in this step's bar (0 = no fill), its price, fee and slippage cost. */
  fillQty: number;
  fillPrice: number;
  fee: number;
  slippage: number;
  tradedNotional: number;
  /** ln(equity_t+1 / equity_t): the reward before penalties. */
  logReturn: number;
  turnoverPenalty: number;
  drawdownPenalty: number;
  drawdown: number;
}

export interface StepResult {
  obs: Float32Array;
  reward: number;
  /** Bankrupt: equity fell below env.minEquityFraction of the initial cash. */
  terminated: boolean;
  /** Cut by the episode length (or the end of the split). */
  truncated: boolean;
  info: StepInfo;
}

/** Observation and action ranges of an env, and the feature schema behind the observation. */
export interface TradingEnvSpec {
  obsSize: number;
  obsNames: readonly string[];
  actionLow: number;
  actionHigh: number;
  featureHash: string;
  episodeLength: number;
}

/**
 * Gym-style trading env over one symbol's precomputed features, one step at a time (notebooks,
 * evaluation). Action = target position in [-1, 1] ([0, 1] long-only) as a fraction of
 * env.maxPositionFraction of equity; the order is filled by lib/sim in the next bar.
 */
export class TradingEnv {
  readonly spec: TradingEnvSpec;
  private readonly core: EnvCore;
  private readonly starts: EpisodeStarts;
  private readonly r: ResolvedEnvOptions;
  private rng: SeededRng;
  private started = false;

  constructor(private readonly o: TradingEnvOptions) {
    this.r = resolveEnvOptions(o);
    this.core = new EnvCore({
      market: o.market,
      config: this.r.config,
      execution: o.execution,
      stateFeatures: o.market.stateFeatures,
      clip: o.market.clip,
      simWarmupBars: this.r.simWarmupBars,
      risk: o.risk?.(),
    });
    this.starts = episodeStarts(this.r, 0, o.market.symbol);
    this.rng = new SeededRng(o.seed ?? 0);
    this.spec = {
      obsSize: this.core.obsSize,
      obsNames: observationNames(o.market),
      actionLow: this.r.config.longOnly ? 0 : -1,
      actionHigh: 1,
      featureHash: o.market.featureHash,
      episodeLength: this.r.episodeLength,
    };
  }

  /**
   * Starts an episode and returns its first observation. A seed restarts the env's random stream
   * (episode starts and the simulator's draws), so the same seed gives the same episodes.
   * `start` (a row in the split's usable range) pins where the episode begins.
   */
  reset(seed?: number, opts: { start?: number } = {}): Float32Array {
    if (seed !== undefined) {
      this.rng = new SeededRng(seed);
      this.starts.rewind();
    }
    let start = this.starts.next(this.rng);
    if (opts.start !== undefined) {
      if (!Number.isInteger(opts.start) || opts.start < this.starts.first || opts.start > this.starts.lastStart) {
        throw new InvariantError(`reset start ${opts.start} outside the usable rows [${this.starts.first}, ${this.starts.lastStart}]`);
      }
      start = opts.start;
    }
    this.core.reset(start, this.rng.nextUint32());
    this.started = true;
    return this.observation();
  }

  step(action: number): StepResult {
    if (!this.started) throw new InvariantError("TradingEnv.step before reset");
    const c = this.core;
    c.step(action, this.r.episodeLength, this.r.lastRow);
    return {
      obs: this.observation(),
      reward: c.reward,
      terminated: c.terminated,
      truncated: c.truncated,
      info: {
        ts: this.o.market.bars.ts[c.row]!,
        row: c.row,
        step: c.steps,
        equity: c.equity,
        cash: c.cash,
        positionQty: c.positionQty,
        target: c.target,
        fillQty: c.fillQty,
        fillPrice: c.fillPrice,
        fee: c.fee,
        slippage: c.slippage,
        tradedNotional: c.tradedNotional,
        logReturn: c.logReturn,
        turnoverPenalty: c.turnoverCost,
        drawdownPenalty: c.drawdownCost,
        drawdown: c.drawdown,
      },
    };
  }

  /** Rows episodes may start at, inclusive. */
  get startRange(): { first: number; last: number } {
    return { first: this.starts.first, last: this.starts.lastStart };
  }

  private observation(): Float32Array {
    const out = new Float32Array(this.core.obsSize);
    this.core.writeObs(out, 0);
    return out;
  }
}
