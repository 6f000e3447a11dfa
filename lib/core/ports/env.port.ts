/**
 * The contract between a vectorised trading environment (lib/env) and a trainer (lib/rl), so that
 * neither imports the other. N environments step in lock step; observations are one flat
 * Float32Array of N * obsSize values, row-major (env i's observation at [i * obsSize, (i + 1) * obsSize)).
 */
export interface VecEnvSpec {
  numEnvs: number;
  obsSize: number;
  /** Action dimension (1 for a single-symbol target position). */
  actionSize: number;
  /** Range of the action the env accepts: [-1, 1] long/short, [0, 1] long-only. */
  actionLow: number;
  actionHigh: number;
}

export interface VecStepResult {
  /** Next observations (after auto-reset for envs that finished). */
  obs: Float32Array;
  rewards: Float32Array;
  /** 1 where the episode ended for a terminal reason (bankrupt, data end as a true end). */
  terminated: Uint8Array;
  /** 1 where the episode was cut by its length limit (bootstrap from `finalObs`). */
  truncated: Uint8Array;
  /** For envs that finished this step, the last observation before auto-reset (others: unspecified). */
  finalObs: Float32Array;
}

export interface VecEnv {
  readonly spec: VecEnvSpec;
  reset(seed?: number): Float32Array;
  /** `actions` has numEnvs * actionSize values, already in [actionLow, actionHigh]. */
  step(actions: Float32Array): VecStepResult;
}
