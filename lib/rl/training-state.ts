import type { Rng } from "../core/rng";
import { TradelabError } from "../core/errors";
import type { TrainingStateFiles } from "./checkpoint";
import type { PpoLearner } from "./learner";
import type { RewardScaler, RewardScalerState } from "./normalizer";
import type { TensorState } from "./optimizers/types";

/** RNG streams of a training run, each saved and restored with the checkpoint. */
export interface TrainerRngs {
  /** Action sampling during rollouts. */
  sample: Rng;
  /** Minibatch shuffling. */
  shuffle: Rng;
  /** Optimizer noise (AdaptiveUPGD). */
  noise: Rng;
}

/** Counters and best-so-far bookkeeping of a run. */
export interface TrainerCounters {
  updates: number;
  steps: number;
  bestMetric: number | null;
  bestUpdate: number | null;
}

function prefixed(prefix: string, s: TensorState): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(s.tensors)) out[`${prefix}/${k}`] = v;
  return out;
}

function unprefixed(prefix: string, tensors: Record<string, Float32Array>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [k, v] of Object.entries(tensors)) if (k.startsWith(`${prefix}/`)) out[k.slice(prefix.length + 1)] = v;
  return out;
}

/** Independent streams for sampling, shuffling and optimizer noise, all from the run seed. */
export function trainerRngs(seed: number, createRng: (seed: number) => Rng): TrainerRngs {
  return { sample: createRng(deriveSeed(seed, 101)), shuffle: createRng(deriveSeed(seed, 102)), noise: createRng(deriveSeed(seed, 103)) };
}

/** Optimizer + variance scaler + RNG + reward-scaler state and counters, as checkpoint files. */
export function captureTrainingState(learner: PpoLearner, rngs: TrainerRngs, scaler: RewardScaler, counters: TrainerCounters): TrainingStateFiles {
  const opt = learner.optimizer.getState();
  const vgs = learner.vgs.getState();
  return {
    tensors: { ...prefixed("optimizer", opt), ...prefixed("vgs", vgs) },
    json: {
      format: "tradelab-training-state",
      optimizer: { kind: learner.optimizer.kind, scalars: opt.scalars },
      vgs: { scalars: vgs.scalars },
      rng: { sample: rngs.sample.getState(), shuffle: rngs.shuffle.getState(), noise: rngs.noise.getState() },
      rewardScaler: scaler.getState(),
      counters,
    },
  };
}

/** Restores what `captureTrainingState` saved; returns the counters. */
export function restoreTrainingState(files: TrainingStateFiles, learner: PpoLearner, rngs: TrainerRngs, scaler: RewardScaler, where: string): TrainerCounters {
  const j = files.json as {
    optimizer?: { kind?: string; scalars?: Record<string, number> };
    vgs?: { scalars?: Record<string, number> };
    rng?: { sample?: number[]; shuffle?: number[]; noise?: number[] };
    rewardScaler?: RewardScalerState;
    counters?: TrainerCounters;
  };
  const bad = (what: string): TradelabError => new TradelabError("CHECKPOINT_INVALID", `${where}: training state lacks ${what}`, { details: { where } });
  if (j.optimizer?.kind !== learner.optimizer.kind) {
    throw new TradelabError("CHECKPOINT_INVALID", `${where}: saved optimizer is ${String(j.optimizer?.kind)}, the config asks for ${learner.optimizer.kind}`, { details: { where } });
  }
  if (!j.optimizer.scalars || !j.vgs?.scalars) throw bad("optimizer or vgs counters");
  if (!j.rng?.sample || !j.rng.shuffle || !j.rng.noise) throw bad("rng state");
  if (!j.rewardScaler || !j.counters) throw bad("reward scaler or counters");
  learner.optimizer.setState({ tensors: unprefixed("optimizer", files.tensors), scalars: j.optimizer.scalars });
  learner.vgs.setState({ tensors: unprefixed("vgs", files.tensors), scalars: j.vgs.scalars });
  rngs.sample.setState(j.rng.sample);
  rngs.shuffle.setState(j.rng.shuffle);
  rngs.noise.setState(j.rng.noise);
  scaler.setState(j.rewardScaler);
  return { ...j.counters };
}

/** A 32-bit seed derived from a run seed and a label (stream number, update count...). */
export function deriveSeed(seed: number, label: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(label + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 13)) >>> 0;
}
