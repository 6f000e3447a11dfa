import * as tf from "@tensorflow/tfjs";
import type { AdamConfig } from "../../config/schemas/ppo";
import { stateError } from "./state";
import type { FlatOptimizer, TensorState } from "./types";

/**
 * Adam (Kingma & Ba) with optional decoupled weight decay (AdamW):
 *   m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2
 *   w <- w - lr * m_hat / (sqrt(v_hat) + eps) - lr * weightDecay * w
 * with m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t), folded into one step size per update.
 */
export class FlatAdam implements FlatOptimizer {
  readonly kind = "adam";
  private readonly cfg: AdamConfig;
  private readonly m: tf.Variable<tf.Rank.R1>;
  private readonly v: tf.Variable<tf.Rank.R1>;
  private t = 0;

  constructor(size: number, cfg: AdamConfig) {
    this.cfg = cfg;
    this.m = tf.variable(tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>;
    this.v = tf.variable(tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>;
  }

  step(params: tf.Variable<tf.Rank.R1>, grad: tf.Tensor1D, lr: number): void {
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    this.t += 1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const m = tf.add(tf.mul(this.m, beta1), tf.mul(grad, 1 - beta1));
    const v = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(grad), 1 - beta2));
    this.m.assign(m as tf.Tensor1D);
    this.v.assign(v as tf.Tensor1D);
    // m_hat / (sqrt(v_hat) + eps) = (m / c1) / (sqrt(v) / sqrt(c2) + eps) = (sqrt(c2) / c1) m / (sqrt(v) + eps sqrt(c2))
    let update = tf.mul(tf.div(m, tf.add(tf.sqrt(v), eps * Math.sqrt(c2))), (lr * Math.sqrt(c2)) / c1);
    if (weightDecay > 0) update = tf.add(update, tf.mul(params, lr * weightDecay));
    params.assign(tf.sub(params, update) as tf.Tensor1D);
  }

  getState(): TensorState {
    return { tensors: { m: Float32Array.from(this.m.dataSync()), v: Float32Array.from(this.v.dataSync()) }, scalars: { t: this.t } };
  }

  setState(s: TensorState): void {
    const m = s.tensors.m;
    const v = s.tensors.v;
    const t = s.scalars.t;
    if (m === undefined || v === undefined || t === undefined || m.length !== this.m.size || v.length !== this.v.size) throw stateError("adam", this.m.size);
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
    });
    this.t = t;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
  }
}
