import type { ConfigOf } from "../../config/kinds";
import { loadPolicy, updateManifestMetrics } from "../../rl/checkpoint";
import type { TrialProgress, TrialReport, TrialSpec } from "../../rl/pbt/protocol";
import { PpoTrainer, type TrainProgress } from "../../rl/trainer";
import type { SplitReport, TrainingPlan } from "../train";
import { buyAndHold, evaluateOnSplit, splitEvaluator } from "../train-evaluation";

/**
 * The worker side of the trial protocol: one trial on a training plan (the data, features and envs
 * wired by build-training). The trainer takes the trial's config sections (with its
 * hyperparameters), its seed and its checkpoint; it trains to `untilSteps` with the schedules of
 * `totalSteps`, the deterministic policy is evaluated on the validation split, and a full
 * checkpoint is written to `checkpointOut` (its manifest carries the validation metrics and the
 * trial's hyperparameters). Equal inputs give bit-identical results on any worker.
 */
export async function runTrainTrial(plan: TrainingPlan, config: ConfigOf<"train">, spec: TrialSpec, onProgress?: (p: TrialProgress) => void): Promise<TrialReport> {
  const t = plan.trainer;
  const rolloutSize = config.ppo.numEnvs * config.ppo.rolloutSteps;
  const trainer = new PpoTrainer({
    env: t.env,
    ppo: config.ppo,
    vgs: config.vgs,
    optimizer: config.optimizer,
    training: config.training,
    seed: spec.seed,
    createRng: t.createRng,
    clock: t.clock,
    backend: t.backend,
    meta: { ...t.meta, config },
    onProgress: onProgress ? (p) => onProgress(trialProgress(spec, p)) : undefined,
    ...(spec.resumeFrom !== null ? { resumeFrom: spec.resumeFrom } : {}),
  });
  try {
    const t0 = t.clock.now();
    const startSteps = trainer.steps;
    await trainer.train(spec.totalSteps, Math.ceil(spec.untilSteps / rolloutSize));
    const metrics = splitEvaluator(plan.validation)(trainer.learner.snapshot());
    const metric = metrics[spec.metric];
    await trainer.save(spec.checkpointOut, metrics, { pbt: { member: spec.member, round: spec.round, hyperparameters: spec.hyperparameters, metric: spec.metric } });
    const elapsedMs = t.clock.now() - t0;
    return {
      member: spec.member,
      round: spec.round,
      attempt: spec.attempt,
      steps: trainer.steps,
      metric: metric !== undefined && Number.isFinite(metric) ? metric : Number.NaN,
      metrics: { ...metrics },
      checkpoint: spec.checkpointOut,
      elapsedMs,
      stepsPerSec: elapsedMs > 0 ? ((trainer.steps - startSteps) * 1000) / elapsedMs : 0,
    };
  } finally {
    trainer.dispose();
  }
}

function trialProgress(spec: TrialSpec, p: TrainProgress): TrialProgress {
  return {
    member: spec.member,
    round: spec.round,
    update: p.update,
    steps: p.steps,
    untilSteps: spec.untilSteps,
    stepsPerSec: p.stepsPerSec,
    episodeReturn: p.episodeReturn,
    policyLoss: p.stats.policyLoss,
    valueLoss: p.stats.valueLoss,
    approxKl: p.stats.approxKl,
    entropy: p.stats.entropy,
    explainedVariance: p.explainedVariance,
  };
}

/** Validation and test figures of a checkpoint next to buy-and-hold (same env, same costs). */
export interface CheckpointEvaluation {
  validation: SplitReport;
  test: SplitReport;
}

/**
 * Evaluates a saved checkpoint's deterministic policy on the validation and test splits next to
 * buy-and-hold, and writes the figures (plus `extra`) into its manifest.
 */
export function evaluateCheckpoint(plan: TrainingPlan, dir: string, extra: Record<string, unknown> = {}): CheckpointEvaluation {
  const { policy } = loadPolicy(dir, { featureSchemaHash: plan.trainer.meta.featureSchemaHash });
  const out = new Float32Array(policy.actionSize);
  const act = (obs: Float32Array): number => {
    policy.actDeterministic(obs, 1, out);
    return out[0]!;
  };
  const validation = { policy: evaluateOnSplit(plan.validation, act), buyAndHold: buyAndHold(plan.validation) };
  const test = { policy: evaluateOnSplit(plan.test, act), buyAndHold: buyAndHold(plan.test) };
  updateManifestMetrics(dir, { validation, test, ...extra });
  return { validation, test };
}
