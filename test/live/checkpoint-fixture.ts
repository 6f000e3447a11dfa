import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BarColumns } from "../../lib/core/bar";
import { FeaturePipeline, type FeaturesConfigInput } from "../../lib/features/pipeline";
import { openDataSession } from "../../lib/infra/data/index";
import { initTf } from "../../lib/infra/tf-backend";
import { actorCriticLayout, initActorCritic, type ActorCriticSpec } from "../../lib/rl/actor-critic";
import { CHECKPOINT_FORMAT_VERSION, saveCheckpoint, type CheckpointManifest } from "../../lib/rl/checkpoint";
import { createConformalPredictor } from "../../lib/conformal/predictor";
import { SeededRng } from "../../lib/sim/rng";

/** A small feature set (short warm-up) so tests need little history. */
export const TEST_FEATURES: FeaturesConfigInput = {
  steps: [{ kind: "logReturns", horizons: [1, 5, 15] }, { kind: "ewmaVol", halfLife: 10 }, { kind: "rsi", period: 14 }, { kind: "barShape" }, { kind: "calendar" }],
};

export interface FixtureOptions {
  seed?: number;
  /** Multiplies the policy's output layer so actions swing across the range (a fresh policy is nearly flat). */
  headGain?: number;
  longOnly?: boolean;
  features?: FeaturesConfigInput;
  env?: Record<string, unknown>;
  /** Also write a conformal.json calibration state. */
  conformal?: boolean;
}

/** Real BTCUSDT 1m bars in [from, to) from data/. */
export async function loadBtcBars(from: string, to: string): Promise<BarColumns> {
  const s = await openDataSession({ threads: 1 });
  try {
    return await s.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m", from, to });
  } finally {
    s.close();
  }
}

/**
 * Writes a checkpoint the way the trainer does (model.json + weights.bin, critic, manifest with the
 * feature schema, hash and fitted normaliser), from a freshly initialised, seeded policy whose output
 * layer is scaled up so it trades.
 */
export async function makeCheckpoint(dir: string, fitBars: BarColumns, o: FixtureOptions = {}): Promise<CheckpointManifest> {
  await initTf({ prefer: ["wasm", "cpu"] });
  const features = o.features ?? TEST_FEATURES;
  const pipeline = FeaturePipeline.fromConfig(features);
  pipeline.fit(pipeline.compute(fitBars, "BTCUSDT"));
  const longOnly = o.longOnly ?? true;
  const obsSize = pipeline.width + pipeline.stateNames.length;
  const spec: ActorCriticSpec = {
    obsSize, actionSize: 1, policyHidden: [16], criticHidden: [16], activation: "tanh", squash: longOnly ? "sigmoid" : "tanh",
    nQuantiles: 8, numCritics: 2, distributional: true, logStdInit: -0.5, logStdMin: -5, logStdMax: 2,
  };
  const layout = actorCriticLayout(spec);
  const params = initActorCritic(layout, new SeededRng(o.seed ?? 1));
  const head = layout.policy.layers[layout.policy.layers.length - 1]!;
  const gain = o.headGain ?? 300;
  for (let i = head.kernelOffset; i < head.kernelOffset + head.inSize * head.outSize; i++) params[i] = params[i]! * gain;
  const m = pipeline.toManifest();
  const manifest: CheckpointManifest = {
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    created: "2026-01-01T00:00:00.000Z",
    observation: { size: obsSize, featureNames: [...pipeline.names, ...pipeline.stateNames], featureSchema: m.schema, featureSchemaHash: m.hash },
    normaliser: m.normaliser,
    action: { size: 1, low: longOnly ? 0 : -1, high: 1, squash: spec.squash },
    network: spec,
    config: { features: m.config, env: { longOnly, maxPositionFraction: 0.5, ...o.env }, ppo: { gamma: 0.99 } },
    dataRange: null,
    seed: o.seed ?? 1,
    backend: "test",
    training: { steps: 0, updates: 0 },
    metrics: {},
  };
  await saveCheckpoint(dir, { layout, params, manifest });
  if (o.conformal) {
    const p = createConformalPredictor({ enabled: true, alpha: 0.2, calibrationWindow: 200 });
    const rng = new SeededRng(5);
    const lo = Array.from({ length: 200 }, () => -0.01 + 0.002 * rng.normal());
    const hi = lo.map((x) => x + 0.02);
    p.calibrate(lo, hi, lo.map((x) => x + 0.01 + 0.008 * rng.normal()));
    writeFileSync(join(dir, "conformal.json"), JSON.stringify(p.toJSON()));
  }
  return manifest;
}
