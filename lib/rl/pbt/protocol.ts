import type { Hyperparameters } from "./space";

/**
 * The trial protocol shared by population-based training and hyperparameter search. A trial is a
 * config (the base config with `hyperparameters` applied), a seed and a checkpoint path: a worker
 * resumes from `resumeFrom` (or starts fresh), trains until `untilSteps` env steps in all, evaluates
 * the deterministic policy on the validation split, saves a full checkpoint (weights, optimizer and
 * variance-scaler state, RNG state) to `checkpointOut` and reports. Everything a worker needs is in
 * the spec and the files it names, so trials run the same on a local thread or on another machine.
 */
export interface TrialSpec {
  /** Member (PBT) or trial (search) id, from 0. */
  member: number;
  /** Ready interval (PBT) or rung (search), from 1. */
  round: number;
  /** 0 for the first try; restarts from the same checkpoint count up. */
  attempt: number;
  /** The member's seed (network init, sampling, env resets); derived from the run seed and member id. */
  seed: number;
  /** Key paths into the train config and their values for this trial. */
  hyperparameters: Hyperparameters;
  /** Checkpoint to continue from (weights, optimizer state, counters), or null to start fresh. */
  resumeFrom: string | null;
  /** Where the worker writes the checkpoint after this trial (a new directory per trial). */
  checkpointOut: string;
  /** Train until this many env steps in all (the checkpoint's count included). */
  untilSteps: number;
  /** Horizon of the learning-rate and clip schedules (the run's full budget per member). */
  totalSteps: number;
  /** Validation metric to report as `metric` (maximised). */
  metric: string;
}

/** Live progress of a trial (one per PPO update). */
export interface TrialProgress {
  member: number;
  round: number;
  update: number;
  steps: number;
  untilSteps: number;
  stepsPerSec: number;
  episodeReturn: number | null;
  policyLoss: number;
  valueLoss: number;
  approxKl: number;
  entropy: number;
  explainedVariance: number;
}

/** What a finished trial reports. */
export interface TrialReport {
  member: number;
  round: number;
  attempt: number;
  /** Env steps in all after the trial. */
  steps: number;
  /** The ranking metric on the validation split (NaN when the evaluation could not produce one). */
  metric: number;
  /** All validation metrics of the deterministic policy. */
  metrics: Record<string, number>;
  checkpoint: string;
  elapsedMs: number;
  stepsPerSec: number;
}

/**
 * Runs trials somewhere: worker threads on this machine, or a distributed job queue. A rejected
 * promise means the trial did not complete (the worker crashed or threw); the caller decides
 * whether to restart it from its last checkpoint.
 */
export interface TrialExecutor {
  /** Trials that can run at the same time. */
  readonly parallelism: number;
  /** `onStart` is called when the trial leaves the queue and starts on a worker. */
  runTrial(spec: TrialSpec, onProgress?: (p: TrialProgress) => void, onStart?: () => void): Promise<TrialReport>;
}

/** One hyperparameter change made by explore. */
export type ExploreChange =
  | { key: string; from: number; to: number; op: "perturb"; factor: number }
  | { key: string; from: number; to: number; op: "resample" };

/**
 * A line of the population history (JSONL). Decisions (exploit, explore, promote, stop, best) depend
 * only on the reported metrics, so with the same seed they come out the same, in the same order.
 */
export type HistoryRecord =
  | { type: "start"; mode: "pbt" | "search"; seed: number; members: number; workers: number; totalSteps: number; rounds: number; roundSteps: number[]; metric: string; space: Record<string, unknown> }
  | { type: "member"; round: 0; member: number; seed: number; hyperparameters: Hyperparameters }
  | { type: "report"; round: number; member: number; attempt: number; steps: number; metric: number | null; metrics: Record<string, number>; hyperparameters: Hyperparameters; checkpoint: string; elapsedMs: number; stepsPerSec: number }
  | { type: "crash"; round: number; member: number; attempt: number; error: string }
  | { type: "restart"; round: number; member: number; attempt: number; from: string | null }
  | { type: "failed"; round: number; member: number; error: string }
  | { type: "rank"; round: number; ranking: number[]; metrics: (number | null)[]; median: number | null }
  | { type: "exploit"; round: number; member: number; donor: number; memberMetric: number | null; donorMetric: number | null; from: string; to: string; oldHyperparameters: Hyperparameters; newHyperparameters: Hyperparameters }
  | { type: "explore"; round: number; member: number; changes: ExploreChange[]; hyperparameters: Hyperparameters }
  | { type: "promote"; round: number; member: number; rank: number; nextSteps: number }
  | { type: "stop"; round: number; member: number; rank: number; metric: number | null }
  | { type: "best"; round: number; member: number; metric: number; checkpoint: string; hyperparameters: Hyperparameters }
  | { type: "end"; rounds: number; best: { member: number; round: number; metric: number; hyperparameters: Hyperparameters } | null; initialMedian: number | null; initialTop: number | null; finalMedian: number | null; finalTop: number | null; failed: number[]; elapsedMs: number };
