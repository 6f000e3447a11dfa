import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { envSchema, type EnvConfig, type FeaturesConfig } from "../config/schemas/features";
import type { BarColumns } from "../core/bar";
import { TradelabError, isTradelabError } from "../core/errors";
import { FeaturePipeline, type FeatureManifest } from "../features/pipeline";
import type { FeatureStream } from "../features/stream";
import type { NormaliserStats } from "../features/normaliser";
import type { FeatureSchema } from "../features/schema";
import { loadCheckpoint, loadPolicy, type CheckpointManifest } from "../rl/checkpoint";
import type { ActorCriticLayout } from "../rl/actor-critic";
import type { PolicySnapshot } from "../rl/policy";
import { RiskGuard, type RiskLimits } from "../risk/risk-guard";
import type { OrderFilters } from "../sim/filters";
import { planOrder } from "./order-diff";
import { PolicyStateTracker } from "./signal-runner/policy-state";
import type { Policy, PolicyContext } from "./strategies/policy";

/** A checkpoint ready to decide: its policy, its own feature pipeline, and the env settings it was trained with. */
export interface CheckpointModel {
  dir: string;
  manifest: CheckpointManifest;
  policy: PolicySnapshot;
  /** The pipeline rebuilt by this code from the checkpoint's features config, with its fitted statistics. */
  pipeline: FeaturePipeline;
  /** The checkpoint's `env:` settings (defaults applied): leverage, long-only, rebalance band. */
  env: EnvConfig;
  /** Market features + state features. */
  obsSize: number;
  /** Action range: [-1, 1], or [0, 1] for long-only checkpoints. */
  actionLow: number;
  actionHigh: number;
  /** The full parameter vector (critics included) when loaded with `critics: true`. */
  critics?: { layout: ActorCriticLayout; params: Float32Array };
  /** conformal.json next to the checkpoint (a saved ConformalPredictor state), when present. */
  conformalState?: unknown;
  /** ppo.gamma of the resolved config (1 when absent). */
  gamma: number;
}

export interface LoadModelOptions {
  /** Also load the critics (conformal sizing needs their quantiles). */
  critics?: boolean;
  /** Refuse the checkpoint unless its feature schema hash is this one (e.g. a live features config). */
  featureSchemaHash?: string;
}

function invalid(dir: string, message: string): TradelabError {
  return new TradelabError("CHECKPOINT_INVALID", `${dir}: ${message}`, { details: { dir } });
}

/**
 * Loads a checkpoint for inference. The feature pipeline is rebuilt from the checkpoint's features
 * config by this code; if the schema hash it computes differs from the one the checkpoint was
 * trained with (the feature maths or schema changed), loading fails with SCHEMA_MISMATCH.
 */
export function loadCheckpointModel(dir: string, opts: LoadModelOptions = {}): CheckpointModel {
  const { policy, manifest } = loadPolicy(dir, { featureSchemaHash: opts.featureSchemaHash });
  const config = (manifest.config ?? {}) as { features?: FeaturesConfig; env?: unknown; ppo?: { gamma?: number } };
  if (config.features === undefined) throw invalid(dir, "manifest.json config has no features section (the pipeline cannot be rebuilt)");
  const fm: FeatureManifest = {
    config: config.features,
    schema: manifest.observation.featureSchema as FeatureSchema,
    hash: manifest.observation.featureSchemaHash,
    normaliser: manifest.normaliser as NormaliserStats,
  };
  let pipeline: FeaturePipeline;
  try {
    pipeline = FeaturePipeline.fromManifest(fm);
  } catch (e) {
    if (isTradelabError(e) && typeof e.details.expected === "string" && typeof e.details.got === "string") {
      throw new TradelabError("SCHEMA_MISMATCH", `${dir}: refusing the checkpoint: ${e.message}`, { details: { dir, checkpoint: e.details.expected, pipeline: e.details.got }, cause: e });
    }
    throw e;
  }
  const envParsed = envSchema.safeParse(config.env ?? {});
  if (!envParsed.success) throw invalid(dir, `manifest.json config.env: ${envParsed.error.issues[0]!.path.join(".")}: ${envParsed.error.issues[0]!.message}`);
  const obsSize = pipeline.width + pipeline.stateNames.length;
  if (obsSize !== manifest.observation.size || obsSize !== policy.obsSize) {
    throw invalid(dir, `observation size mismatch: pipeline gives ${obsSize}, manifest says ${manifest.observation.size}, network takes ${policy.obsSize}`);
  }
  const model: CheckpointModel = {
    dir,
    manifest,
    policy,
    pipeline,
    env: envParsed.data,
    obsSize,
    actionLow: manifest.action.low,
    actionHigh: manifest.action.high,
    gamma: typeof config.ppo?.gamma === "number" ? config.ppo.gamma : 1,
  };
  if (opts.critics) {
    const c = loadCheckpoint(dir, { featureSchemaHash: opts.featureSchemaHash });
    model.critics = { layout: c.layout, params: c.params };
  }
  const conformalFile = join(dir, "conformal.json");
  if (existsSync(conformalFile)) {
    try {
      model.conformalState = JSON.parse(readFileSync(conformalFile, "utf8"));
    } catch (e) {
      throw invalid(dir, `conformal.json is not valid JSON: ${(e as Error).message}`);
    }
  }
  return model;
}

/**
 * Observation assembly shared by live and backtest: the stream's normalised market features of the
 * latest bar, then the account state as the env writes it. Returns the buffer (reused).
 */
export function writeObservation(model: CheckpointModel, stream: FeatureStream, state: PolicyStateTracker, positionQty: number, close: number, equity: number, out: Float32Array): Float32Array {
  const market = stream.observation();
  out.set(market, 0);
  state.write(model.pipeline.stateNames, positionQty, close, equity, model.env.maxPositionFraction, model.pipeline.config.normalise.clip, out, market.length);
  return out;
}

/** Deterministic action (mean of the policy, squashed) clipped to the checkpoint's action range. */
export function decideAction(model: CheckpointModel, obs: Float32Array, scratch: Float32Array): number {
  model.policy.actDeterministic(obs, 1, scratch);
  const a = scratch[0]!;
  if (a !== a) throw new TradelabError("INVARIANT", `${model.dir}: the policy returned NaN`);
  return a < model.actionLow ? model.actionLow : a > model.actionHigh ? model.actionHigh : a;
}

export interface CheckpointPolicyOptions {
  /** The venue's (or simulator's) filters for the symbol; null = no rounding. */
  filters: OrderFilters | null;
  /** Taker fee as a fraction, for the buy cap. */
  feeRate: number;
  /** Spot accounts cannot go short: targets are clipped at 0. */
  allowShort: boolean;
  /** Position limits of the live config (risk.maxPositionQty / maxPositionNotional), applied as the live runner applies them. */
  riskLimits?: RiskLimits;
  /** Bars before this open time only feed the features (the live runner's warm-up); no decisions. */
  firstDecisionTs?: number;
}

/**
 * A checkpoint behind the backtester's Policy interface: features in streaming form over the bars in
 * order, the env's state features, the deterministic action, and the same order sizing as the live
 * runner (lib/services/order-diff). Returns the position it wants (base units) or null for no order.
 */
export class CheckpointPolicy implements Policy {
  readonly name: string;
  /** Every bar goes through decide (it feeds the feature stream). */
  readonly warmup = 0;
  private stream: FeatureStream;
  private readonly state = new PolicyStateTracker();
  private readonly obs: Float32Array;
  private readonly act = new Float32Array(1);
  private prevQty = 0;
  private readonly guard: RiskGuard | undefined;

  constructor(
    private readonly model: CheckpointModel,
    private readonly opts: CheckpointPolicyOptions,
  ) {
    this.name = `checkpoint ${model.dir}`;
    this.guard = opts.riskLimits ? new RiskGuard(opts.riskLimits) : undefined;
    this.stream = model.pipeline.stream();
    this.obs = new Float32Array(model.obsSize);
  }

  prepare(_bars: BarColumns, symbol: string): void {
    this.stream = this.model.pipeline.stream(symbol);
    this.state.peakEquity = Number.NaN;
    this.prevQty = 0;
  }

  decide(ctx: PolicyContext): number | null {
    const b = ctx.bars;
    const i = ctx.i;
    const ts = b.ts[i]!;
    const close = b.close[i]!;
    this.stream.push({ ts, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close, volume: b.volume[i]! });
    if (this.opts.firstDecisionTs !== undefined && ts < this.opts.firstDecisionTs) return null;
    this.state.onBarClose(this.prevQty, ctx.positionQty, ctx.fillPrice ?? Number.NaN, ctx.equity);
    this.prevQty = ctx.positionQty;
    if (!this.stream.ready) return null;
    const obs = writeObservation(this.model, this.stream, this.state, ctx.positionQty, close, ctx.equity, this.obs);
    const target = decideAction(this.model, obs, this.act);
    const plan = planOrder({
      target,
      equity: ctx.equity,
      leverage: this.model.env.maxPositionFraction,
      price: close,
      position: ctx.positionQty,
      band: this.model.env.rebalanceThreshold,
      filters: this.opts.filters,
      maxAbsPosition: this.guard?.maxPositionQty(close),
      allowShort: this.opts.allowShort,
      freeQuote: ctx.cash,
      feeRate: this.opts.feeRate,
    });
    if (plan.kind === "none") return null;
    return ctx.positionQty + (plan.side === "buy" ? plan.qty : -plan.qty);
  }
}
