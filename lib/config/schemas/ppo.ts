import { z } from "zod";

/**
 * Config schemas for the distributional PPO agent (`ppo:`), the variance gradient scaler (`vgs:`),
 * the optimizer (`optimizer:`) and the training loop (`training:`). Strict objects (unknown keys are
 * errors), camelCase keys, every default lives here.
 */

const hiddenSizes = z.array(z.int().min(1).max(4096)).min(1).max(8);
const probability = z.number().gt(0).lt(1);

/** Hidden-layer activation of the policy and critic MLPs (tfjs layer activation names). */
export const activationSchema = z.enum(["tanh", "relu", "elu"]);
export type Activation = z.infer<typeof activationSchema>;

/** How a scheduled value moves from its start to its end over the training budget. */
export const scheduleKindSchema = z.enum(["constant", "linear", "cosine"]);
export type ScheduleKind = z.infer<typeof scheduleKindSchema>;

/** PPO clip range epsilon, annealed from `start` to `end` over training. */
export const clipScheduleSchema = z
  .strictObject({
    start: z.number().gt(0).max(1).default(0.2),
    end: z.number().gt(0).max(1).default(0.2),
    schedule: scheduleKindSchema.default("constant"),
  });
export type ClipScheduleConfig = z.infer<typeof clipScheduleSchema>;

/** Learning rate, from `lr` down to `lr * lrFinalFraction` (linear or cosine) over training. */
export const lrScheduleSchema = z.strictObject({
  lr: z.number().gt(0).max(1).default(3e-4),
  schedule: scheduleKindSchema.default("linear"),
  finalFraction: z.number().min(0).max(1).default(0.1),
});
export type LrScheduleConfig = z.infer<typeof lrScheduleSchema>;

/**
 * Risk-aware term: adds `weight` x the CVaR advantage (GAE over CVaR_alpha, the mean of the lowest
 * `alpha` fraction of the pessimistic critic's return quantiles) to the mean advantage.
 */
export const cvarSchema = z.strictObject({
  alpha: probability.default(0.1),
  /** 0 disables the term. */
  weight: z.number().min(0).default(0),
});
export type CvarConfig = z.infer<typeof cvarSchema>;

/** State-independent log standard deviation of the Gaussian policy, clamped to [min, max]. */
export const logStdSchema = z
  .strictObject({
    init: z.number().default(-0.5),
    min: z.number().default(-5),
    max: z.number().default(1),
  })
  .refine((s) => s.min < s.max && s.init >= s.min && s.init <= s.max, {
    message: "logStd needs min < max and min <= init <= max",
    path: ["init"],
  });
export type LogStdConfig = z.infer<typeof logStdSchema>;

export const ppoSchema = z
  .strictObject({
    /** Hidden layer widths of the policy MLP. */
    policyHidden: hiddenSizes.default([64, 64]),
    /** Hidden layer widths of each of the two critic MLPs. */
    criticHidden: hiddenSizes.default([64, 64]),
    activation: activationSchema.default("tanh"),
    /**
     * Quantile critics (true) or one critic with a scalar value and squared-error loss (false, the
     * standard PPO baseline; nQuantiles, huberKappa, twinCritics and cvar then do not apply).
     */
    distributional: z.boolean().default(true),
    /** Two independent quantile critics; GAE uses the smaller of their mean values. */
    twinCritics: z.boolean().default(true),
    /** Quantiles per critic; tau_i = (i + 0.5) / nQuantiles. */
    nQuantiles: z.int().min(1).max(512).default(32),
    /** Huber threshold kappa of the quantile loss. */
    huberKappa: z.number().gt(0).default(1),
    gamma: z.number().min(0).max(1).default(0.99),
    /** GAE lambda. */
    gaeLambda: z.number().min(0).max(1).default(0.95),
    clip: clipScheduleSchema.prefault({}),
    entropyCoef: z.number().min(0).default(0),
    valueCoef: z.number().min(0).default(0.5),
    /** Clip the change of each predicted quantile to +-valueClip around the rollout's values; null disables. */
    valueClip: z.number().gt(0).nullable().default(null),
    epochs: z.int().min(1).max(1000).default(10),
    minibatchSize: z.int().min(1).default(512),
    /** Steps each env collects per rollout (rollout size = numEnvs * rolloutSteps). */
    rolloutSteps: z.int().min(1).default(2048),
    numEnvs: z.int().min(1).max(4096).default(8),
    /** Global-norm gradient clipping; null disables. */
    maxGradNorm: z.number().gt(0).nullable().default(0.5),
    /** Stop the epoch loop when the approximate KL of the last minibatch exceeds this; null disables. */
    targetKl: z.number().gt(0).nullable().default(0.03),
    learningRate: lrScheduleSchema.prefault({}),
    normaliseAdvantages: z.boolean().default(true),
    /** Scale returns by a running std of discounted returns before they reach the critics. */
    normaliseReturns: z.boolean().default(true),
    cvar: cvarSchema.prefault({}),
    logStd: logStdSchema.prefault({}),
    /** Sigmoid squash to [0, 1] instead of tanh to [-1, 1]; must match the env's action range. */
    longOnly: z.boolean().default(false),
  })
  .refine((p) => p.minibatchSize <= p.numEnvs * p.rolloutSteps, {
    message: "minibatchSize must not exceed numEnvs * rolloutSteps",
    path: ["minibatchSize"],
  });
export type PpoConfig = z.infer<typeof ppoSchema>;

/** Variance gradient scaler: g <- g / (1 + alpha * normalisedVariance), floored at `floor`. */
export const vgsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** EMA decay of the gradient mean and of the squared gradient. */
  beta: probability.default(0.99),
  alpha: z.number().min(0).default(1),
  /** Lower bound on the scale factor. */
  floor: z.number().gt(0).max(1).default(0.1),
  eps: z.number().gt(0).default(1e-8),
});
export type VgsConfig = z.infer<typeof vgsSchema>;

export const adamSchema = z.strictObject({
  kind: z.literal("adam"),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().gt(0).default(1e-5),
  /** Decoupled weight decay (AdamW style); 0 disables. */
  weightDecay: z.number().min(0).default(0),
});
export type AdamConfig = z.infer<typeof adamSchema>;

/** Utility-based perturbed gradient descent with Adam moments (Elsayed & Mahmood 2024). */
export const adaptiveUpgdSchema = z.strictObject({
  kind: z.literal("adaptiveUpgd"),
  beta1: z.number().min(0).lt(1).default(0.9),
  beta2: z.number().min(0).lt(1).default(0.999),
  eps: z.number().gt(0).default(1e-5),
  /** EMA decay of the utility u = -g * w. */
  utilityBeta: z.number().min(0).lt(1).default(0.999),
  /** Std of the Gaussian perturbation added to the normalised step. */
  noiseStd: z.number().min(0).default(1e-3),
  /** Decoupled weight decay; 0 disables. */
  weightDecay: z.number().min(0).default(0),
  /** Adds the diagonal second-order term 0.5 * g^2 * w^2 (squared gradient as the Hessian estimate). */
  secondOrder: z.boolean().default(false),
});
export type AdaptiveUpgdConfig = z.infer<typeof adaptiveUpgdSchema>;

export const optimizerSchema = z
  .discriminatedUnion("kind", [adamSchema, adaptiveUpgdSchema])
  .prefault({ kind: "adam" });
export type OptimizerConfig = z.infer<typeof optimizerSchema>;

/** Validation metric the best checkpoint is chosen by (all are maximised). */
export const keepBestMetricSchema = z.enum(["sharpe", "sortino", "totalReturn", "calmar", "meanEpisodeReward"]);
export type KeepBestMetric = z.infer<typeof keepBestMetricSchema>;

export const trainingSchema = z.strictObject({
  /** Env steps in total (summed over envs). */
  totalSteps: z.int().min(1).default(1_000_000),
  seed: z.int().default(42),
  /** Evaluate the deterministic policy on the validation split every N updates; 0 disables. */
  evalEveryUpdates: z.int().min(0).default(10),
  /** Validation episodes per evaluation. */
  evalEpisodes: z.int().min(1).default(1),
  /** Save the latest checkpoint every N updates (for resume); 0 saves only at the end. */
  checkpointEveryUpdates: z.int().min(0).default(10),
  keepBest: z
    .strictObject({
      enabled: z.boolean().default(true),
      metric: keepBestMetricSchema.default("sharpe"),
    })
    .prefault({}),
});
export type TrainingConfig = z.infer<typeof trainingSchema>;
