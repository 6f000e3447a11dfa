import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../../core/rng";
import type { AdaptiveUpgdConfig } from "../../config/schemas/ppo";
import { stateError } from "./state";
import type { FlatOptimizer, TensorState } from "./types";

/**
 * Adaptive utility-based perturbed gradient descent (UPGD, Elsayed & Mahmood 2024, with Adam
 * moments). Each weight's utility is the loss change if it were removed, u = -g w (first order), plus
 * 0.5 g^2 w^2 with the second-order option (squared gradient as the diagonal Hessian estimate). Its
 * EMA, bias-corrected, is divided by the global maximum and squashed: s = sigmoid(u_hat / max u_hat).
 * Useful weights (s near 1) are protected; the others get the Adam step plus Gaussian noise:
 *   w <- w - lr * (m_hat / (sqrt(v_hat) + eps) + noise) * (1 - s) - lr * weightDecay * w
 * Every configured value is used as given. The noise comes from the injected Rng.
 */
export class AdaptiveUpgd implements FlatOptimizer {
  readonly kind = "adaptiveUpgd";
  private readonly cfg: AdaptiveUpgdConfig;
  private readonly rng: Rng;
  private readonly m: tf.Variable<tf.Rank.R1>;
  private readonly v: tf.Variable<tf.Rank.R1>;
  private readonly u: tf.Variable<tf.Rank.R1>;
  private readonly noise: Float32Array;
  private t = 0;

  constructor(size: number, cfg: AdaptiveUpgdConfig, rng: Rng) {
    this.cfg = cfg;
    this.rng = rng;
    this.m = tf.variable(tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>;
    this.v = tf.variable(tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>;
    this.u = tf.variable(tf.zeros([size]), false) as tf.Variable<tf.Rank.R1>;
    this.noise = new Float32Array(size);
  }

  step(params: tf.Variable<tf.Rank.R1>, grad: tf.Tensor1D, lr: number): void {
    const { beta1, beta2, eps, utilityBeta, noiseStd, weightDecay, secondOrder } = this.cfg;
    this.t += 1;
    const c1 = 1 - beta1 ** this.t;
    const c2 = 1 - beta2 ** this.t;
    const cu = 1 - utilityBeta ** this.t;
    const m = tf.add(tf.mul(this.m, beta1), tf.mul(grad, 1 - beta1));
    const v = tf.add(tf.mul(this.v, beta2), tf.mul(tf.square(grad), 1 - beta2));
    const gw = tf.mul(grad, params);
    const instant = secondOrder ? tf.add(tf.neg(gw), tf.mul(tf.square(gw), 0.5)) : tf.neg(gw);
    const u = tf.add(tf.mul(this.u, utilityBeta), tf.mul(instant, 1 - utilityBeta));
    this.m.assign(m as tf.Tensor1D);
    this.v.assign(v as tf.Tensor1D);
    this.u.assign(u as tf.Tensor1D);
    const uHat = tf.div(u, cu);
    // a non-positive maximum (no weight is useful yet) would flip signs: fall back to a tiny positive scale
    const scaled = tf.sigmoid(tf.div(uHat, tf.maximum(tf.max(uHat), 1e-12)));
    const adam = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), eps));
    let direction: tf.Tensor = adam;
    if (noiseStd > 0) {
      const z = this.noise;
      for (let i = 0; i < z.length; i++) z[i] = noiseStd * this.rng.normal();
      direction = tf.add(adam, tf.tensor1d(z));
    }
    let update = tf.mul(tf.mul(direction, tf.sub(1, scaled)), lr);
    if (weightDecay > 0) update = tf.add(update, tf.mul(params, lr * weightDecay));
    params.assign(tf.sub(params, update) as tf.Tensor1D);
  }

  getState(): TensorState {
    return {
      tensors: { m: Float32Array.from(this.m.dataSync()), v: Float32Array.from(this.v.dataSync()), utility: Float32Array.from(this.u.dataSync()) },
      scalars: { t: this.t },
    };
  }

  /** The noise generator's position is part of the trainer's RNG state, restored separately. */
  setState(s: TensorState): void {
    const { m, v, utility } = s.tensors;
    const t = s.scalars.t;
    const n = this.m.size;
    if (m?.length !== n || v?.length !== n || utility?.length !== n || t === undefined) throw stateError("adaptiveUpgd", n);
    tf.tidy(() => {
      this.m.assign(tf.tensor1d(m));
      this.v.assign(tf.tensor1d(v));
      this.u.assign(tf.tensor1d(utility));
    });
    this.t = t;
  }

  dispose(): void {
    this.m.dispose();
    this.v.dispose();
    this.u.dispose();
  }
}
