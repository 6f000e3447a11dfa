import { loadPolicy, updateManifestMetrics } from "../rl/checkpoint";
import type { PolicySnapshot } from "../rl/policy";
import { PpoTrainer, type TrainerOptions, type TrainSummary } from "../rl/trainer";
import { buyAndHold, evaluateOnSplit, splitEvaluator, type SplitEvaluatorOptions, type SplitMetrics } from "./train-evaluation";

/**
 * The training use case over ports: PPO on the training env (a VecEnv), the deterministic policy
 * evaluated on the validation split during training (best checkpoint kept by the configured
 * metric), then the shipped checkpoint evaluated once on validation and test next to buy-and-hold
 * through the same env and costs, with those figures written into its manifest.
 */
export interface TrainingPlan {
  /** Everything the trainer needs except the evaluator, which is built from `validation`. */
  trainer: Omit<TrainerOptions, "evaluator">;
  validation: SplitEvaluatorOptions;
  test: SplitEvaluatorOptions;
  /** Env steps in all; default training.totalSteps. */
  totalSteps?: number;
}

export interface SplitReport {
  policy: SplitMetrics;
  buyAndHold: SplitMetrics;
}

export interface TrainingReport {
  summary: TrainSummary;
  /** The checkpoint that was evaluated (best by validation, or the final one), or null without outDir. */
  checkpoint: string | null;
  validation: SplitReport;
  test: SplitReport;
}

export async function runTraining(plan: TrainingPlan): Promise<TrainingReport> {
  const evaluator = plan.trainer.training.evalEveryUpdates > 0 ? splitEvaluator(plan.validation) : undefined;
  const trainer = new PpoTrainer({ ...plan.trainer, evaluator });
  try {
    const summary = await trainer.train(plan.totalSteps ?? plan.trainer.training.totalSteps);
    const outDir = plan.trainer.outDir ?? null;
    const policy: PolicySnapshot = outDir !== null ? loadPolicy(outDir, { featureSchemaHash: plan.trainer.meta.featureSchemaHash }).policy : trainer.learner.snapshot();
    const report = (o: SplitEvaluatorOptions): SplitReport => {
      const out = new Float32Array(policy.actionSize);
      const metrics = evaluateOnSplit(o, (obs) => {
        policy.actDeterministic(obs, 1, out);
        return out[0]!;
      });
      return { policy: metrics, buyAndHold: buyAndHold(o) };
    };
    const validation = report(plan.validation);
    const test = report(plan.test);
    if (outDir !== null) updateManifestMetrics(outDir, { validation, test, training: summaryRecord(summary) });
    return { summary, checkpoint: outDir, validation, test };
  } finally {
    trainer.dispose();
  }
}

function summaryRecord(s: TrainSummary): Record<string, unknown> {
  return {
    updates: s.updates,
    steps: s.steps,
    elapsedMs: s.elapsedMs,
    stepsPerSec: s.stepsPerSec,
    bestMetric: s.bestMetric,
    bestUpdate: s.bestUpdate,
    lastEpisodeReturn: s.last?.episodeReturn ?? null,
    lastExplainedVariance: s.last?.explainedVariance ?? null,
  };
}
