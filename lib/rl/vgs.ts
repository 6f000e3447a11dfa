import * as tf from "@tensorflow/tfjs";
import type { VgsConfig } from "../config/schemas/ppo";
import { stateError } from "./optimizers/state";
import type { TensorState } from "./optimizers/types";

/**
 * Variance gradient scaler. Per parameter, EMAs of the gradient and of its square (bias-corrected)
 * give the gradient variance elementwise, Var[g] = E[g^2] - E[g]^2 (squaring each element before
 * averaging over time, never averaging over the tensor first, which would understate the variance
 * by the tensor's size). The normalised variance Var[g] / E[g^2] in [0, 1] is the share of the
 * gradient's second moment that is noise; each gradient element is multiplied by
 *   max(floor, 1 / (1 + alpha * Var[g] / (E[g^2] + eps))).
 */
export class VarianceGradientScaler {
  private readonly cfg: VgsConfig;
  private readonly mean: tf.Variable<tf.Rank.R1>;
  private readonly sq: tf.Variable<tf.Rank.R1>;
  private t = 0;

  constructor(size: number, cfg: VgsConfig) {
    this.cfg = cfg;
    this.mean = tf.variable(tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>;
    this.sq = tf.variable(tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>;
  }

  get enabled(): boolean {
    return this.cfg.enabled;
  }

  /** Updates the statistics with `grad` and returns the scaled gradient; call inside tf.tidy. */
  apply(grad: tf.Tensor1D): tf.Tensor1D {
    if (!this.cfg.enabled) return grad;
    const { beta, alpha, floor, eps } = this.cfg;
    this.t += 1;
    const c = 1 - beta ** this.t;
    const mean = tf.add(tf.mul(this.mean, beta), tf.mul(grad, 1 - beta));
    const sq = tf.add(tf.mul(this.sq, beta), tf.mul(tf.square(grad), 1 - beta));
    this.mean.assign(mean as tf.Tensor1D);
    this.sq.assign(sq as tf.Tensor1D);
    const sqHat = tf.div(sq, c);
    const variance = tf.relu(tf.sub(sqHat, tf.square(tf.div(mean, c))));
    const scale = tf.maximum(tf.reciprocal(tf.add(tf.mul(tf.div(variance, tf.add(sqHat, eps)), alpha), 1)), floor);
    return tf.mul(grad, scale) as tf.Tensor1D;
  }

  /** Current elementwise variance estimate (bias-corrected), for inspection and tests. */
  variance(): Float32Array {
    const c = 1 - this.cfg.beta ** Math.max(this.t, 1);
    const v = tf.tidy(() => tf.relu(tf.sub(tf.div(this.sq, c), tf.square(tf.div(this.mean, c)))));
    const out = Float32Array.from(v.dataSync());
    v.dispose();
    return out;
  }

  getState(): TensorState {
    return { tensors: { mean: Float32Array.from(this.mean.dataSync()), sq: Float32Array.from(this.sq.dataSync()) }, scalars: { t: this.t } };
  }

  setState(s: TensorState): void {
    const { mean, sq } = s.tensors;
    const t = s.scalars.t;
    const n = this.mean.size;
    if (mean?.length !== n || sq?.length !== n || t === undefined) throw stateError("vgs", n);
    tf.tidy(() => {
      this.mean.assign(tf.tensor1d(mean));
      this.sq.assign(tf.tensor1d(sq));
    });
    this.t = t;
  }

  dispose(): void {
    this.mean.dispose();
    this.sq.dispose();
  }
}
