import type { BarColumns } from "../../lib/core/bar";
import { barColumnsFromBars } from "../../lib/core/bar";
import { executionSchema } from "../../lib/config/schemas/execution";
import type { ExecutionConfig } from "../../lib/config/schemas/execution";
import type { z } from "zod";
import type { ExecutionData } from "../../lib/sim/execution-models";
import { FeaturePipeline, syntheticBars } from "../../lib/features/index";
import type { FeaturesConfigInput } from "../../lib/features/index";
import { SeededRng } from "../../lib/sim/rng";
import type { EnvMarket } from "../../lib/env/index";
import { buildEnvMarket } from "../../lib/env/index";

export const T0 = Date.UTC(2024, 0, 1);
export const MIN = 60_000;

/** Execution with every cost model in play but no data files: fallback fees, no exchange filters. */
export function execution(over: z.input<typeof executionSchema> = {}): { config: ExecutionConfig; data: ExecutionData } {
  return { config: executionSchema.parse({ filters: { enforce: false }, ...over }), data: { feeTable: {} } };
}

/** Bars from open/close pairs: high/low one unit outside, huge volume (no participation limit). */
export function barsFrom(oc: readonly (readonly [number, number])[]): BarColumns {
  return barColumnsFromBars(oc.map(([o, c], i) => ({ ts: T0 + i * MIN, open: o, high: Math.max(o, c) + 1, low: Math.min(o, c) - 1, close: c, volume: 1e9 })));
}

export function marketOf(bars: BarColumns, features: FeaturesConfigInput = {}, symbol = "BTCUSDT"): EnvMarket {
  const pipeline = FeaturePipeline.fromConfig(features);
  return buildEnvMarket({ pipeline, bars, symbol, timeframeMs: MIN, fitRange: { from: bars.ts[0]!, to: bars.ts[bars.length - 1]! + MIN } });
}

/** A synthetic market large enough for several episodes after the default feature warm-up. */
export function syntheticMarket(n = 6000, seed = 3): EnvMarket {
  return marketOf(syntheticBars(n, new SeededRng(seed), { startTs: T0, volume: 50 }));
}
