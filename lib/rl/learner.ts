import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../core/rng";
import type { OptimizerConfig, VgsConfig } from "../config/schemas/ppo";
import type { ActorCriticLayout, PpoSettings } from "./actor-critic";
import type { RolloutBuffer } from "./buffer";
import { quantileTaus } from "./losses";
import { createOptimizer, type FlatOptimizer } from "./optimizers/index";
import { PolicySnapshot } from "./policy";
import { PPO_STATS, ppoGradient, type Minibatch, type PpoCoefficients } from "./ppo-step";
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

interface RowArray {
  data: Float32Array;
  /** Values per row. */
  width: number;
}

/** Per-row arrays of a rollout or a minibatch. */
interface RowArrays {
  obs: RowArray;
  raw: RowArray;
  logp: RowArray;
  adv: RowArray;
  ret: RowArray;
  /** Critic outputs at collection time (empty without value clipping). */
  old: RowArray[];
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
  private readonly ppo: PpoSettings;
  private readonly taus: tf.Tensor1D;

  constructor(layout: ActorCriticLayout, params: Float32Array, ppo: PpoSettings, vgs: VgsConfig, optimizer: OptimizerConfig, noiseRng: Rng) {
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
    const mbSize = Math.min(this.ppo.minibatchSize, n);
    const src = this.sources(buf);
    const dst = this.minibatchArrays(buf, mbSize);
    const coefs: PpoCoefficients = {
      clip: settings.clip,
      entropyCoef: this.ppo.entropyCoef,
      valueCoef: this.ppo.valueCoef,
      valueClip: this.ppo.valueClip,
      huberKappa: this.ppo.huberKappa,
    };
    const sums = new Float64Array(PPO_STATS.length + 1);
    const perm = new Int32Array(n);
    let steps = 0;
    let epochs = 0;
    let earlyStop = false;
    for (let epoch = 0; epoch < this.ppo.epochs && !earlyStop; epoch++) {
      shuffle(perm, shuffleRng);
      epochs += 1;
      for (let start = 0; start < n; start += mbSize) {
        const idx = perm.subarray(start, Math.min(n, start + mbSize));
        gatherRows(src, dst, idx);
        const stats = this.minibatchStep(dst, idx.length, coefs, settings.lr);
        if (stats === null) {
          earlyStop = true;
          break;
        }
        for (let k = 0; k < sums.length; k++) sums[k]! += stats[k]!;
        steps += 1;
      }
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

  /** The rollout's per-row arrays the minibatches are gathered from, as float32 with their row widths. */
  private sources(buf: RolloutBuffer): RowArrays {
    const { obsSize, actionSize, nQuantiles } = this.layout.spec;
    return {
      obs: { data: buf.obs, width: obsSize },
      raw: { data: buf.rawActions, width: actionSize },
      logp: { data: buf.logProbs, width: 1 },
      adv: { data: Float32Array.from(buf.advantages), width: 1 },
      ret: { data: Float32Array.from(buf.returns), width: 1 },
      old: this.ppo.valueClip !== null ? buf.criticOutputs.map((o) => ({ data: o, width: nQuantiles })) : [],
    };
  }

  private minibatchArrays(buf: RolloutBuffer, rows: number): RowArrays {
    const { obsSize, actionSize, nQuantiles } = this.layout.spec;
    const make = (width: number) => ({ data: new Float32Array(rows * width), width });
    return {
      obs: make(obsSize),
      raw: make(actionSize),
      logp: make(1),
      adv: make(1),
      ret: make(1),
      old: this.ppo.valueClip !== null ? buf.criticOutputs.map(() => make(nQuantiles)) : [],
    };
  }

  /** One gradient step on the first `b` rows of `mb`; null (and no step) when the minibatch's KL is over the target. */
  private minibatchStep(mb: RowArrays, b: number, coefs: PpoCoefficients, lr: number): Float32Array | null {
    const { grad, stats } = tf.tidy(() => {
      const t2 = (r: { data: Float32Array; width: number }) => tf.tensor2d(r.data.subarray(0, b * r.width), [b, r.width]);
      const t1 = (r: { data: Float32Array }) => tf.tensor1d(r.data.subarray(0, b));
      const batch: Minibatch = {
        obs: t2(mb.obs),
        rawActions: t2(mb.raw),
        oldLogProb: t1(mb.logp),
        advantages: t1(mb.adv),
        returns: t2(mb.ret),
        oldCriticOut: mb.old.length === 0 ? null : mb.old.map(t2),
      };
      const r = ppoGradient(this.layout, this.theta, batch, coefs, this.taus);
      const scaled = this.vgs.apply(r.grad);
      const norm = tf.sqrt(tf.sum(tf.square(scaled)));
      return { grad: scaled, stats: tf.concat([r.stats, tf.reshape(norm, [1])]) };
    });
    const s = Float32Array.from(stats.dataSync());
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
    return s;
  }

  dispose(): void {
    this.theta.dispose();
    this.optimizer.dispose();
    this.vgs.dispose();
    this.taus.dispose();
  }
}

/** Copies rows `idx` of every source array into the minibatch arrays (plain JS: faster than tf.gather on WASM). */
function gatherRows(src: RowArrays, dst: RowArrays, idx: Int32Array): void {
  const copy = (s: RowArray, d: RowArray): void => {
    const w = s.width;
    if (w === 1) {
      for (let k = 0; k < idx.length; k++) d.data[k] = s.data[idx[k]!]!;
      return;
    }
    for (let k = 0; k < idx.length; k++) d.data.set(s.data.subarray(idx[k]! * w, idx[k]! * w + w), k * w);
  };
  copy(src.obs, dst.obs);
  copy(src.raw, dst.raw);
  copy(src.logp, dst.logp);
  copy(src.adv, dst.adv);
  copy(src.ret, dst.ret);
  src.old.forEach((o, c) => copy(o, dst.old[c]!));
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
