import { z } from "zod";
import { valueAt } from "../key-path";
import { backtestSchema } from "./backtest";
import { pathSchema } from "./common";
import { conformalSchema } from "./conformal";
import { dataSchema } from "./data";
import { executionSchema } from "./execution";
import { envSchema, featuresSchema } from "./features";
import { loggingSchema } from "./logging";
import { noTradeSchema } from "./no-trade";
import { pbtSchema, searchSchema } from "./pbt";
import { optimizerSchema, ppoSchema, trainingSchema, vgsSchema } from "./ppo";
import { riskSchema } from "./risk";

/** Where a training run writes and how it starts (`run:`); steps and seed live in `training:`. */
export const runSchema = z.strictObject({
  /** Checkpoint directory (model, optimizer state, manifest, metrics.jsonl). */
  outDir: pathSchema.default("checkpoints/run"),
  /** Resume exactly from this checkpoint (weights, optimizer, normaliser, step count). */
  resumeFrom: pathSchema.optional(),
  /** tfjs backend: auto = native tensorflow when installed, else wasm, else cpu. */
  tfBackend: z.enum(["auto", "tensorflow", "wasm", "cpu"]).default("auto"),
});
export type RunConfig = z.infer<typeof runSchema>;

/** A training config file (config_train.yaml): everything `npm run train` needs. */
export const trainConfigSchema = z
  .strictObject({
    kind: z.literal("train"),
    data: dataSchema,
    features: featuresSchema.prefault({}),
    env: envSchema.prefault({}),
    execution: executionSchema.prefault({}),
    /** Risk limits inside the env (optional: training usually runs without them). */
    risk: riskSchema.optional(),
    noTrade: noTradeSchema.optional(),
    ppo: ppoSchema.prefault({}),
    vgs: vgsSchema.prefault({}),
    optimizer: optimizerSchema,
    training: trainingSchema.prefault({}),
    run: runSchema.prefault({}),
    pbt: pbtSchema.prefault({}),
    search: searchSchema.prefault({}),
    conformal: conformalSchema.prefault({}),
    backtest: backtestSchema.prefault({}),
    logging: loggingSchema.prefault({}),
  })
  .superRefine((c, ctx) => {
    if (c.ppo.longOnly !== c.env.longOnly) {
      ctx.addIssue({ code: "custom", path: ["ppo", "longOnly"], message: `must equal env.longOnly (${String(c.env.longOnly)}): the policy's action range has to match the env's` });
    }
    for (const section of ["pbt", "search"] as const) {
      for (const key of Object.keys(c[section].space)) {
        if (typeof valueAt(c, key.split(".")) !== "number") {
          ctx.addIssue({ code: "custom", path: [section, "space", key], message: `"${key}" does not name a numeric setting of this config` });
        }
      }
    }
  });
export type TrainConfig = z.infer<typeof trainConfigSchema>;
