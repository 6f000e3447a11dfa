import { z } from "zod";
import { keepBestMetricSchema } from "./ppo";

/**
 * Hyperparameter search over the train config (`pbt:` population-based training, `search:` random or
 * grid search with successive halving). Space keys are dotted key paths into the train config
 * (`ppo.learningRate.lr`, `ppo.entropyCoef`, `optimizer.noiseStd`) and must name a number there.
 */

export const hyperparameterRangeSchema = z
  .strictObject({
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    /** log: sample and perturb in log space (min must be > 0). */
    scale: z.enum(["log", "linear"]).default("log"),
    /** Round sampled values to integers (batch sizes, epochs). */
    integer: z.boolean().default(false),
    /** Explicit candidates (grid search, or resampling in PBT) instead of min/max. */
    values: z.array(z.number().finite()).min(1).optional(),
  })
  .superRefine((r, ctx) => {
    const hasRange = r.min !== undefined || r.max !== undefined;
    if (r.values !== undefined && hasRange) ctx.addIssue({ code: "custom", path: ["values"], message: "give either values or min/max, not both" });
    if (r.values === undefined && (r.min === undefined || r.max === undefined)) ctx.addIssue({ code: "custom", path: [r.min === undefined ? "min" : "max"], message: "min and max are required without values" });
    if (r.min !== undefined && r.max !== undefined && !(r.min < r.max)) ctx.addIssue({ code: "custom", path: ["max"], message: "max must be above min" });
    if (r.scale === "log" && r.min !== undefined && r.min <= 0) ctx.addIssue({ code: "custom", path: ["min"], message: 'log scale needs min > 0 (or scale: "linear")' });
  });
export type HyperparameterRange = z.infer<typeof hyperparameterRangeSchema>;

const spaceSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+$/, { message: "expected a dotted key path such as ppo.learningRate.lr" }),
  hyperparameterRangeSchema,
);

const DEFAULT_SPACE: z.input<typeof spaceSchema> = {
  "ppo.learningRate.lr": { min: 1e-5, max: 1e-3 },
  "ppo.clip.start": { min: 0.1, max: 0.3, scale: "linear" },
  "ppo.gaeLambda": { min: 0.9, max: 0.99, scale: "linear" },
};

export const pbtSchema = z
  .strictObject({
    /** Members trained side by side. */
    population: z.int().min(2).max(256).default(4),
    /** Worker threads; absent = one per CPU core, at most the population. */
    workers: z.int().min(1).max(256).optional(),
    /** Env steps each member trains between exploit/explore decisions. */
    readyIntervalSteps: z.int().positive().default(50_000),
    /** Bottom fraction copies a member of the top fraction (weights, optimizer state, hyperparameters). */
    truncationFraction: z.number().gt(0).max(0.5).default(0.25),
    /** Explore: multiply each hyperparameter by one of these factors. */
    perturbFactors: z.array(z.number().positive()).min(1).default([0.8, 1.2]),
    /** Explore: probability of resampling a hyperparameter from its range instead of perturbing it. */
    resampleProbability: z.number().min(0).max(1).default(0.25),
    /** Validation metric members are ranked by (maximised). */
    metric: keepBestMetricSchema.default("sharpe"),
    space: spaceSchema.prefault(DEFAULT_SPACE),
  })
  .refine((p) => Math.floor(p.population * p.truncationFraction) >= 1, { message: "population x truncationFraction must select at least one member", path: ["truncationFraction"] });
export type PbtConfig = z.infer<typeof pbtSchema>;

export const searchSchema = z.strictObject({
  /** random: sample the space; grid: every combination (values, or gridPoints per range). */
  method: z.enum(["random", "grid"]).default("random"),
  /** Trials for random search. */
  trials: z.int().min(1).max(10_000).default(8),
  /** Points per min/max range in grid search. */
  gridPoints: z.int().min(2).max(100).default(3),
  /** Successive halving: every rung keeps the best 1/eta of the trials and gives them eta x the steps. */
  successiveHalving: z
    .strictObject({
      enabled: z.boolean().default(true),
      eta: z.int().min(2).max(10).default(3),
      /** Env steps of the first rung. */
      minSteps: z.int().positive().default(20_000),
    })
    .prefault({}),
  metric: keepBestMetricSchema.default("sharpe"),
  space: spaceSchema.prefault(DEFAULT_SPACE),
});
export type SearchConfig = z.infer<typeof searchSchema>;
