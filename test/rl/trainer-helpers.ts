import { ManualClock } from "../../lib/core/clock";
import { optimizerSchema, ppoSchema, trainingSchema, vgsSchema } from "../../lib/config/schemas/ppo";
import type { TrainerOptions } from "../../lib/rl/trainer";
import { SeededRng } from "../../lib/sim/rng";
import { TrendToyEnv } from "./toy-env";

export const TOY_EPISODE = 32;

/** A small, fast configuration over the trend toy env. */
export function toyTrainerOptions(overrides: { ppo?: object; training?: object; optimizer?: object; vgs?: object } = {}): TrainerOptions {
  const ppo = ppoSchema.parse({
    policyHidden: [32, 32],
    criticHidden: [32, 32],
    nQuantiles: 16,
    numEnvs: 8,
    rolloutSteps: 64,
    minibatchSize: 128,
    epochs: 4,
    gamma: 0.9,
    learningRate: { lr: 3e-3, schedule: "linear", finalFraction: 0.2 },
    ...overrides.ppo,
  });
  return {
    env: new TrendToyEnv(ppo.numEnvs, TOY_EPISODE),
    ppo,
    vgs: vgsSchema.parse(overrides.vgs ?? {}),
    optimizer: optimizerSchema.parse(overrides.optimizer ?? { kind: "adam" }),
    training: trainingSchema.parse({ seed: 7, evalEveryUpdates: 0, checkpointEveryUpdates: 0, ...overrides.training }),
    createRng: (s) => new SeededRng(s),
    clock: new ManualClock(1_700_000_000_000),
    backend: "test",
    meta: { featureNames: ["regime", "previousAction"], featureSchema: { toy: true }, featureSchemaHash: "toy-schema-1", normaliser: null, config: { toy: true }, dataRange: null },
  };
}
