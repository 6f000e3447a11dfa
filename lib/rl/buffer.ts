/**
 * Rollout storage over typed arrays, time-major: row (t, env) = t * numEnvs + env. Filled step by
 * step during collection, then completed with values, log-probabilities and advantages in batched
 * passes. Allocated once per trainer and reused for every rollout.
 */
export class RolloutBuffer {
  readonly numEnvs: number;
  readonly steps: number;
  readonly obsSize: number;
  readonly actionSize: number;
  readonly size: number;

  /** Observation each action was taken from. */
  readonly obs: Float32Array;
  /** Pre-squash Gaussian samples u (the action sent to the env is squash(u)). */
  readonly rawActions: Float32Array;
  /** Env rewards as received. */
  readonly rewards: Float32Array;
  /** Rewards after return normalisation (what GAE uses). */
  readonly scaledRewards: Float64Array;
  readonly terminated: Uint8Array;
  readonly truncated: Uint8Array;
  /** Observation an episode ended on, for rows with truncated = 1 (others unused). */
  readonly finalObs: Float32Array;
  /** Observation after the last step, for bootstrapping. */
  readonly lastObs: Float32Array;

  readonly logProbs: Float32Array;
  /** Pessimistic value per row: the smaller critic mean. */
  readonly values: Float64Array;
  readonly nextValues: Float64Array;
  /** CVaR of the pessimistic critic's quantiles (when the CVaR term is on). */
  readonly cvarValues: Float64Array;
  readonly cvarNextValues: Float64Array;
  readonly advantages: Float64Array;
  readonly cvarAdvantages: Float64Array;
  readonly returns: Float64Array;
  /** Raw critic outputs at collection time, [numCritics][size * nOut], for value clipping. */
  readonly criticOutputs: Float32Array[];

  constructor(numEnvs: number, steps: number, obsSize: number, actionSize: number, numCritics: number, criticOut: number) {
    this.numEnvs = numEnvs;
    this.steps = steps;
    this.obsSize = obsSize;
    this.actionSize = actionSize;
    const n = numEnvs * steps;
    this.size = n;
    this.obs = new Float32Array(n * obsSize);
    this.rawActions = new Float32Array(n * actionSize);
    this.rewards = new Float32Array(n);
    this.scaledRewards = new Float64Array(n);
    this.terminated = new Uint8Array(n);
    this.truncated = new Uint8Array(n);
    this.finalObs = new Float32Array(n * obsSize);
    this.lastObs = new Float32Array(numEnvs * obsSize);
    this.logProbs = new Float32Array(n);
    this.values = new Float64Array(n);
    this.nextValues = new Float64Array(n);
    this.cvarValues = new Float64Array(n);
    this.cvarNextValues = new Float64Array(n);
    this.advantages = new Float64Array(n);
    this.cvarAdvantages = new Float64Array(n);
    this.returns = new Float64Array(n);
    this.criticOutputs = Array.from({ length: numCritics }, () => new Float32Array(n * criticOut));
  }

  /** Rows (t * numEnvs + env) that were truncated, in order. */
  truncatedRows(): number[] {
    const rows: number[] = [];
    for (let i = 0; i < this.size; i++) if (this.truncated[i] === 1 && this.terminated[i] === 0) rows.push(i);
    return rows;
  }
}
