import { z } from "zod";

/**
 * Backtest settings (`backtest:`): metric conventions, walk-forward windows and the parameters of
 * the rule baselines (`createStrategy(name, params)`; keys are the strategy names in camelCase).
 */

export const walkForwardSchema = z
  .strictObject({
    /** Length of each training window, days. */
    trainDays: z.int().positive().default(60),
    /** Length of each out-of-sample window, days. */
    testDays: z.int().positive().default(14),
    /** Shift between consecutive windows, days (= testDays: back-to-back test windows). */
    stepDays: z.int().positive().default(14),
  })
  .refine((w) => w.stepDays <= w.testDays, { message: "stepDays above testDays leaves gaps between test windows", path: ["stepDays"] });
export type WalkForwardConfig = z.infer<typeof walkForwardSchema>;

const cashFraction = z.number().gt(0).max(1).default(0.99);

export const strategiesSchema = z.strictObject({
  buyAndHold: z.strictObject({ cashFraction }).prefault({}),
  /** Classic SMA crossover, long-only; market orders at the next bar's open. */
  smaCross: z
    .strictObject({ fast: z.int().min(1).default(10), slow: z.int().min(2).default(30), cashFraction })
    .refine((s) => s.fast < s.slow, { message: "fast must be shorter than slow", path: ["fast"] })
    .prefault({}),
  /** Long while the lookback return exceeds threshold; short below -threshold when allowShort. */
  momentum: z
    .strictObject({ lookback: z.int().min(1).default(60), threshold: z.number().min(0).default(0), cashFraction, allowShort: z.boolean().default(false) })
    .prefault({}),
  /** Long when the close's z-score vs its SMA falls below -entryZ; exit above -exitZ. */
  meanReversion: z
    .strictObject({ window: z.int().min(2).default(60), entryZ: z.number().positive().default(2), exitZ: z.number().min(0).default(0), cashFraction })
    .refine((s) => s.exitZ < s.entryZ, { message: "exitZ must be below entryZ", path: ["exitZ"] })
    .prefault({}),
});
export type StrategiesConfig = z.infer<typeof strategiesSchema>;

export const backtestSchema = z.strictObject({
  /** Annual risk-free rate for Sharpe and Sortino (0.04 = 4%). */
  riskFreeRate: z.number().min(-0.1).max(1).default(0),
  walkForward: walkForwardSchema.prefault({}),
  strategies: strategiesSchema.prefault({}),
});
export type BacktestConfig = z.infer<typeof backtestSchema>;
