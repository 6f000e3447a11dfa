import type { Rng } from "../core/rng";
import { InvariantError } from "../core/errors";
import type { ActorCriticLayout, Squash } from "./actor-critic";
import { mlpForwardJs, mlpJsWeights, mlpScratch, type MlpJsWeights, type MlpScratch } from "./mlp";

/**
 * The policy: an MLP gives the mean of a Gaussian over a raw action u; a state-independent, clamped
 * log-std gives its spread; the action is squash(u) (tanh into [-1, 1], or sigmoid into [0, 1] for
 * long-only). Log-probabilities of the squashed action include the change-of-variables term.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function squash(u: number, kind: Squash): number {
  return kind === "tanh" ? Math.tanh(u) : 1 / (1 + Math.exp(-u));
}

/** softplus(x) = log(1 + e^x), stable for large |x|. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * log |d squash(u) / du|: tanh: log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u));
 * sigmoid: log(s (1 - s)) = -softplus(-u) - softplus(u). Both forms stay finite for large |u|.
 */
export function squashLogDet(u: number, kind: Squash): number {
  return kind === "tanh" ? 2 * (Math.LN2 - u - softplus(-2 * u)) : -softplus(-u) - softplus(u);
}

/** log N(u; mean, exp(logStd)^2). */
export function gaussianLogProb(u: number, mean: number, logStd: number): number {
  const z = (u - mean) * Math.exp(-logStd);
  return -0.5 * z * z - logStd - HALF_LOG_2PI;
}

/** Log-density of the squashed action a = squash(u): the Gaussian log-density minus log |da/du|. */
export function squashedLogProb(u: number, mean: number, logStd: number, kind: Squash): number {
  return gaussianLogProb(u, mean, logStd) - squashLogDet(u, kind);
}

/** Differential entropy of the pre-squash Gaussian per action dimension: logStd + 0.5 log(2 pi e). */
export function gaussianEntropy(logStd: number): number {
  return logStd + HALF_LOG_2PI + 0.5;
}

export function clampLogStd(layout: ActorCriticLayout, v: number): number {
  return Math.min(layout.spec.logStdMax, Math.max(layout.spec.logStdMin, v));
}

/**
 * A frozen copy of the policy's weights, evaluated in plain JS: batch inference for all envs per
 * step (rollouts), deterministic evaluation and live decisions, without creating tensors.
 */
export class PolicySnapshot {
  readonly layout: ActorCriticLayout;
  /** The policy's slice of the flat vector (float32, as trained and saved). */
  readonly params: Float32Array;
  readonly logStd: Float64Array;
  /** The same weights widened to float64 and transposed once, for the JS forward pass. */
  private readonly weights: MlpJsWeights;
  private obs64: Float64Array;
  private readonly scratch: MlpScratch;
  private means: Float64Array;
  private maxBatch: number;

  constructor(layout: ActorCriticLayout, params: Float32Array, maxBatch = 64) {
    if (params.length < layout.logStdOffset + layout.spec.actionSize) {
      throw new InvariantError("policy parameters are shorter than the layout", { length: params.length, need: layout.logStdOffset + layout.spec.actionSize });
    }
    this.layout = layout;
    this.params = Float32Array.from(params.subarray(0, layout.logStdOffset + layout.spec.actionSize));
    this.weights = mlpJsWeights(layout.policy, this.params);
    this.obs64 = new Float64Array(maxBatch * layout.spec.obsSize);
    this.logStd = new Float64Array(layout.spec.actionSize);
    for (let k = 0; k < layout.spec.actionSize; k++) this.logStd[k] = clampLogStd(layout, this.params[layout.logStdOffset + k]!);
    this.maxBatch = maxBatch;
    this.scratch = mlpScratch(layout.policy, maxBatch);
    this.means = new Float64Array(maxBatch * layout.spec.actionSize);
  }

  get obsSize(): number {
    return this.layout.spec.obsSize;
  }

  get actionSize(): number {
    return this.layout.spec.actionSize;
  }

  /** Gaussian means for `batch` observations (row-major) into `out` (batch * actionSize). */
  meanInto(obs: Float32Array, batch: number, out: Float64Array): void {
    this.ensure(batch);
    mlpForwardJs(this.weights, this.widen(obs, batch), batch, out, this.scratch);
  }

  /** Deterministic actions squash(mean), as the env takes them (evaluation and live). */
  actDeterministic(obs: Float32Array, batch: number, actions: Float32Array): void {
    this.ensure(batch);
    const m = this.means;
    mlpForwardJs(this.weights, this.widen(obs, batch), batch, m, this.scratch);
    const kind = this.layout.spec.squash;
    for (let i = 0; i < batch * this.actionSize; i++) actions[i] = squash(m[i]!, kind);
  }

  /**
   * Stochastic actions: raw u = mean + std * N(0, 1) from `rng` into `raw`, squash(u) into `actions`.
   * Returns nothing; the log-probabilities the update needs are recomputed in one batched pass.
   */
  actStochastic(obs: Float32Array, batch: number, rng: Rng, raw: Float32Array, actions: Float32Array): void {
    this.ensure(batch);
    const m = this.means;
    mlpForwardJs(this.weights, this.widen(obs, batch), batch, m, this.scratch);
    const a = this.actionSize;
    const kind = this.layout.spec.squash;
    for (let i = 0; i < batch; i++) {
      for (let k = 0; k < a; k++) {
        const j = i * a + k;
        const u = m[j]! + Math.exp(this.logStd[k]!) * rng.normal();
        raw[j] = u;
        actions[j] = squash(raw[j]!, kind); // from the float32 value, so replaying raw gives the same action
      }
    }
  }

  /** One observation in, one deterministic action out (live decisions). */
  act(obs: Float32Array): Float32Array {
    const out = new Float32Array(this.actionSize);
    this.actDeterministic(obs, 1, out);
    return out;
  }

  private widen(obs: Float32Array, batch: number): Float64Array {
    const n = batch * this.obsSize;
    if (obs.length < n) throw new RangeError(`expected ${n} observation values for a batch of ${batch}, got ${obs.length}`);
    const x = this.obs64;
    for (let i = 0; i < n; i++) x[i] = obs[i]!;
    return x;
  }

  private ensure(batch: number): void {
    if (batch <= this.maxBatch) return;
    this.maxBatch = batch;
    const s = mlpScratch(this.layout.policy, batch);
    this.scratch.a = s.a;
    this.scratch.b = s.b;
    this.means = new Float64Array(batch * this.actionSize);
    this.obs64 = new Float64Array(batch * this.obsSize);
  }
}
