import * as tf from "@tensorflow/tfjs";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { TradelabError } from "../core/errors";
import { actorCriticLayout, type ActorCriticLayout } from "./actor-critic";
import { decodeFloat32Weights, fileIOHandler, loadNamedArrays, saveNamedArrays, writeFileAtomic } from "./fs-io";
import { PolicySnapshot } from "./policy";

/**
 * Checkpoint directory (ARCHITECTURE.md section 4):
 *   model.json + weights.bin      the policy as a standard tfjs Layers model (tf.loadLayersModel reads it)
 *   critic.json + critic.bin      the critics' weights (named arrays)
 *   optimizer.json + optimizer.bin  optimizer, variance scaler, RNG and normaliser state, to resume
 *   manifest.json                 format version, observation spec + feature schema hash, normaliser
 *                                 statistics, action spec, networks, resolved config, data range,
 *                                 seed, tfjs backend, metrics. Written last.
 */
export const CHECKPOINT_FORMAT_VERSION = 1;

const networkSchema = z.object({
  obsSize: z.int().positive(),
  actionSize: z.int().positive(),
  policyHidden: z.array(z.int().positive()),
  criticHidden: z.array(z.int().positive()),
  activation: z.enum(["tanh", "relu", "elu"]),
  squash: z.enum(["tanh", "sigmoid"]),
  nQuantiles: z.int().positive(),
  numCritics: z.int().min(1).max(2),
  distributional: z.boolean(),
  logStdInit: z.number(),
  logStdMin: z.number(),
  logStdMax: z.number(),
});

export const manifestSchema = z.object({
  formatVersion: z.int(),
  created: z.string(),
  observation: z.object({
    size: z.int().positive(),
    featureNames: z.array(z.string()),
    featureSchema: z.unknown(),
    featureSchemaHash: z.string().min(1),
  }),
  /** Fitted normaliser statistics of the feature pipeline (opaque here; the pipeline reads them). */
  normaliser: z.unknown(),
  action: z.object({ size: z.int().positive(), low: z.number(), high: z.number(), squash: z.enum(["tanh", "sigmoid"]) }),
  network: networkSchema,
  config: z.unknown(),
  dataRange: z.unknown(),
  seed: z.int(),
  backend: z.string(),
  training: z.object({ steps: z.number().min(0), updates: z.int().min(0) }),
  metrics: z.record(z.string(), z.unknown()),
});
export type CheckpointManifest = z.infer<typeof manifestSchema>;

/** Everything beyond the weights that an exact resume needs. */
export interface TrainingStateFiles {
  tensors: Record<string, Float32Array>;
  json: Record<string, unknown>;
}

export interface CheckpointContent {
  manifest: CheckpointManifest;
  layout: ActorCriticLayout;
  /** All parameters, flat (policy, log-std, critics). */
  params: Float32Array;
  training: TrainingStateFiles | null;
}

export interface LoadOptions {
  /** When given, loading fails unless the checkpoint was trained on this feature schema. */
  featureSchemaHash?: string;
}

function invalid(dir: string, message: string, details: Record<string, unknown> = {}): TradelabError {
  return new TradelabError("CHECKPOINT_INVALID", `${dir}: ${message}`, { details: { dir, ...details } });
}

/** Writes a checkpoint directory; the manifest goes last so a complete manifest means a complete checkpoint. */
export async function saveCheckpoint(dir: string, c: { layout: ActorCriticLayout; params: Float32Array; manifest: CheckpointManifest; training?: TrainingStateFiles }): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const { layout, params, manifest } = c;
  await savePolicyModel(dir, layout, params);
  const critics: Record<string, Float32Array> = {};
  layout.critics.forEach((m) => m.layers.forEach((d, l) => {
    critics[`${m.name}/dense_${l}/kernel`] = params.slice(d.kernelOffset, d.kernelOffset + d.inSize * d.outSize);
    critics[`${m.name}/dense_${l}/bias`] = params.slice(d.biasOffset, d.biasOffset + d.outSize);
  }));
  await saveNamedArrays(dir, "critic", critics, { format: "tradelab-critic", numCritics: layout.critics.length });
  if (c.training) await saveNamedArrays(dir, "optimizer", c.training.tensors, c.training.json);
  writeFileAtomic(join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
}

/** The policy as a tfjs Sequential model of dense layers (named policy_dense_i) with the log-std as metadata. */
async function savePolicyModel(dir: string, layout: ActorCriticLayout, params: Float32Array): Promise<void> {
  const p = layout.policy;
  const model = tf.sequential();
  p.layers.forEach((d, l) => {
    const last = l === p.layers.length - 1;
    model.add(tf.layers.dense({ units: d.outSize, activation: last ? "linear" : p.activation, name: `policy_dense_${l}`, ...(l === 0 ? { inputShape: [d.inSize] } : {}) }));
  });
  const weights = p.layers.flatMap((d) => [
    tf.tensor2d(params.subarray(d.kernelOffset, d.kernelOffset + d.inSize * d.outSize), [d.inSize, d.outSize]),
    tf.tensor1d(params.subarray(d.biasOffset, d.biasOffset + d.outSize)),
  ]);
  try {
    model.setWeights(weights);
    const logStd = Array.from(params.subarray(layout.logStdOffset, layout.logStdOffset + layout.spec.actionSize));
    model.setUserDefinedMetadata({ tradelab: { logStd, squash: layout.spec.squash } });
    await model.save(fileIOHandler(dir));
  } finally {
    tf.dispose(weights);
    model.dispose();
  }
}

export function readManifest(dir: string, opts: LoadOptions = {}): CheckpointManifest {
  const path = join(dir, "manifest.json");
  if (!existsSync(path)) throw invalid(dir, "no manifest.json (not a checkpoint directory, or an interrupted save)");
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw invalid(dir, `manifest.json is not valid JSON: ${(e as Error).message}`);
  }
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw invalid(dir, `checkpoint format version ${String(version)} is not supported (this build reads version ${CHECKPOINT_FORMAT_VERSION})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(dir, `manifest.json ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const m = parsed.data;
  if (opts.featureSchemaHash !== undefined && m.observation.featureSchemaHash !== opts.featureSchemaHash) {
    throw new TradelabError("SCHEMA_MISMATCH", `${dir}: trained on feature schema ${m.observation.featureSchemaHash}, but the pipeline's schema is ${opts.featureSchemaHash}; retrain or use the matching feature config`, {
      details: { dir, checkpoint: m.observation.featureSchemaHash, pipeline: opts.featureSchemaHash },
    });
  }
  return m;
}

/** Loads the weights (and the training state when present) after checking version and schema hash. */
export function loadCheckpoint(dir: string, opts: LoadOptions = {}): CheckpointContent {
  const manifest = readManifest(dir, opts);
  const layout = actorCriticLayout(manifest.network);
  const params = new Float32Array(layout.size);
  readPolicyWeights(dir, layout, params);
  const critic = loadNamedArrays(dir, "critic").arrays;
  layout.critics.forEach((m) => m.layers.forEach((d, l) => {
    const k = critic[`${m.name}/dense_${l}/kernel`];
    const b = critic[`${m.name}/dense_${l}/bias`];
    if (k?.length !== d.inSize * d.outSize || b?.length !== d.outSize) throw invalid(dir, `critic weights for ${m.name} layer ${l} are missing or mis-shaped`);
    params.set(k, d.kernelOffset);
    params.set(b, d.biasOffset);
  }));
  let training: TrainingStateFiles | null = null;
  if (existsSync(join(dir, "optimizer.json"))) {
    const t = loadNamedArrays(dir, "optimizer");
    training = { tensors: t.arrays, json: t.extra };
  }
  return { manifest, layout, params, training };
}

function readPolicyWeights(dir: string, layout: ActorCriticLayout, params: Float32Array): void {
  const json = JSON.parse(readFileSync(join(dir, "model.json"), "utf8")) as tf.io.ModelJSON;
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const map = decodeFloat32Weights(readFileSync(join(dir, "weights.bin")), specs, join(dir, "weights.bin"));
  layout.policy.layers.forEach((d, l) => {
    const k = map[`policy_dense_${l}/kernel`];
    const b = map[`policy_dense_${l}/bias`];
    if (k?.length !== d.inSize * d.outSize || b?.length !== d.outSize) throw invalid(dir, `policy weights for layer ${l} are missing or mis-shaped in model.json/weights.bin`);
    params.set(k, d.kernelOffset);
    params.set(b, d.biasOffset);
  });
  const meta = (json.userDefinedMetadata as { tradelab?: { logStd?: number[] } } | undefined)?.tradelab;
  const logStd = meta?.logStd;
  if (!Array.isArray(logStd) || logStd.length !== layout.spec.actionSize) throw invalid(dir, "model.json lacks the policy log-std metadata");
  params.set(logStd, layout.logStdOffset);
}

/** The deterministic-capable policy of a checkpoint, for evaluation, backtests and live. */
export function loadPolicy(dir: string, opts: LoadOptions = {}): { policy: PolicySnapshot; manifest: CheckpointManifest } {
  const manifest = readManifest(dir, opts);
  const layout = actorCriticLayout(manifest.network);
  const params = new Float32Array(layout.size);
  readPolicyWeights(dir, layout, params);
  return { policy: new PolicySnapshot(layout, params), manifest };
}

/** Merges `metrics` into a saved checkpoint's manifest (e.g. final validation and test figures). */
export function updateManifestMetrics(dir: string, metrics: Record<string, unknown>): CheckpointManifest {
  const m = readManifest(dir);
  const next: CheckpointManifest = { ...m, metrics: { ...m.metrics, ...metrics } };
  writeFileAtomic(join(dir, "manifest.json"), JSON.stringify(next, null, 2));
  return next;
}
