import { resolve } from "node:path";
import { loadTrainConfig } from "../config/kinds";
import { trainConfigSchema } from "../config/schemas/train";
import type { z } from "zod";
import { conformalSchema } from "../config/schemas/conformal";
import { DataError } from "../core/errors";
import { buildEnvMarket, splitRange } from "../env/index";
import { openDataSession } from "../infra/data/index";
import { parseTimeframe } from "../infra/data/timeframe";
import { writeJsonAtomic } from "../infra/fs-atomic";
import { loadExecutionData } from "../sim/loaders";
import { loadCheckpointModel } from "../services/checkpoint-policy";
import { runCheckpoint, type CheckpointRun } from "../services/evaluate/checkpoint-run";

export interface EvaluateRequest {
  /** Checkpoint directory. */
  model: string;
  /** Conformal settings (defaults from the schema; `enabled` is implied). */
  conformal?: Partial<z.input<typeof conformalSchema>>;
  /** Write the predictor calibrated on the validation split as <model>/conformal.json (the live runner starts from it). */
  saveConformal?: boolean;
}

export interface EvaluateOutcome {
  symbol: string;
  timeframeMs: number;
  /** Deterministic runs: validation (calibrates the conformal predictor), test with sizing off, test with sizing on. */
  validation: CheckpointRun;
  test: CheckpointRun;
  testSized: CheckpointRun;
  conformalPath?: string;
}

/**
 * Evaluates a checkpoint on its own validation and test splits with the config it was trained with:
 * the conformal predictor is calibrated on validation (sizing off), then carried into the test split
 * twice, once without and once with uncertainty-aware sizing, so the effect shows side by side.
 */
export async function evaluateCheckpoint(req: EvaluateRequest): Promise<EvaluateOutcome> {
  const model = loadCheckpointModel(req.model, { critics: true });
  const parsed = trainConfigSchema.safeParse(model.manifest.config);
  const cfg = parsed.success ? parsed.data : loadTrainConfig("configs/config_train.yaml");
  const symbol = cfg.data.symbols[0]!;
  const tf = parseTimeframe(cfg.data.timeframe);
  const validation = splitRange(cfg.data.splits, "validation");
  const test = splitRange(cfg.data.splits, "test");
  const session = await openDataSession({ dataDir: resolve(cfg.data.dir), threads: 1 });
  const bars = await session.loadBars({ venue: cfg.data.venue, symbol, timeframe: cfg.data.timeframe, to: test.to }).finally(() => session.close());
  if (bars.length < 2) throw new DataError(`no ${cfg.data.timeframe} bars for ${symbol} under ${cfg.data.dir}`, { symbol });
  const market = buildEnvMarket({ pipeline: model.pipeline, bars, symbol, timeframeMs: tf.ms });
  const execution = { config: cfg.execution, data: loadExecutionData(cfg.execution) };
  const conformal = conformalSchema.parse({ ...cfg.conformal, ...req.conformal, sizing: { ...cfg.conformal.sizing, ...req.conformal?.sizing }, enabled: true });
  const common = { model, market, execution, assetClass: cfg.data.assetClass, conformal, seed: cfg.training.seed };
  const val = runCheckpoint({ ...common, range: validation });
  const off = runCheckpoint({ ...common, range: test, conformalState: val.conformalState });
  const on = runCheckpoint({ ...common, range: test, conformalState: val.conformalState, sizing: true });
  let conformalPath: string | undefined;
  if (req.saveConformal) {
    conformalPath = resolve(req.model, "conformal.json");
    writeJsonAtomic(conformalPath, val.conformalState);
  }
  return { symbol, timeframeMs: tf.ms, validation: val, test: off, testSized: on, conformalPath };
}
