import type { FeaturesConfig, StateFeature } from "../config/schemas/features";
import type { FeatureStep } from "./step";
import { canonicalJson, sha256Hex } from "./canonical-json";

/** Bumped whenever the maths of any step changes, so old checkpoints are refused rather than misfed. */
export const FEATURE_MATHS_VERSION = 1;

export interface FeatureStepSchema {
  kind: string;
  params: Readonly<Record<string, number | boolean | readonly number[]>>;
  names: readonly string[];
  warmup: number;
  normalise: boolean;
}

/**
 * Everything that defines an observation: market feature steps (names, order, parameters), the
 * normaliser kind and clip, and the state features the env appends. Its hash is what checkpoints
 * and the live runner compare.
 */
export interface FeatureSchema {
  version: number;
  steps: FeatureStepSchema[];
  /** Market feature names, in order (the first `names.length` values of an observation). */
  names: string[];
  /** State feature names appended by the env. */
  state: StateFeature[];
  normalise: { kind: "meanstd" | "robust"; clip: number };
  /** Rows before this are warm-up (the largest step warm-up). */
  warmup: number;
}

export function buildFeatureSchema(cfg: FeaturesConfig, steps: readonly FeatureStep[]): FeatureSchema {
  const stepSchemas = steps.map((s, i) => ({
    kind: s.kind,
    params: s.params,
    names: [...s.names],
    warmup: s.warmup,
    normalise: cfg.steps[i]!.normalise,
  }));
  return {
    version: FEATURE_MATHS_VERSION,
    steps: stepSchemas,
    names: stepSchemas.flatMap((s) => s.names),
    state: [...cfg.state],
    normalise: { kind: cfg.normalise.kind, clip: cfg.normalise.clip },
    warmup: Math.max(0, ...steps.map((s) => s.warmup)),
  };
}

/** sha256 of the schema's canonical JSON (sorted keys), hex. */
export function featureSchemaHash(schema: FeatureSchema): string {
  return sha256Hex(canonicalJson(schema));
}
