import * as tf from "@tensorflow/tfjs";
import type { ActorCriticLayout } from "./actor-critic";
import { gaussianLogProbTf } from "./critic";
import { clippedQuantileHuberLossAndGrad, clippedSurrogate, quantileHuberLossAndGrad, squaredErrorLossAndGrad, type LossAndGrad } from "./losses";
import { mlpBackward, mlpForward } from "./mlp";

/** One minibatch, as tensors (rows already gathered). */
export interface Minibatch {
  obs: tf.Tensor2D;
  rawActions: tf.Tensor2D;
  oldLogProb: tf.Tensor1D;
  advantages: tf.Tensor1D;
  /** Critic target per row, [B, 1]. */
  returns: tf.Tensor2D;
  /** Critic outputs at collection time, per critic [B, nOut] (only needed for value clipping). */
  oldCriticOut: tf.Tensor2D[] | null;
}

export interface PpoCoefficients {
  clip: number;
  entropyCoef: number;
  valueCoef: number;
  valueClip: number | null;
  huberKappa: number;
}

/** Order of the values in `PpoGradient.stats`. */
export const PPO_STATS = ["loss", "policyLoss", "valueLoss", "entropy", "approxKl", "clipFraction"] as const;

export interface PpoGradient {
  /** d loss / d theta, flat, same layout as the parameters. */
  grad: tf.Tensor1D;
  /** Scalars in PPO_STATS order. */
  stats: tf.Tensor1D;
}

/**
 * Loss and gradient of PPO with quantile (or scalar) critics for one minibatch:
 *   loss = clipped surrogate - entropyCoef * H(Gaussian) + valueCoef * sum over critics of value loss.
 * The backward pass through the networks is written out (mlp.ts); call inside tf.tidy.
 */
export function ppoGradient(layout: ActorCriticLayout, theta: tf.Tensor1D, mb: Minibatch, k: PpoCoefficients, taus: tf.Tensor1D): PpoGradient {
  const b = mb.obs.shape[0];
  const onesRow = tf.ones([1, b]) as tf.Tensor2D;
  const obsT = tf.transpose(mb.obs); // shared by the networks' first layers

  // policy
  const ptrace = mlpForward(layout.policy, theta, mb.obs);
  const g = gaussianLogProbTf(layout, theta, ptrace.out, mb.rawActions);
  const sur = clippedSurrogate(g.logProb, mb.oldLogProb, mb.advantages, k.clip);
  const dlp = tf.expandDims(sur.dLogProb, 1); // [B, 1]
  const invStd = tf.exp(tf.neg(g.logStd));
  // d logp / d mean = z / std;  d logp / d logStd = z^2 - 1;  d H / d logStd = 1 per dimension
  const dMean = tf.mul(dlp, tf.mul(g.z, invStd)) as tf.Tensor2D;
  const dLogStdPg = tf.sum(tf.mul(dlp, tf.sub(tf.square(g.z), 1)), 0);
  const dLogStd = tf.mul(tf.sub(dLogStdPg, k.entropyCoef), g.logStdInside) as tf.Tensor1D;
  const entropy = tf.add(tf.sum(g.logStd), layout.spec.actionSize * (0.5 + 0.5 * Math.log(2 * Math.PI)));
  const pieces: tf.Tensor1D[] = [...mlpBackward(layout.policy, ptrace, dMean, onesRow, obsT), dLogStd];

  // critics
  let valueLoss: tf.Scalar = tf.scalar(0);
  layout.critics.forEach((c, ci) => {
    const trace = mlpForward(c, theta, mb.obs);
    const old = mb.oldCriticOut?.[ci] ?? null;
    const lg = criticLoss(layout, trace.out, mb.returns, old, k, taus);
    valueLoss = tf.add(valueLoss, lg.loss);
    pieces.push(...mlpBackward(c, trace, tf.mul(lg.grad, k.valueCoef) as tf.Tensor2D, onesRow, obsT));
  });

  const loss = tf.add(tf.sub(sur.loss, tf.mul(entropy, k.entropyCoef)), tf.mul(valueLoss, k.valueCoef));
  const stats = tf.stack([loss, sur.loss, valueLoss, entropy, sur.approxKl, sur.clipFraction]) as tf.Tensor1D;
  return { grad: tf.concat(pieces) as tf.Tensor1D, stats };
}

function criticLoss(layout: ActorCriticLayout, out: tf.Tensor2D, target: tf.Tensor2D, old: tf.Tensor2D | null, k: PpoCoefficients, taus: tf.Tensor1D): LossAndGrad {
  if (!layout.spec.distributional) return squaredErrorLossAndGrad(out, target, old, k.valueClip);
  if (old !== null && k.valueClip !== null) return clippedQuantileHuberLossAndGrad(out, old, target, taus, k.huberKappa, k.valueClip);
  return quantileHuberLossAndGrad(out, target, taus, k.huberKappa);
}
