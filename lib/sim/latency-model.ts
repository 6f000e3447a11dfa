import { z } from "zod";
import type { LatencyConfig } from "../config/schemas/execution";
import type { Rng } from "../core/rng";
import { DataError } from "../core/errors";
import { hourOfWeek } from "./time";

/** 168 hour-of-week multipliers, index 0 = Monday 00:00 UTC. */
export type Seasonality = Float64Array;

const multipliers = z.array(z.number().finite().positive()).length(168);

/**
 * The seasonality file: `{ meta?: {...}, multipliers: number[168] }`, or the bare array.
 * (data/latency/liquidity_latency_seasonality.json)
 */
export const seasonalityFileSchema = z.union([
  multipliers,
  z.looseObject({ meta: z.record(z.string(), z.unknown()).optional(), multipliers }),
]);

export function parseSeasonality(payload: unknown, source = "seasonality"): Seasonality {
  const r = seasonalityFileSchema.safeParse(payload);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new DataError(`${source}: expected 168 positive hour-of-week multipliers (array or {"multipliers": [...]}) at ${issue.path.join(".") || "(root)"}: ${issue.message}`, {
      file: source,
    });
  }
  return Float64Array.from(Array.isArray(r.data) ? r.data : r.data.multipliers);
}

/**
 * Delay between submitting an order and the venue acting on it. `sample` returns whole
 * milliseconds, or +Infinity when every attempt timed out (the order never reaches the venue).
 */
export interface LatencyModel {
  readonly enabled: boolean;
  sample(submitTs: number): number;
}

export class ZeroLatency implements LatencyModel {
  readonly enabled = false;
  sample(): number {
    return 0;
  }
}

/**
 * Lognormal latency: baseMs * exp(jitter * N(0,1)), plus spikeMs with probability spikeProbability,
 * times the hour-of-week multiplier. An attempt slower than timeoutMs costs timeoutMs and is
 * retried up to `retries` times. Each attempt draws exactly one normal and one uniform, so a seed
 * gives the same sequence whatever the parameters.
 */
export class LognormalLatency implements LatencyModel {
  readonly enabled = true;
  constructor(
    private readonly cfg: LatencyConfig,
    private readonly rng: Rng,
    private readonly seasonality?: Seasonality,
  ) {
    if (seasonality !== undefined && seasonality.length !== 168) throw new RangeError(`seasonality needs 168 values, got ${seasonality.length}`);
  }

  sample(submitTs: number): number {
    const c = this.cfg;
    const mult = this.seasonality === undefined ? 1 : this.seasonality[hourOfWeek(submitTs)]!;
    let waited = 0;
    for (let attempt = 0; attempt <= c.retries; attempt++) {
      const z = this.rng.normal();
      const u = this.rng.next();
      let d = c.baseMs * Math.exp(c.jitter * z);
      if (u < c.spikeProbability) d += c.spikeMs;
      d *= mult;
      if (d <= c.timeoutMs) return Math.round(waited + d);
      waited += c.timeoutMs;
    }
    return Number.POSITIVE_INFINITY;
  }
}

export interface LatencyModelDeps {
  /** Seeded stream for this model alone (so other models' draws do not shift it). */
  rng: Rng;
  seasonality?: Seasonality;
}

export function createLatencyModel(cfg: LatencyConfig, deps: LatencyModelDeps): LatencyModel {
  return cfg.enabled ? new LognormalLatency(cfg, deps.rng, deps.seasonality) : new ZeroLatency();
}
