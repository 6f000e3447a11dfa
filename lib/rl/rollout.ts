import type * as tf from "@tensorflow/tfjs";
import type { VecEnv } from "../core/ports/env.port";
import type { Rng } from "../core/rng";
import type { ActorCriticLayout, PpoSettings } from "./actor-critic";
import type { RolloutBuffer } from "./buffer";
import { evaluateCritics, evaluateLogProbs, pessimisticValues } from "./critic";
import { computeGae, explainedVariance, nextValuesFor, normaliseInPlace } from "./gae";
import type { RewardScaler } from "./normalizer";
import type { PolicySnapshot } from "./policy";

/** Per-env running episode totals (raw env rewards) and the episodes completed since the last drain. */
export class EpisodeTracker {
  private readonly ret: Float64Array;
  private readonly len: Int32Array;
  private finished: { ret: number; len: number }[] = [];

  constructor(numEnvs: number) {
    this.ret = new Float64Array(numEnvs);
    this.len = new Int32Array(numEnvs);
  }

  record(rewards: Float32Array, done: Uint8Array): void {
    for (let i = 0; i < rewards.length; i++) {
      this.ret[i]! += rewards[i]!;
      this.len[i]! += 1;
      if (done[i]) {
        this.finished.push({ ret: this.ret[i]!, len: this.len[i]! });
        this.ret[i] = 0;
        this.len[i] = 0;
      }
    }
  }

  reset(): void {
    this.ret.fill(0);
    this.len.fill(0);
  }

  /** Episodes completed since the last call. */
  drain(): { ret: number; len: number }[] {
    const f = this.finished;
    this.finished = [];
    return f;
  }
}

/** Mutable state carried from one rollout to the next. */
export interface RolloutState {
  /** Current observation of every env (numEnvs * obsSize). */
  obs: Float32Array;
}

/**
 * Steps all envs `buf.steps` times with the stochastic policy: one plain-JS batched forward per step
 * for every env together, no tensors. Fills obs, raw actions, rewards, flags and final observations.
 */
export function collectRollout(env: VecEnv, policy: PolicySnapshot, buf: RolloutBuffer, state: RolloutState, rng: Rng, scaler: RewardScaler, episodes: EpisodeTracker): void {
  const { numEnvs, obsSize, actionSize } = buf;
  const actions = new Float32Array(numEnvs * actionSize);
  const raw = new Float32Array(numEnvs * actionSize);
  const done = new Uint8Array(numEnvs);
  const scaled = new Float64Array(numEnvs);
  for (let t = 0; t < buf.steps; t++) {
    const row = t * numEnvs;
    buf.obs.set(state.obs, row * obsSize);
    policy.actStochastic(state.obs, numEnvs, rng, raw, actions);
    buf.rawActions.set(raw, row * actionSize);
    const res = env.step(actions);
    for (let i = 0; i < numEnvs; i++) {
      const term = res.terminated[i]! ? 1 : 0;
      const trunc = res.truncated[i]! ? 1 : 0;
      buf.terminated[row + i] = term;
      buf.truncated[row + i] = trunc;
      done[i] = term | trunc;
      if (trunc && !term) buf.finalObs.set(res.finalObs.subarray(i * obsSize, (i + 1) * obsSize), (row + i) * obsSize);
      if (!Number.isFinite(res.rewards[i]!)) throw new RangeError(`env ${i} returned a non-finite reward at rollout step ${t}`);
    }
    buf.rewards.set(res.rewards, row);
    scaler.scale(res.rewards, done, scaled);
    buf.scaledRewards.set(scaled, row);
    episodes.record(res.rewards, done);
    state.obs.set(res.obs);
  }
  buf.lastObs.set(state.obs);
}

export interface PreparedRollout {
  /** Explained variance of the pessimistic values against the returns. */
  explainedVariance: number;
  /** Mean of the pessimistic value over the rollout (scaled reward units). */
  meanValue: number;
}

/**
 * Batched passes after collection: log-probabilities of the stored actions, every critic's outputs
 * for the stored, last and truncated-final observations, then GAE on the pessimistic mean value (and
 * on its CVaR when the CVaR term is on). Leaves the combined advantage in `buf.advantages`.
 */
export function prepareRollout(layout: ActorCriticLayout, theta: tf.Tensor1D, ppo: PpoSettings, buf: RolloutBuffer): PreparedRollout {
  const { numEnvs, steps, size, obsSize } = buf;
  const nOut = layout.spec.nQuantiles;
  const cvarOn = layout.spec.distributional && ppo.cvar.weight > 0;
  const alpha = cvarOn ? ppo.cvar.alpha : null;

  buf.logProbs.set(evaluateLogProbs(layout, theta, buf.obs, buf.rawActions, size));
  const outs = evaluateCritics(layout, theta, buf.obs, size);
  outs.forEach((o, c) => buf.criticOutputs[c]!.set(o));
  const cur = pessimisticValues(outs, size, nOut, alpha);
  buf.values.set(cur.mean);
  if (cur.cvar) buf.cvarValues.set(cur.cvar);

  const last = pessimisticValues(evaluateCritics(layout, theta, buf.lastObs, numEnvs), numEnvs, nOut, alpha);
  const rows = buf.truncatedRows();
  const finalMean = new Float64Array(size);
  const finalCvar = new Float64Array(size);
  if (rows.length > 0) {
    const fobs = new Float32Array(rows.length * obsSize);
    rows.forEach((r, k) => fobs.set(buf.finalObs.subarray(r * obsSize, (r + 1) * obsSize), k * obsSize));
    const fin = pessimisticValues(evaluateCritics(layout, theta, fobs, rows.length), rows.length, nOut, alpha);
    rows.forEach((r, k) => {
      finalMean[r] = fin.mean[k]!;
      if (fin.cvar) finalCvar[r] = fin.cvar[k]!;
    });
  }

  const common = { rewards: buf.scaledRewards, terminated: buf.terminated, truncated: buf.truncated, numEnvs, steps, gamma: ppo.gamma, lambda: ppo.gaeLambda };
  nextValuesFor(buf.values, last.mean, finalMean, buf.truncated, numEnvs, steps, buf.nextValues);
  computeGae({ ...common, values: buf.values, nextValues: buf.nextValues }, buf.advantages, buf.returns);
  const ev = explainedVariance(buf.values, buf.returns);
  let meanValue = 0;
  for (let i = 0; i < size; i++) meanValue += buf.values[i]!;

  if (ppo.normaliseAdvantages) normaliseInPlace(buf.advantages);
  if (cvarOn && cur.cvar && last.cvar) {
    nextValuesFor(buf.cvarValues, last.cvar, finalCvar, buf.truncated, numEnvs, steps, buf.cvarNextValues);
    const cvarReturns = new Float64Array(size);
    computeGae({ ...common, values: buf.cvarValues, nextValues: buf.cvarNextValues }, buf.cvarAdvantages, cvarReturns);
    if (ppo.normaliseAdvantages) normaliseInPlace(buf.cvarAdvantages);
    for (let i = 0; i < size; i++) buf.advantages[i]! += ppo.cvar.weight * buf.cvarAdvantages[i]!;
  }
  return { explainedVariance: ev, meanValue: meanValue / size };
}
