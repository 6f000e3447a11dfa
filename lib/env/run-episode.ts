import type { TradingEnv } from "./trading-env";

/** Per-step record of one episode (index k = after step k), for metrics, plots and reports. */
export interface EpisodeTrace {
  ts: Float64Array;
  equity: Float64Array;
  positionQty: Float64Array;
  target: Float64Array;
  reward: Float64Array;
  logReturn: Float64Array;
  fillQty: Float64Array;
  fillPrice: Float64Array;
  fee: Float64Array;
  slippage: Float64Array;
  steps: number;
  terminated: boolean;
  /** Sum of rewards, fees and slippage over the episode. */
  totalReward: number;
  totalFees: number;
  totalSlippage: number;
}

/**
 * Runs one episode of `env` with a policy (observation -> action), e.g. a checkpoint's
 * deterministic policy or a rule baseline, and records every step.
 */
export function runEpisode(env: TradingEnv, policy: (obs: Float32Array) => number, opts: { seed?: number; start?: number } = {}): EpisodeTrace {
  const cap = env.spec.episodeLength;
  const t: EpisodeTrace = {
    ts: new Float64Array(cap),
    equity: new Float64Array(cap),
    positionQty: new Float64Array(cap),
    target: new Float64Array(cap),
    reward: new Float64Array(cap),
    logReturn: new Float64Array(cap),
    fillQty: new Float64Array(cap),
    fillPrice: new Float64Array(cap),
    fee: new Float64Array(cap),
    slippage: new Float64Array(cap),
    steps: 0,
    terminated: false,
    totalReward: 0,
    totalFees: 0,
    totalSlippage: 0,
  };
  let obs = env.reset(opts.seed, opts.start === undefined ? {} : { start: opts.start });
  for (let k = 0; k < cap; k++) {
    const r = env.step(policy(obs));
    const i = r.info;
    t.ts[k] = i.ts;
    t.equity[k] = i.equity;
    t.positionQty[k] = i.positionQty;
    t.target[k] = i.target;
    t.reward[k] = r.reward;
    t.logReturn[k] = i.logReturn;
    t.fillQty[k] = i.fillQty;
    t.fillPrice[k] = i.fillPrice;
    t.fee[k] = i.fee;
    t.slippage[k] = i.slippage;
    t.totalReward += r.reward;
    t.totalFees += i.fee;
    t.totalSlippage += i.slippage;
    t.steps = k + 1;
    obs = r.obs;
    if (r.terminated || r.truncated) {
      t.terminated = r.terminated;
      break;
    }
  }
  if (t.steps < cap) {
    for (const key of ["ts", "equity", "positionQty", "target", "reward", "logReturn", "fillQty", "fillPrice", "fee", "slippage"] as const) t[key] = t[key].slice(0, t.steps);
  }
  return t;
}
