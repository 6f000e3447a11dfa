import { z } from "zod";

const bps = z.number().finite().min(0);

/** One notional bucket: fills with notional <= maxNotional (quote currency; null = no upper bound) cost `bps`. */
export const slippageBucketSchema = z.strictObject({
  maxNotional: z.number().finite().positive().nullable(),
  bps,
});

/**
 * Calibrated slippage of one symbol. Either notional `buckets` (piecewise constant cost by fill
 * notional) or square-root parameters (`halfSpreadBps` + k * sigma * sqrt(q / V)); `hourOfWeek`
 * scales the result (168 values, index 0 = Monday 00:00 UTC).
 */
export const slippageProfileEntrySchema = z
  .strictObject({
    /** Half the quoted spread in bps; absent = the config's spread estimate. */
    halfSpreadBps: bps.optional(),
    /** Square-root impact coefficient. */
    k: bps.optional(),
    /** Notional buckets in increasing maxNotional; the last one may be open-ended (null). */
    buckets: z.array(slippageBucketSchema).min(1).optional(),
    /** 168 hour-of-week multipliers. */
    hourOfWeek: z.array(z.number().finite().positive()).length(168).optional(),
    /** Cap in bps; absent = the config's sqrtImpact.maxBps. */
    maxBps: bps.optional(),
  })
  .superRefine((e, ctx) => {
    if (e.k === undefined && e.buckets === undefined) ctx.addIssue({ code: "custom", message: "a profile entry needs k or buckets" });
    const b = e.buckets ?? [];
    for (let i = 1; i < b.length; i++) {
      const prev = b[i - 1]!.maxNotional;
      const cur = b[i]!.maxNotional;
      if (prev === null || (cur !== null && cur <= prev)) {
        ctx.addIssue({ code: "custom", path: ["buckets", i, "maxNotional"], message: "buckets must have increasing maxNotional; only the last may be null" });
      }
    }
  });
export type SlippageProfileEntry = z.infer<typeof slippageProfileEntrySchema>;

/** The calibrated slippage profile file (written by the slippage calibration, read by the simulator). */
export const slippageProfileSchema = z.strictObject({
  version: z.literal(1),
  /** Free-form provenance: built_at, source, data range, fit statistics. */
  meta: z.record(z.string(), z.unknown()).optional(),
  /** Used for symbols not listed in `symbols`. */
  default: slippageProfileEntrySchema.optional(),
  symbols: z.record(z.string(), slippageProfileEntrySchema),
});
export type SlippageProfile = z.infer<typeof slippageProfileSchema>;
