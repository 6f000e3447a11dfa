/**
 * Generalised advantage estimation over a rollout stored time-major: index (t, env) = t * numEnvs + env.
 *
 * Terminations and truncations differ: a terminated step has no future (its next value counts as 0);
 * a truncated step (time limit) bootstraps from the value of the observation the env ended on, which
 * the caller puts in `nextValues`. Either way the advantage recursion stops there, because the next
 * stored step belongs to a new episode.
 *
 *   delta_t = r_t + gamma * (1 - terminated_t) * nextValue_t - V(s_t)
 *   A_t     = delta_t + gamma * lambda * (1 - (terminated_t or truncated_t)) * A_{t+1}
 *   R_t     = A_t + V(s_t)                       (the critics' target)
 */
export interface GaeInput {
  rewards: ArrayLike<number>;
  values: ArrayLike<number>;
  /** Value of the state after each step: V(s_{t+1}), or V(final observation) where truncated. */
  nextValues: ArrayLike<number>;
  terminated: Uint8Array;
  truncated: Uint8Array;
  numEnvs: number;
  steps: number;
  gamma: number;
  lambda: number;
}

export function computeGae(input: GaeInput, advantages: Float64Array, returns: Float64Array): void {
  const { rewards, values, nextValues, terminated, truncated, numEnvs, steps, gamma, lambda } = input;
  for (let e = 0; e < numEnvs; e++) {
    let next = 0;
    for (let t = steps - 1; t >= 0; t--) {
      const i = t * numEnvs + e;
      const term = terminated[i] === 1;
      const done = term || truncated[i] === 1;
      const delta = rewards[i]! + (term ? 0 : gamma * nextValues[i]!) - values[i]!;
      next = delta + (done ? 0 : gamma * lambda * next);
      advantages[i] = next;
      returns[i] = next + values[i]!;
    }
  }
}

/**
 * Builds `nextValues` for `computeGae`: the value of the following stored step, the bootstrap value
 * after the rollout's last step (`lastValues`, per env), or `finalValues` where the step was truncated.
 */
export function nextValuesFor(values: ArrayLike<number>, lastValues: ArrayLike<number>, finalValues: ArrayLike<number>, truncated: Uint8Array, numEnvs: number, steps: number, out: Float64Array): void {
  for (let t = 0; t < steps; t++) {
    for (let e = 0; e < numEnvs; e++) {
      const i = t * numEnvs + e;
      if (truncated[i] === 1) out[i] = finalValues[i]!;
      else out[i] = t + 1 < steps ? values[i + numEnvs]! : lastValues[e]!;
    }
  }
}

/** 1 - Var[target - prediction] / Var[target]: 1 is perfect, 0 is no better than a constant. */
export function explainedVariance(pred: ArrayLike<number>, target: ArrayLike<number>, n = target.length): number {
  let mt = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    mt += target[i]!;
    md += target[i]! - pred[i]!;
  }
  mt /= n;
  md /= n;
  let vt = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    const a = target[i]! - mt;
    const d = target[i]! - pred[i]! - md;
    vt += a * a;
    vd += d * d;
  }
  return vt === 0 ? Number.NaN : 1 - vd / vt;
}

/** In-place (x - mean) / (std + eps). */
export function normaliseInPlace(x: Float64Array, eps = 1e-8): void {
  const n = x.length;
  if (n === 0) return;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i]! - m) ** 2;
  const s = Math.sqrt(v / n) + eps;
  for (let i = 0; i < n; i++) x[i] = (x[i]! - m) / s;
}
