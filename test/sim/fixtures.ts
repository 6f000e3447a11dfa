import type { ExecutionConfig } from "../../lib/config/schemas/execution";
import { executionSchema } from "../../lib/config/schemas/execution";
import type { Bar, BarColumns } from "../../lib/core/bar";
import { barColumnsFromBars } from "../../lib/core/bar";
import type { Instrument } from "../../lib/core/instrument";
import type { ExecutionData } from "../../lib/sim/execution-models";
import { ExecutionModels } from "../../lib/sim/execution-models";

/** A parsed execution config from a partial YAML-like object (defaults from the schema). */
export function execConfig(input: unknown = {}): ExecutionConfig {
  return executionSchema.parse(input);
}

/** BTCUSDT as in data/binance_filters.json. */
export const BTCUSDT: Instrument = {
  symbol: "BTCUSDT",
  venue: "binance",
  assetClass: "crypto",
  baseAsset: "BTC",
  quoteAsset: "USDT",
  tickSize: 0.01,
  minPrice: 0.01,
  maxPrice: 1_000_000,
  stepSize: 0.00001,
  minQty: 0.00001,
  maxQty: 9000,
  minNotional: 5,
  maxNotional: 9_000_000,
  applyMinToMarket: true,
  applyMaxToMarket: false,
  percentPrice: { bidUp: 5, bidDown: 0.2, askUp: 5, askDown: 0.2 },
};

/** A toy instrument with round numbers for hand-worked scenarios. */
export const TOY: Instrument = {
  symbol: "TOYUSDT",
  venue: "binance",
  assetClass: "crypto",
  baseAsset: "TOY",
  quoteAsset: "USDT",
  tickSize: 0.01,
  stepSize: 0.001,
  minQty: 0.001,
  maxQty: 1000,
  minNotional: 10,
};

export function instruments(...list: Instrument[]): ExecutionData["instruments"] {
  return new Map(list.map((i) => [i.symbol, i]));
}

export function models(cfg: unknown, data: ExecutionData = { instruments: instruments(BTCUSDT, TOY) }, seed = 7): ExecutionModels {
  return new ExecutionModels(execConfig(cfg), data, seed);
}

export const MIN = 60_000;
/** 2024-01-01 00:00 UTC, a Monday (hour of week 0). */
export const T0 = Date.UTC(2024, 0, 1);

/** Bars from [open, high, low, close, volume] rows, one minute apart from T0. */
export function bars(rows: readonly (readonly [number, number, number, number, number])[], t0 = T0, tf = MIN): BarColumns {
  const list: Bar[] = rows.map(([open, high, low, close, volume], i) => ({ ts: t0 + i * tf, open, high, low, close, volume }));
  return barColumnsFromBars(list);
}

/** Ten hand-made 1m bars used by the golden scenarios. */
export const TEN_BARS = bars([
  [100, 101, 99, 100.5, 50],
  [100.5, 102, 100, 101.5, 40],
  [101.5, 103, 101, 102, 60],
  [102, 102.5, 100.5, 101, 30],
  [101, 101.5, 99.5, 100, 20],
  [100, 100.8, 98.8, 99, 80],
  [99, 100, 98, 99.5, 10],
  [99.5, 101, 99.2, 100.8, 25],
  [100.8, 101.2, 100.1, 101, 35],
  [101, 101.6, 100.4, 101.2, 45],
]);
