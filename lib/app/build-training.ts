import { resolve } from "node:path";
import { loadTrainConfig, type ConfigOf } from "../config/kinds";
import { ConfigError, DataError } from "../core/errors";
import { buildEnvMarket, observationNames, riskGuardHooks, splitRange, TradingEnv, VecTradingEnv, type EnvMarket, type TimeRange } from "../env/index";
import { FeaturePipeline } from "../features/index";
import type { FeaturesConfigInput } from "../features/pipeline";
import { openDataSession } from "../infra/data/index";
import { parseTimeframe } from "../infra/data/timeframe";
import { systemClock } from "../infra/system-clock";
import { backendPreference, initTf } from "../infra/tf-backend";
import type { TrainProgress } from "../rl/trainer";
import { runTraining, type TrainingPlan, type TrainingReport } from "../services/train";
import type { SplitEvaluatorOptions } from "../services/train-evaluation";
import { loadExecutionData } from "../sim/loaders";
import { createRng } from "../sim/rng";
import type { RiskLimits } from "../risk/risk-guard";

export interface TrainRequest {
  /** config_train.yaml path. */
  config: string;
  /** Checkpoint directory; overrides run.outDir. */
  out?: string;
  /** Env steps in all; overrides training.totalSteps. */
  steps?: number;
  /** Overrides training.seed. */
  seed?: number;
  /** Resume from this checkpoint (e.g. <out>/last); overrides run.resumeFrom. */
  resume?: string;
  onProgress?: (p: TrainProgress) => void;
  /** Called once the data is loaded and the envs are built, before training starts. */
  onReady?: (info: TrainingSetup) => void;
}

/** What was wired, for the command's header line and the manifest. */
export interface TrainingSetup {
  backend: string;
  symbol: string;
  timeframe: string;
  trainBars: number;
  obsSize: number;
  featureHash: string;
  outDir: string;
  totalSteps: number;
  seed: number;
  resumeFrom: string | null;
}

/** Loads config and bars, fits the features on the train split, builds the envs and runs the training use case. */
export async function runTrainCommand(req: TrainRequest): Promise<{ report: TrainingReport; setup: TrainingSetup }> {
  const cfg = loadTrainConfig(req.config);
  const backend = await initTf({ prefer: backendPreference(cfg.run.tfBackend) });
  const { plan, setup } = await buildTraining(cfg, req, backend);
  req.onReady?.(setup);
  const report = await runTraining(plan);
  return { report, setup };
}

/** The wiring: data session -> bars -> feature pipeline (fitted on train) -> envs -> trainer plan. */
export async function buildTraining(cfg: ConfigOf<"train">, req: Omit<TrainRequest, "config">, backend: string): Promise<{ plan: TrainingPlan; setup: TrainingSetup }> {
  if (cfg.data.symbols.length !== 1) {
    throw new ConfigError(`data.symbols: training runs on one symbol (the env trades a single instrument); got ${cfg.data.symbols.join(", ")}`, { path: "data.symbols" });
  }
  const symbol = cfg.data.symbols[0]!;
  const tf = parseTimeframe(cfg.data.timeframe);
  const train = splitRange(cfg.data.splits, "train");
  const validation = splitRange(cfg.data.splits, "validation");
  const test = splitRange(cfg.data.splits, "test");

  const session = await openDataSession({ dataDir: resolve(cfg.data.dir), threads: 1 });
  const bars = await session.loadBars({ venue: cfg.data.venue, symbol, timeframe: cfg.data.timeframe, to: test.to }).finally(() => session.close());
  if (bars.length < 2) throw new DataError(`no ${cfg.data.timeframe} bars for ${symbol} under ${cfg.data.dir} (venue ${cfg.data.venue})`, { symbol });

  const pipeline = FeaturePipeline.fromConfig(cfg.features as FeaturesConfigInput);
  const market = buildEnvMarket({ pipeline, bars, symbol, timeframeMs: tf.ms, fitRange: train });
  const execution = { config: cfg.execution, data: loadExecutionData(cfg.execution) };
  const risk = cfg.risk ? riskGuardHooks(cfg.risk as RiskLimits) : undefined;
  const seed = req.seed ?? cfg.training.seed;
  const env = new VecTradingEnv({ market, env: cfg.env, execution, range: train, numEnvs: cfg.ppo.numEnvs, seed, risk });

  const evalOptions = (range: TimeRange): SplitEvaluatorOptions => ({
    makeEnv: (r) => new TradingEnv({ market, env: cfg.env, execution, range: r, fullRange: true, risk }),
    range,
    episodes: cfg.training.evalEpisodes,
    market: cfg.data.assetClass,
    timeframeMs: tf.ms,
    seed,
    initialCash: cfg.env.initialCash,
  });

  const outDir = req.out ?? cfg.run.outDir;
  const resumeFrom = req.resume ?? cfg.run.resumeFrom ?? null;
  const totalSteps = req.steps ?? cfg.training.totalSteps;
  const plan: TrainingPlan = {
    trainer: {
      env,
      ppo: cfg.ppo,
      vgs: cfg.vgs,
      optimizer: cfg.optimizer,
      training: cfg.training,
      seed,
      createRng,
      clock: systemClock,
      backend,
      meta: {
        featureNames: observationNames(market),
        featureSchema: pipeline.toManifest(),
        featureSchemaHash: market.featureHash,
        normaliser: pipeline.normaliser.toJSON(),
        config: cfg,
        dataRange: dataRange(cfg, market, bars.length),
      },
      outDir,
      onProgress: req.onProgress,
      ...(resumeFrom !== null ? { resumeFrom } : {}),
    },
    validation: evalOptions(validation),
    test: evalOptions(test),
    totalSteps,
  };
  const trainBars = countIn(market, train);
  return {
    plan,
    setup: { backend, symbol, timeframe: cfg.data.timeframe, trainBars, obsSize: env.spec.obsSize, featureHash: market.featureHash, outDir, totalSteps, seed, resumeFrom },
  };
}

function countIn(m: EnvMarket, r: TimeRange): number {
  let n = 0;
  const ts = m.bars.ts;
  for (let i = 0; i < ts.length; i++) if (ts[i]! >= r.from && ts[i]! < r.to) n++;
  return n;
}

function dataRange(cfg: ConfigOf<"train">, m: EnvMarket, loaded: number): Record<string, unknown> {
  const ts = m.bars.ts;
  return {
    venue: cfg.data.venue,
    symbol: m.symbol,
    timeframe: cfg.data.timeframe,
    splits: cfg.data.splits,
    bars: { loaded, first: new Date(ts[0]!).toISOString(), last: new Date(ts[ts.length - 1]!).toISOString() },
  };
}
