import type { z } from "zod";
import { ConfigError } from "../core/errors";
import { envSchema } from "../config/schemas/features";
import type { EnvConfig } from "../config/schemas/features";
import type { ExecutionConfig } from "../config/schemas/execution";
import type { ExecutionData } from "../sim/execution-models";
import type { EnvMarket, TimeRange } from "./market";
import { decisionRows } from "./market";
import type { EnvRiskHook } from "./risk-hook";
import { EpisodeStarts } from "./episodes";

export type EnvConfigInput = z.input<typeof envSchema>;

export interface TradingEnvOptions {
  market: EnvMarket;
  /** The `env:` config section (defaults applied here). */
  env?: EnvConfigInput;
  /** Parsed `execution:` config and the data files it refers to (lib/sim loaders). */
  execution: { config: ExecutionConfig; data: ExecutionData };
  /** The split episodes live in (e.g. splitRange(splits, "train")); all bars when absent. */
  range?: TimeRange;
  /** Seed used until reset(seed) gives another. Default 0. */
  seed?: number;
  /** One episode covering the whole range from its first usable bar (evaluation); overrides episodeLength and randomOffsets. */
  fullRange?: boolean;
  /** Optional risk limits between the policy and the simulator (one hook per env). */
  risk?: () => EnvRiskHook;
  /** Bars the simulator's market statistics see before an episode starts. Default 10 half-lives of execution.slippage.sqrtImpact.halfLifeBars (at least 1). */
  simWarmupBars?: number;
}

/** Parsed options shared by the single and the vectorised env. */
export interface ResolvedEnvOptions {
  config: Readonly<EnvConfig>;
  simWarmupBars: number;
  firstRow: number;
  lastRow: number;
  episodeLength: number;
  random: boolean;
}

export function resolveEnvOptions(o: TradingEnvOptions): ResolvedEnvOptions {
  const r = envSchema.safeParse(o.env ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    const path = ["env", ...i.path.map(String)].join(".");
    throw new ConfigError(`${path}: ${i.message}`, { path });
  }
  const hl = o.execution.config.slippage.sqrtImpact.halfLifeBars;
  const simWarmupBars = o.simWarmupBars ?? Math.max(1, Math.ceil(10 * hl));
  const { first, last } = decisionRows(o.market, o.range, Math.max(o.market.warmup, simWarmupBars));
  const full = o.fullRange === true;
  return {
    config: Object.freeze(r.data),
    simWarmupBars,
    firstRow: first,
    lastRow: last,
    episodeLength: full ? last - first : r.data.episodeLength,
    random: full ? false : r.data.randomOffsets,
  };
}

export function episodeStarts(r: ResolvedEnvOptions, stagger: number, symbol: string): EpisodeStarts {
  return new EpisodeStarts(r.firstRow, r.lastRow, r.episodeLength, r.random, stagger, `env over ${symbol}`);
}

/** Names of the observation's values: market features then state features. */
export function observationNames(m: EnvMarket): string[] {
  return [...m.featureNames, ...m.stateFeatures];
}
