import type { BarColumns } from "../core/bar";
import { ConfigError, InvariantError } from "../core/errors";
import type { SplitsConfig, StateFeature } from "../config/schemas/features";
import { dateToMs } from "../config/schemas/features";
import type { FeaturePipeline } from "../features/pipeline";
import { rowAtOrAfter } from "../features/matrix";

/** A date range in ms UTC: `from` inclusive, `to` exclusive (bar open times). */
export interface TimeRange {
  from: number;
  to: number;
}

/**
 * One symbol's bars with their precomputed, normalised features: what every env over that symbol
 * reads (shared, read-only). Row i of `features` belongs to bar i.
 */
export interface EnvMarket {
  symbol: string;
  timeframeMs: number;
  bars: BarColumns;
  /** Normalised float32 market features, row-major (bars.length x featureNames.length). */
  features: Float32Array;
  featureNames: readonly string[];
  /** Rows before this are feature warm-up and never observed. */
  warmup: number;
  /** Hash of the feature schema the features come from (it covers the state features too). */
  featureHash: string;
  /** State features appended to each observation, and the clip they share with the market features. */
  stateFeatures: readonly StateFeature[];
  clip: number;
}

export interface EnvMarketInput {
  pipeline: FeaturePipeline;
  bars: BarColumns;
  symbol: string;
  timeframeMs: number;
  /** When the pipeline is not fitted yet, fit it on this range (the training split) first. */
  fitRange?: TimeRange;
}

/** Computes a symbol's features once (fitting the normaliser on `fitRange` when needed). */
export function buildEnvMarket(inp: EnvMarketInput): EnvMarket {
  const { pipeline, bars } = inp;
  if (!pipeline.fitted) {
    if (!inp.fitRange) throw new InvariantError("buildEnvMarket: the pipeline is not fitted and no fitRange (training split) was given");
    pipeline.fit(pipeline.compute(bars, inp.symbol), inp.fitRange);
  }
  return {
    symbol: inp.symbol,
    timeframeMs: inp.timeframeMs,
    bars,
    features: pipeline.transformBars(bars, inp.symbol),
    featureNames: pipeline.names,
    warmup: pipeline.warmup,
    featureHash: pipeline.hash,
    stateFeatures: pipeline.stateNames,
    clip: pipeline.config.normalise.clip,
  };
}

/** A named split of a `data.splits` config, in ms. */
export function splitRange(splits: SplitsConfig, name: "train" | "validation" | "test"): TimeRange {
  const r = splits[name];
  return { from: dateToMs(r.from), to: dateToMs(r.to) };
}

/**
 * Rows an env may use inside `range`: decisions at rows [first, last) (each filled in the next
 * bar, which must still be inside the range), never before `minRow`.
 */
export function decisionRows(m: EnvMarket, range: TimeRange | undefined, minRow: number): { first: number; last: number } {
  const ts = m.bars.ts;
  const lo = range ? rowAtOrAfter(ts, range.from) : 0;
  const end = range ? rowAtOrAfter(ts, range.to) : m.bars.length;
  const first = Math.max(lo, minRow);
  const last = end - 1;
  if (!(last > first)) {
    const iso = (x: number) => (Number.isFinite(x) ? new Date(x).toISOString() : String(x));
    throw new ConfigError(
      `${m.symbol}: the range ${range ? `${iso(range.from)} .. ${iso(range.to)}` : "(all bars)"} leaves no bars to trade after ${minRow} warm-up bars (rows ${lo}..${end})`,
      { symbol: m.symbol },
    );
  }
  return { first, last };
}
