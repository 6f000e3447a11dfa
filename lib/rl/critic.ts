import * as tf from "@tensorflow/tfjs";
import type { ActorCriticLayout } from "./actor-critic";
import { cvarOfQuantiles } from "./losses";
import { mlpForward } from "./mlp";

/**
 * Twin quantile critics: two independent MLPs (no shared trunk), each giving nQuantiles values of the
 * return distribution at tau_i = (i + 0.5) / n. Advantages use the pessimistic critic, the one whose
 * mean is smaller, which curbs the overestimation a single critic drifts into. With a scalar critic
 * (distributional off) there is one network with one output.
 */

/** Batched forward of every critic over `count` observations; returns one [count * nOut] array per critic. */
export function evaluateCritics(layout: ActorCriticLayout, theta: tf.Tensor1D, obs: Float32Array, count: number, chunk = 4096): Float32Array[] {
  const { obsSize, nQuantiles } = layout.spec;
  const outs = layout.critics.map(() => new Float32Array(count * nQuantiles));
  for (let start = 0; start < count; start += chunk) {
    const rows = Math.min(chunk, count - start);
    const results = tf.tidy(() => {
      const x = tf.tensor2d(obs.subarray(start * obsSize, (start + rows) * obsSize), [rows, obsSize]);
      return layout.critics.map((c) => mlpForward(c, theta, x).out);
    });
    results.forEach((t, c) => {
      outs[c]!.set(t.dataSync() as Float32Array, start * nQuantiles);
      t.dispose();
    });
  }
  return outs;
}

export interface PessimisticValues {
  /** Smaller of the critics' means, per row. */
  mean: Float64Array;
  /** CVaR_alpha of that critic's quantiles, per row (when alpha was given). */
  cvar: Float64Array | null;
}

/** Per row: mean of each critic's outputs, the smaller one, and optionally its CVaR. */
export function pessimisticValues(outputs: Float32Array[], count: number, nOut: number, cvarAlpha: number | null): PessimisticValues {
  const mean = new Float64Array(count);
  const cvar = cvarAlpha === null ? null : new Float64Array(count);
  const scratch = new Float64Array(nOut);
  for (let r = 0; r < count; r++) {
    let best = Number.POSITIVE_INFINITY;
    let bestCritic = 0;
    outputs.forEach((o, c) => {
      let s = 0;
      for (let k = 0; k < nOut; k++) s += o[r * nOut + k]!;
      if (s / nOut < best) {
        best = s / nOut;
        bestCritic = c;
      }
    });
    mean[r] = best;
    if (cvar !== null && cvarAlpha !== null) {
      const o = outputs[bestCritic]!;
      for (let k = 0; k < nOut; k++) scratch[k] = o[r * nOut + k]!;
      cvar[r] = cvarOfQuantiles(scratch, cvarAlpha);
    }
  }
  return { mean, cvar };
}

/** Gaussian log-densities of the stored raw actions under the current policy, batched ([count]). */
export function evaluateLogProbs(layout: ActorCriticLayout, theta: tf.Tensor1D, obs: Float32Array, raw: Float32Array, count: number, chunk = 4096): Float32Array {
  const { obsSize, actionSize } = layout.spec;
  const out = new Float32Array(count);
  for (let start = 0; start < count; start += chunk) {
    const rows = Math.min(chunk, count - start);
    const lp = tf.tidy(() => {
      const x = tf.tensor2d(obs.subarray(start * obsSize, (start + rows) * obsSize), [rows, obsSize]);
      const u = tf.tensor2d(raw.subarray(start * actionSize, (start + rows) * actionSize), [rows, actionSize]);
      return gaussianLogProbTf(layout, theta, mlpForward(layout.policy, theta, x).out, u).logProb;
    });
    out.set(lp.dataSync() as Float32Array, start);
    lp.dispose();
  }
  return out;
}

export interface GaussianTerms {
  /** Sum over action dimensions of log N(u; mean, std^2), [B]. */
  logProb: tf.Tensor1D;
  /** (u - mean) / std, [B, A]. */
  z: tf.Tensor2D;
  /** Clamped log-std, [A]. */
  logStd: tf.Tensor1D;
  /** 1 where the log-std parameter is inside its clamp range (its gradient passes), [A]. */
  logStdInside: tf.Tensor1D;
}

/** Log-density terms of the pre-squash Gaussian in tf (the squash Jacobian cancels in PPO ratios). */
export function gaussianLogProbTf(layout: ActorCriticLayout, theta: tf.Tensor1D, mean: tf.Tensor2D, raw: tf.Tensor2D): GaussianTerms {
  const { actionSize, logStdMin, logStdMax } = layout.spec;
  const param = tf.slice(theta, layout.logStdOffset, actionSize);
  const logStd = tf.clipByValue(param, logStdMin, logStdMax) as tf.Tensor1D;
  const logStdInside = tf.mul(tf.step(tf.sub(param, logStdMin)), tf.step(tf.sub(logStdMax, param))) as tf.Tensor1D;
  const z = tf.mul(tf.sub(raw, mean), tf.exp(tf.neg(logStd))) as tf.Tensor2D;
  const perDim = tf.sub(tf.mul(tf.square(z), -0.5), logStd);
  const logProb = tf.sub(tf.sum(perDim, 1), actionSize * 0.5 * Math.log(2 * Math.PI)) as tf.Tensor1D;
  return { logProb, z, logStd, logStdInside };
}
