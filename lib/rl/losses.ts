import * as tf from "@tensorflow/tfjs";

/**
 * PPO and critic losses. Each loss comes in the form the trainer uses, returning the loss value and
 * its gradient with respect to the network outputs (the networks' backward pass is written by hand,
 * see mlp.ts). `quantileHuberLoss` is also given as a plain differentiable tf function, written so
 * that autodiff never meets a comparison op (tfjs has no gradient for Less/Greater): a test checks
 * the hand-written gradient against it and against finite differences. Call inside tf.tidy.
 */

/** tau_i = (i + 0.5) / n, the quantile midpoints a critic with n outputs estimates. */
export function quantileTaus(n: number): Float32Array {
  const t = new Float32Array(n);
  for (let i = 0; i < n; i++) t[i] = (i + 0.5) / n;
  return t;
}

/**
 * Quantile Huber loss (QR-DQN): for predictions theta [B, N] at taus [N] and target samples T [B, M],
 * mean over batch and targets, sum over quantiles, of |tau_i - 1{u < 0}| * huber_kappa(u) / kappa with
 * u = T_j - theta_i. Huber is written as q = min(|u|, kappa); 0.5 q^2 + kappa (|u| - q), and the
 * indicator as step(-u), whose gradient is zero: autodiff-safe (STACK.md P15).
 */
export function quantileHuberLoss(pred: tf.Tensor2D, target: tf.Tensor2D, taus: tf.Tensor1D, kappa = 1): tf.Scalar {
  const u = tf.sub(tf.expandDims(target, 1), tf.expandDims(pred, 2)); // [B, N, M]
  const absU = tf.abs(u);
  const q = tf.minimum(absU, kappa);
  const huber = tf.add(tf.mul(tf.square(q), 0.5), tf.mul(tf.sub(absU, q), kappa));
  const weight = tf.abs(tf.sub(tf.reshape(taus, [1, -1, 1]), tf.step(tf.neg(u))));
  const perSample = tf.sum(tf.mean(tf.mul(weight, huber), 2), 1); // mean over targets, sum over quantiles
  return tf.div(tf.mean(perSample), kappa) as tf.Scalar;
}

export interface LossAndGrad {
  /** Scalar loss. */
  loss: tf.Scalar;
  /** d loss / d prediction, same shape as the prediction. */
  grad: tf.Tensor2D;
}

/** Elementwise (per batch row and quantile) quantile Huber terms and their derivatives, targets [B, M]. */
function quantileHuberTerms(pred: tf.Tensor2D, target: tf.Tensor2D, taus: tf.Tensor1D, kappa: number): { terms: tf.Tensor2D; dTerms: tf.Tensor2D } {
  const m = target.shape[1];
  if (m === 1) return singleTargetTerms(pred, target, taus, kappa);
  const u = tf.sub(tf.expandDims(target, 1), tf.expandDims(pred, 2)); // [B, N, M]
  const weight = tf.abs(tf.sub(tf.reshape(taus, [1, -1, 1]), tf.step(tf.neg(u))));
  const absU = tf.abs(u);
  const q = tf.minimum(absU, kappa);
  const huber = tf.add(tf.mul(tf.square(q), 0.5), tf.mul(tf.sub(absU, q), kappa));
  const scale = 1 / (kappa * m);
  // d huber / d u = clip(u, -kappa, kappa); d u / d theta = -1
  const terms = tf.mul(tf.sum(tf.mul(weight, huber), 2), scale) as tf.Tensor2D;
  const dTerms = tf.mul(tf.sum(tf.mul(weight, tf.clipByValue(u, -kappa, kappa)), 2), -scale) as tf.Tensor2D;
  return { terms, dTerms };
}

/**
 * The one-target case (the trainer's: each row's return is one sample) on [B, N] tensors, with
 * huber written as q (|u| - q / 2) and the weight as tau + 1{u < 0} (1 - 2 tau): fewer, smaller ops.
 */
function singleTargetTerms(pred: tf.Tensor2D, target: tf.Tensor2D, taus: tf.Tensor1D, kappa: number): { terms: tf.Tensor2D; dTerms: tf.Tensor2D } {
  const u = tf.sub(target, pred); // [B, N]
  const weight = tf.add(taus, tf.mul(tf.step(tf.neg(u)), tf.sub(1, tf.mul(taus, 2))));
  const absU = tf.abs(u);
  const q = tf.minimum(absU, kappa);
  const huber = tf.mul(q, tf.sub(absU, tf.mul(q, 0.5)));
  const terms = tf.mul(tf.mul(weight, huber), 1 / kappa) as tf.Tensor2D;
  const dTerms = tf.mul(tf.mul(weight, tf.clipByValue(u, -kappa, kappa)), -1 / kappa) as tf.Tensor2D;
  return { terms, dTerms };
}

/** `quantileHuberLoss` with its analytic gradient with respect to the predictions. */
export function quantileHuberLossAndGrad(pred: tf.Tensor2D, target: tf.Tensor2D, taus: tf.Tensor1D, kappa = 1): LossAndGrad {
  const b = pred.shape[0];
  const { terms, dTerms } = quantileHuberTerms(pred, target, taus, kappa);
  return { loss: tf.div(tf.sum(terms), b) as tf.Scalar, grad: tf.div(dTerms, b) as tf.Tensor2D };
}

/**
 * Value clipping for quantile (or scalar) critics, elementwise as in PPO2: the prediction is also
 * evaluated clipped to old +- clip, and the larger of the two losses is kept for each output.
 */
export function clippedQuantileHuberLossAndGrad(pred: tf.Tensor2D, oldPred: tf.Tensor2D, target: tf.Tensor2D, taus: tf.Tensor1D, kappa: number, clip: number): LossAndGrad {
  const b = pred.shape[0];
  const delta = tf.sub(pred, oldPred);
  const clippedPred = tf.add(oldPred, tf.clipByValue(delta, -clip, clip)) as tf.Tensor2D;
  const inside = tf.sub(1, tf.step(tf.sub(tf.abs(delta), clip))); // 1 where |delta| <= clip
  const a = quantileHuberTerms(pred, target, taus, kappa);
  const c = quantileHuberTerms(clippedPred, target, taus, kappa);
  const useClipped = tf.step(tf.sub(c.terms, a.terms)); // 1 where the clipped loss is larger
  const terms = tf.maximum(a.terms, c.terms);
  const grad = tf.add(tf.mul(tf.sub(1, useClipped), a.dTerms), tf.mul(useClipped, tf.mul(c.dTerms, inside)));
  return { loss: tf.div(tf.sum(terms), b) as tf.Scalar, grad: tf.div(grad, b) as tf.Tensor2D };
}

/** Squared error mean((T - V)^2) for a scalar critic, optionally value-clipped (PPO2 style). */
export function squaredErrorLossAndGrad(pred: tf.Tensor2D, target: tf.Tensor2D, oldPred: tf.Tensor2D | null, clip: number | null): LossAndGrad {
  const b = pred.shape[0];
  const err = tf.sub(pred, target);
  if (oldPred === null || clip === null) {
    return { loss: tf.mean(tf.square(err)) as tf.Scalar, grad: tf.mul(err, 2 / b) as tf.Tensor2D };
  }
  const delta = tf.sub(pred, oldPred);
  const clippedErr = tf.sub(tf.add(oldPred, tf.clipByValue(delta, -clip, clip)), target);
  const inside = tf.sub(1, tf.step(tf.sub(tf.abs(delta), clip)));
  const a = tf.square(err);
  const c = tf.square(clippedErr);
  const useClipped = tf.step(tf.sub(c, a));
  const grad = tf.add(tf.mul(tf.sub(1, useClipped), err), tf.mul(useClipped, tf.mul(clippedErr, inside)));
  return { loss: tf.mean(tf.maximum(a, c)) as tf.Scalar, grad: tf.mul(grad, 2 / b) as tf.Tensor2D };
}

export interface SurrogateResult {
  /** -mean(min(r A, clip(r, 1 - eps, 1 + eps) A)). */
  loss: tf.Scalar;
  /** d loss / d logProb, [B]. */
  dLogProb: tf.Tensor1D;
  /** mean((r - 1) - log r), the low-variance KL(old || new) estimator. */
  approxKl: tf.Scalar;
  /** Share of samples with |r - 1| > eps. */
  clipFraction: tf.Scalar;
}

/** PPO clipped surrogate over log-probabilities [B] and advantages [B]. */
export function clippedSurrogate(logProb: tf.Tensor1D, oldLogProb: tf.Tensor1D, advantages: tf.Tensor1D, clip: number): SurrogateResult {
  const b = logProb.shape[0];
  const logRatio = tf.sub(logProb, oldLogProb);
  const ratio = tf.exp(logRatio);
  const unclipped = tf.mul(ratio, advantages);
  const clipped = tf.mul(tf.clipByValue(ratio, 1 - clip, 1 + clip), advantages);
  // gradient flows through the unclipped term where it is the minimum (ties included)
  const active = tf.sub(1, tf.step(tf.sub(unclipped, clipped)));
  const loss = tf.neg(tf.mean(tf.minimum(unclipped, clipped))) as tf.Scalar;
  const dLogProb = tf.mul(tf.mul(active, unclipped), -1 / b) as tf.Tensor1D; // d(r A)/d logp = r A
  const approxKl = tf.mean(tf.sub(tf.sub(ratio, 1), logRatio)) as tf.Scalar;
  const clipFraction = tf.mean(tf.step(tf.sub(tf.abs(tf.sub(ratio, 1)), clip))) as tf.Scalar;
  return { loss, dLogProb, approxKl, clipFraction };
}

/**
 * CVaR_alpha of an empirical distribution given by n equally weighted quantile values (sorted in
 * place): the mean of the lowest alpha fraction, counting the boundary quantile fractionally.
 */
export function cvarOfQuantiles(values: Float64Array, alpha: number): number {
  values.sort();
  const n = values.length;
  const mass = alpha * n;
  const whole = Math.floor(mass);
  let sum = 0;
  for (let i = 0; i < whole && i < n; i++) sum += values[i]!;
  if (whole < n && mass > whole) sum += (mass - whole) * values[whole]!;
  return sum / mass;
}
