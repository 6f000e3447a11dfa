import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../core/rng";
import type { OptimizerConfig, PpoConfig, VgsConfig } from "../config/schemas/ppo";
import type { ActorCriticLayout } from "./actor-critic";
import type { RolloutBuffer } from "./buffer";
import { quantileTaus } from "./losses";
import { createOptimizer, type FlatOptimizer } from "./optimizers";
import { PolicySnapshot } from "./policy";
import { PPO_STATS, ppoGradient, type Minibatch } from "./ppo-step";
import { VarianceGradientScaler } from "./vgs";

/** Averages over the minibatches of one update. */
export interface UpdateStats {
  loss: number;
  policyLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  /** Global gradient norm after the variance scaler, before clipping. */
  gradNorm: number;
  /** Minibatch steps applied. */
  steps: number;
  epochs: number;
  /** True when the target KL stopped the epoch loop early. */
  earlyStop: boolean;
}

interface RolloutTensors {
  obs: tf.Tensor2D;
  raw: tf.Tensor2D;
  logp: tf.Tensor1D;
  adv: tf.Tensor1D;
  ret: tf.Tensor2D;
  /** Critic outputs at collection time (empty without value clipping). */
  old: tf.Tensor2D[];
}

/** Scheduled values for one update. */
export interface UpdateSettings {
  lr: number;
  clip: number;
}

/**
 * Holds the parameters (one flat tf.Variable), the optimizer and the variance gradient scaler, and
 * runs the PPO epochs over a prepared rollout.
 */
export class PpoLearner {
  readonly layout: ActorCriticLayout;
  readonly theta: tf.Variable<tf.Rank.R1>;
  readonly optimizer: FlatOptimizer;
  readonly vgs: VarianceGradientScaler;
  private readonly ppo: PpoConfig;
  private readonly taus: tf.Tensor1D;

  constructor(layout: ActorCriticLayout, params: Float32Array, ppo: PpoConfig, vgs: VgsConfig, optimizer: OptimizerConfig, noiseRng: Rng) {
    this.layout = layout;
    this.ppo = ppo;
    this.theta = tf.variable(tf.tensor1d(params), true, undefined, "float32") as tf.Variable<tf.Rank.R1>;
    this.optimizer = createOptimizer(layout.size, optimizer, noiseRng);
    this.vgs = new VarianceGradientScaler(layout.size, vgs);
    this.taus = tf.keep(tf.tensor1d(quantileTaus(layout.spec.nQuantiles)));
  }

  /** A copy of the current parameters. */
  params(): Float32Array {
    return Float32Array.from(this.theta.dataSync());
  }

  setParams(params: Float32Array): void {
    tf.tidy(() => this.theta.assign(tf.tensor1d(params)));
  }

  /** The current policy as a plain-JS snapshot (rollouts, evaluation). */
  snapshot(maxBatch?: number): PolicySnapshot {
    return new PolicySnapshot(this.layout, this.params(), maxBatch);
  }

  /** PPO epochs over the buffer (advantages, returns and log-probs already filled). */
  update(buf: RolloutBuffer, settings: UpdateSettings, shuffleRng: Rng): UpdateStats {
    const n = buf.size;
    const { obsSize, actionSize, nQuantiles } = this.layout.spec;
    const useOld = this.ppo.valueClip !== null;
    const all: RolloutTensors = tf.tidy(() => ({
      obs: tf.tensor2d(buf.obs, [n, obsSize]),
      raw: tf.tensor2d(buf.rawActions, [n, actionSize]),
      logp: tf.tensor1d(buf.logProbs),
      adv: tf.tensor1d(Float32Array.from(buf.advantages)),
      ret: tf.tensor2d(Float32Array.from(buf.returns), [n, 1]),
      old: useOld ? buf.criticOutputs.map((o) => tf.tensor2d(o, [n, nQuantiles])) : [],
    }));
    const coefs = {
      clip: settings.clip,
      entropyCoef: this.ppo.entropyCoef,
      valueCoef: this.ppo.valueCoef,
      valueClip: this.ppo.valueClip,
      huberKappa: this.ppo.huberKappa,
    };
    const sums = new Float64Array(PPO_STATS.length + 1);
    const perm = new Int32Array(n);
    const mbSize = Math.min(this.ppo.minibatchSize, n);
    let steps = 0;
    let epochs = 0;
    let earlyStop = false;
    try {
      for (let epoch = 0; epoch < this.ppo.epochs && !earlyStop; epoch++) {
        shuffle(perm, shuffleRng);
        epochs += 1;
        for (let start = 0; start < n; start += mbSize) {
          const idx = perm.subarray(start, Math.min(n, start + mbSize));
          const stats = this.minibatchStep(all, idx, coefs, settings.lr);
          if (stats === null) {
            earlyStop = true;
            break;
          }
          for (let k = 0; k < sums.length; k++) sums[k]! += stats[k]!;
          steps += 1;
        }
      }
    } finally {
      tf.dispose([all.obs, all.raw, all.logp, all.adv, all.ret, ...all.old]);
    }
    const mean = (k: number): number => (steps > 0 ? sums[k]! / steps : Number.NaN);
    return {
      loss: mean(0),
      policyLoss: mean(1),
      valueLoss: mean(2),
      entropy: mean(3),
      approxKl: mean(4),
      clipFraction: mean(5),
      gradNorm: mean(6),
      steps,
      epochs,
      earlyStop,
    };
  }

  /** One gradient step; null (and no step) when the minibatch's KL is over the target. */
  private minibatchStep(
    all: RolloutTensors,
    idx: Int32Array,
    coefs: { clip: number; entropyCoef: number; valueCoef: number; valueClip: number | null; huberKappa: number },
    lr: number,
  ): Float32Array | null {
    const { grad, stats } = tf.tidy(() => {
      const ix = tf.tensor1d(idx, "int32");
      const mb: Minibatch = {
        obs: tf.gather(all.obs, ix),
        rawActions: tf.gather(all.raw, ix),
        oldLogProb: tf.gather(all.logp, ix),
        advantages: tf.gather(all.adv, ix),
        returns: tf.gather(all.ret, ix),
        oldCriticOut: all.old.length === 0 ? null : all.old.map((o) => tf.gather(o, ix)),
      };
      const r = ppoGradient(this.layout, this.theta, mb, coefs, this.taus);
      const scaled = this.vgs.apply(r.grad);
      const norm = tf.sqrt(tf.sum(tf.square(scaled)));
      return { grad: scaled, stats: tf.concat([r.stats, tf.reshape(norm, [1])]) };
    });
    const s = stats.dataSync() as Float32Array;
    stats.dispose();
    const targetKl = this.ppo.targetKl;
    if (targetKl !== null && s[4]! > targetKl) {
      grad.dispose();
      return null;
    }
    tf.tidy(() => {
      const maxNorm = this.ppo.maxGradNorm;
      const norm = s[6]!;
      const g = maxNorm !== null && norm > maxNorm ? tf.mul(grad, maxNorm / (norm + 1e-6)) : grad;
      this.optimizer.step(this.theta, g as tf.Tensor1D, lr);
    });
    grad.dispose();
    return Float32Array.from(s);
  }

  dispose(): void {
    this.theta.dispose();
    this.optimizer.dispose();
    this.vgs.dispose();
    this.taus.dispose();
  }
}

/** Fisher-Yates over 0..n-1 with the injected Rng. */
export function shuffle(perm: Int32Array, rng: Rng): void {
  for (let i = 0; i < perm.length; i++) perm[i] = i;
  for (let i = perm.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
}
