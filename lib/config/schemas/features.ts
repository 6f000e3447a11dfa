import { z } from "zod";

/**
 * Config schemas for the feature pipeline (`features:`) and the RL trading environment (`env:`).
 * Strict objects (unknown keys are errors), camelCase keys, every default lives here.
 */

const positiveInt = z.int().positive();
const windowLength = z.int().min(2).max(100_000);

/** Whether the step's outputs go through the fitted normaliser (bounded features default to false). */
const normalise = (dflt: boolean) => z.boolean().default(dflt);

/** Log returns ln(close_t / close_{t-h}) for each horizon h (bars). */
export const logReturnsStepSchema = z.strictObject({
  kind: z.literal("logReturns"),
  horizons: z
    .array(z.int().min(1).max(100_000))
    .min(1)
    .default([1, 5, 15, 60])
    .refine((hs) => new Set(hs).size === hs.length, { message: "horizons must be distinct" }),
  normalise: normalise(true),
});

/** Close-to-close EWMA volatility: var_t = l * var_{t-1} + (1 - l) * r_t^2, l = 2^(-1/halfLife). */
export const ewmaVolStepSchema = z.strictObject({
  kind: z.literal("ewmaVol"),
  halfLife: z.number().min(1).max(100_000).default(30),
  normalise: normalise(true),
});

/** Parkinson high-low volatility over a rolling window (per bar). */
export const parkinsonVolStepSchema = z.strictObject({
  kind: z.literal("parkinsonVol"),
  window: windowLength.default(30),
  normalise: normalise(true),
});

/** Garman-Klass OHLC volatility over a rolling window (per bar). */
export const garmanKlassVolStepSchema = z.strictObject({
  kind: z.literal("garmanKlassVol"),
  window: windowLength.default(30),
  normalise: normalise(true),
});

/** Wilder RSI in [0, 100]. */
export const rsiStepSchema = z.strictObject({
  kind: z.literal("rsi"),
  period: windowLength.default(14),
  normalise: normalise(true),
});

/** MACD line, signal and histogram, each divided by the close (dimensionless). */
export const macdStepSchema = z
  .strictObject({
    kind: z.literal("macd"),
    fast: positiveInt.default(12),
    slow: positiveInt.default(26),
    signal: positiveInt.default(9),
    normalise: normalise(true),
  })
  .refine((s) => s.fast < s.slow, { message: "macd fast must be shorter than slow", path: ["fast"] });

/** Wilder ATR divided by the close. */
export const atrStepSchema = z.strictObject({
  kind: z.literal("atr"),
  period: windowLength.default(14),
  normalise: normalise(true),
});

/** Bollinger z-score: (close - SMA) / population std over the window. */
export const bollingerStepSchema = z.strictObject({
  kind: z.literal("bollinger"),
  window: windowLength.default(20),
  normalise: normalise(true),
});

/** z-score of ln(1 + volume) over the window. */
export const volumeZStepSchema = z.strictObject({
  kind: z.literal("volumeZ"),
  window: windowLength.default(60),
  normalise: normalise(true),
});

/** volume / mean volume over the window (1 when the window traded nothing). */
export const relativeVolumeStepSchema = z.strictObject({
  kind: z.literal("relativeVolume"),
  window: windowLength.default(60),
  normalise: normalise(true),
});

/** Bar shape: ln(high / low), body, upper and lower wick as fractions of the range. */
export const barShapeStepSchema = z.strictObject({
  kind: z.literal("barShape"),
  normalise: normalise(true),
});

/** Hour-of-day and day-of-week of the bar open time (UTC) as sin/cos pairs. */
export const calendarStepSchema = z
  .strictObject({
    kind: z.literal("calendar"),
    hourOfDay: z.boolean().default(true),
    dayOfWeek: z.boolean().default(true),
    normalise: normalise(false),
  })
  .refine((s) => s.hourOfDay || s.dayOfWeek, { message: "calendar needs hourOfDay or dayOfWeek" });

export const featureStepSchema = z.discriminatedUnion("kind", [
  logReturnsStepSchema,
  ewmaVolStepSchema,
  parkinsonVolStepSchema,
  garmanKlassVolStepSchema,
  rsiStepSchema,
  macdStepSchema,
  atrStepSchema,
  bollingerStepSchema,
  volumeZStepSchema,
  relativeVolumeStepSchema,
  barShapeStepSchema,
  calendarStepSchema,
]);
export type FeatureStepConfig = z.infer<typeof featureStepSchema>;
export type FeatureStepKind = FeatureStepConfig["kind"];

/** Position/PnL state the env appends to each observation, in this order. */
export const STATE_FEATURES = ["position", "unrealisedReturn", "drawdown", "timeInPosition"] as const;
export const stateFeatureSchema = z.enum(STATE_FEATURES);
export type StateFeature = z.infer<typeof stateFeatureSchema>;

export const normaliserSchema = z.strictObject({
  /** meanstd: (x - mean) / std; robust: (x - median) / (IQR / 1.349). Fitted on the training split only. */
  kind: z.enum(["meanstd", "robust"]).default("meanstd"),
  /** Normalised values are clipped to [-clip, clip]. */
  clip: z.number().positive().max(1e6).default(5),
});
export type NormaliserConfig = z.infer<typeof normaliserSchema>;

export const featuresSchema = z.strictObject({
  /** Ordered steps; the observation's market part is their outputs in this order. */
  steps: z
    .array(featureStepSchema)
    .min(1)
    .prefault([
      { kind: "logReturns" },
      { kind: "ewmaVol" },
      { kind: "parkinsonVol" },
      { kind: "garmanKlassVol" },
      { kind: "rsi" },
      { kind: "macd" },
      { kind: "atr" },
      { kind: "bollinger" },
      { kind: "volumeZ" },
      { kind: "relativeVolume" },
      { kind: "barShape" },
      { kind: "calendar" },
    ]),
  normalise: normaliserSchema.prefault({}),
  /** State features appended by the env after the market features (distinct, in this order). */
  state: z
    .array(stateFeatureSchema)
    .default([...STATE_FEATURES])
    .refine((s) => new Set(s).size === s.length, { message: "state features must be distinct" }),
});
export type FeaturesConfig = z.infer<typeof featuresSchema>;

export const rewardSchema = z.strictObject({
  /** Subtracted per step: turnoverPenalty * traded notional / equity before the step. */
  turnoverPenalty: z.number().min(0).default(0),
  /** Subtracted per step: drawdownPenalty * increase of the drawdown from the episode's equity peak. */
  drawdownPenalty: z.number().min(0).default(0),
});
export type RewardConfig = z.infer<typeof rewardSchema>;

export const envSchema = z.strictObject({
  /** Steps per episode (truncated after this many). */
  episodeLength: z.int().min(2).default(1024),
  /** Seeded random episode starts inside the split; false: episodes run back to back from the split start. */
  randomOffsets: z.boolean().default(true),
  /** Maps the action to a target in [0, 1] (no shorting). */
  longOnly: z.boolean().default(false),
  /** Starting cash in the quote currency. */
  initialCash: z.number().positive().default(10_000),
  /** |target position| = |action| * maxPositionFraction * equity, in notional. */
  maxPositionFraction: z.number().positive().max(100).default(1),
  /** Skip rebalancing when |target - current| (as a fraction of equity) is below this. */
  rebalanceThreshold: z.number().min(0).max(1).default(0),
  /** Terminate (bankrupt) when equity falls below this fraction of the initial cash. */
  minEquityFraction: z.number().min(0).max(1).default(0.5),
  reward: rewardSchema.prefault({}),
});
export type EnvConfig = z.infer<typeof envSchema>;

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z)?$/, { message: "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC)" })
  .refine(
    (s) => {
      const ms = dateToMs(s);
      return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s.slice(0, 10); // rejects 2025-02-30
    },
    { message: "not a valid date" },
  );

/** A date range: `from` inclusive, `to` exclusive, UTC. */
export const dateRangeSchema = z
  .strictObject({ from: isoDate, to: isoDate })
  .refine((r) => dateToMs(r.from) < dateToMs(r.to), { message: "from must be before to" });
export type DateRangeConfig = z.infer<typeof dateRangeSchema>;

/** Train/validation/test splits by date; the normaliser is fitted on `train` only. */
export const splitsSchema = z
  .strictObject({ train: dateRangeSchema, validation: dateRangeSchema, test: dateRangeSchema })
  .refine((s) => dateToMs(s.train.to) <= dateToMs(s.validation.from) && dateToMs(s.validation.to) <= dateToMs(s.test.from), {
    message: "splits must be ordered train < validation < test without overlap",
  });
export type SplitsConfig = z.infer<typeof splitsSchema>;

/** Milliseconds UTC of a date accepted by the schemas above (a bare date means 00:00 UTC). */
export function dateToMs(s: string): number {
  return Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s);
}
