import { z } from "zod";

/**
 * Execution realism: fees, slippage, latency, fills and exchange filters. Every section is strict
 * (unknown keys are errors) and every default lives here; the simulator receives the parsed, frozen
 * result. Nested sections use `prefault` so an absent section still gets its inner defaults.
 */

const bps = z.number().finite().min(0);
const nonNeg = z.number().finite().min(0);

/** US-equity regulatory fees (Alpaca-style zero-commission brokers pass these through on sells). */
export const equityFeesSchema = z.strictObject({
  /** Broker commission in bps of notional, both sides. Default 0. */
  commissionBps: bps.default(0),
  /** Broker commission per share, both sides. Default 0. */
  commissionPerShare: nonNeg.default(0),
  /** SEC Section 31 fee as a fraction of SELL proceeds. Default 0.0000278 ($27.80 per million). */
  secFeeRate: nonNeg.default(0.0000278),
  /** FINRA Trading Activity Fee per share SOLD. Default 0.000166. */
  finraTafPerShare: nonNeg.default(0.000166),
  /** Cap of the FINRA TAF per order. Default 8.30. */
  finraTafMax: nonNeg.default(8.3),
  /** Round each regulatory fee up to the next cent, as brokers do. Default true. */
  roundUpToCent: z.boolean().default(true),
});
export type EquityFeesConfig = z.infer<typeof equityFeesSchema>;

export const feesSchema = z.strictObject({
  /** `crypto`: maker/taker bps per symbol; `equity`: commission + SEC fee + FINRA TAF. Default "crypto". */
  kind: z.enum(["crypto", "equity"]).default("crypto"),
  /** Per-symbol maker/taker bps (crypto). Symbols missing from it use the fallback below. Default "data/fees/fees_by_symbol.json". */
  file: z.string().min(1).default("data/fees/fees_by_symbol.json"),
  /** Fallback maker fee in bps when the symbol is not in `file`. Default 10 (0.10%). */
  makerBps: z.number().finite().default(10),
  /** Fallback taker fee in bps when the symbol is not in `file`. Default 10 (0.10%). */
  takerBps: z.number().finite().default(10),
  /** Multiplier for paying fees in the exchange token (e.g. 0.75 for BNB on Binance spot). Default 1. */
  tokenDiscount: z.number().finite().min(0).max(1).default(1),
  /**
   * Crypto: which asset a buy's commission is taken from. `received` (Binance spot's default): the
   * base asset bought, so a buy of 1 BTC at 10 bps holds 0.999 BTC; sells pay in quote. `quote`: every
   * fee in quote currency (a close stand-in for paying in the exchange token, see tokenDiscount).
   * Default "received".
   */
  commissionAsset: z.enum(["received", "quote"]).default("received"),
  /** Minimum fee per fill in quote currency (not applied to rebates). Default 0. */
  minFee: nonNeg.default(0),
  /** Commission step in quote currency; fees round UP to it (never understating cost). 0 = exact. Default 0. */
  commissionStep: nonNeg.default(0),
  /** Equity fee parameters (used when kind is "equity"). */
  /** Warn at start when the fee file (its meta.built_at) is older than this many days; refresh with `npm run calibrate:fees`. */
  maxAgeDays: z.number().positive().default(30),
  equity: equityFeesSchema.prefault({}),
});
export type FeesConfig = z.infer<typeof feesSchema>;

export const spreadEstimateSchema = z.strictObject({
  /** `fixed`: a constant spread; `high-low`: `rangeFraction` of the previous bar's (high-low)/mid, floored at `bps`. Default "fixed". */
  method: z.enum(["fixed", "high-low"]).default("fixed"),
  /** Full spread in bps (the constant, or the floor for high-low). Default 1. */
  bps: bps.default(1),
  /** Fraction of the previous bar's range taken as the spread (high-low method). Default 0.1. */
  rangeFraction: z.number().finite().min(0).max(1).default(0.1),
});
export type SpreadEstimateConfig = z.infer<typeof spreadEstimateSchema>;

export const sqrtImpactSchema = z.strictObject({
  /** Impact coefficient k in half-spread + k * sigma * sqrt(q / V). Default 1. */
  k: nonNeg.default(1),
  /** `quote-or-estimate`: the quote's spread when one is given, else the estimate; `estimate`: always the estimate. Default "quote-or-estimate". */
  spreadSource: z.enum(["quote-or-estimate", "estimate"]).default("quote-or-estimate"),
  /** How the spread is estimated from bars. */
  spreadEstimate: spreadEstimateSchema.prefault({}),
  /** Half-life in bars of the EWMA of per-bar volatility (Parkinson) and volume; 0 = last bar only. Default 20. */
  halfLifeBars: nonNeg.default(20),
  /** Cap on slippage in bps (also used when volume is zero). Default 500. */
  maxBps: bps.default(500),
});
export type SqrtImpactConfig = z.infer<typeof sqrtImpactSchema>;

export const slippageSchema = z
  .strictObject({
    /** `fixed` bps, `sqrt-impact` (half-spread + square-root impact), or a calibrated `profile`. Default "sqrt-impact". */
    kind: z.enum(["fixed", "sqrt-impact", "profile"]).default("sqrt-impact"),
    /** Slippage for kind "fixed", in bps of the reference price. Default 1. */
    fixedBps: bps.default(1),
    /** Parameters for kind "sqrt-impact" (and the sigma/volume tracking used by profiles). */
    sqrtImpact: sqrtImpactSchema.prefault({}),
    /** Calibrated profile JSON (per symbol, notional buckets, hour-of-week multipliers); required for kind "profile". No default. */
    profileFile: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.kind === "profile" && s.profileFile === undefined) {
      ctx.addIssue({ code: "custom", path: ["profileFile"], message: 'profileFile is required when kind is "profile"' });
    }
  });
export type SlippageConfig = z.infer<typeof slippageSchema>;

export const latencySchema = z.strictObject({
  /** Whether orders are delayed at all; false = zero latency. Default true. */
  enabled: z.boolean().default(true),
  /** Median one-way latency in ms (lognormal median). Default 50. */
  baseMs: nonNeg.default(50),
  /** Lognormal sigma (jitter) of the latency. Default 0.35. */
  jitter: nonNeg.default(0.35),
  /** Probability that an order hits a latency spike. Default 0.005. */
  spikeProbability: z.number().min(0).max(1).default(0.005),
  /** Extra delay of a spike in ms. Default 750. */
  spikeMs: nonNeg.default(750),
  /** An attempt slower than this times out and is retried. Default 5000. */
  timeoutMs: z.number().finite().positive().default(5000),
  /** Retries after a timeout; when all time out the order is rejected (VENUE_TIMEOUT). Default 1. */
  retries: z.number().int().min(0).default(1),
  /** 168 hour-of-week multipliers (index 0 = Monday 00:00 UTC) scaling the latency; none when absent. No default. */
  seasonalityFile: z.string().min(1).optional(),
});
export type LatencyConfig = z.infer<typeof latencySchema>;

export const fillSchema = z.strictObject({
  /** Where inside a bar a fill happens after latency: open, close, vwap estimate, OHLC path, seeded Brownian bridge. Default "open". */
  intrabar: z.enum(["open", "close", "vwap", "ohlc-path", "brownian-bridge"]).default("open"),
  /** Max fraction of a bar's volume one order may take; the rest fills in later bars or is cancelled. Default 0.1. */
  participationCap: z.number().finite().positive().max(1).default(0.1),
  /** What happens to the part above the participation cap: `carry` to the next bars or `cancel`. IOC/FOK always cancel. Default "carry". */
  remainder: z.enum(["carry", "cancel"]).default("carry"),
  /** Limit orders wait behind an estimated queue and fill only from volume traded at or through their price. Default false. */
  queueAware: z.boolean().default(false),
  /** Queue ahead of a new limit order, as a fraction of its arrival bar's volume (queue-aware only). Default 0.25. */
  queueAheadFraction: nonNeg.default(0.25),
});
export type FillConfig = z.infer<typeof fillSchema>;

export const filtersSchema = z.strictObject({
  /** Exchange filters per symbol in Binance exchangeInfo layout. Default "data/binance_filters.json". */
  file: z.string().min(1).default("data/binance_filters.json"),
  /** Reject/round orders by the filters; false = accept any size (research only). Default true. */
  enforce: z.boolean().default(true),
  /** Warn at start when the filters file (its built_at) is older than this many days; refresh with `npm run calibrate:filters`. */
  maxAgeDays: z.number().positive().default(7),
});
export type FiltersConfig = z.infer<typeof filtersSchema>;

export const executionSchema = z.strictObject({
  fees: feesSchema.prefault({}),
  slippage: slippageSchema.prefault({}),
  latency: latencySchema.prefault({}),
  fill: fillSchema.prefault({}),
  filters: filtersSchema.prefault({}),
});
export type ExecutionConfig = z.infer<typeof executionSchema>;
