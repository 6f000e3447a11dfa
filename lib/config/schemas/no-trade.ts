import { z } from "zod";
import { hhmmSchema, instantSchema, instantToMs } from "./common";

/**
 * No-trade windows (`noTrade:`): times when the signal runner takes no new risk. Field names match
 * the risk layer's `NoTradeConfig`, so the section goes straight into `new NoTradeWindows(...)`.
 */

/** "HH:MM-HH:MM" UTC, end exclusive; may wrap midnight ("23:55-00:05"). */
export const dailyWindowSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, { message: 'expected "HH:MM-HH:MM" (UTC, end exclusive)' })
  .refine((w) => w.slice(0, 5) !== w.slice(6), { message: "window start and end are equal (empty window)" });

export const customRangeSchema = z
  .strictObject({
    /** Start, inclusive: ISO 8601 with zone, a bare date (00:00 UTC), or epoch ms. */
    from: instantSchema,
    /** End, exclusive. */
    to: instantSchema,
    /** Shown in logs and decisions (e.g. "FOMC"). */
    reason: z.string().min(1).optional(),
  })
  .refine((r) => instantToMs(r.from) < instantToMs(r.to), { message: "'to' must be after 'from'", path: ["to"] });

export const noTradeSchema = z.strictObject({
  /** Daily windows, UTC. */
  dailyUtc: z.array(dailyWindowSchema).default([]),
  /** Minutes to stand aside before and after each funding time (perpetual futures). 0 = off. */
  fundingBufferMinutes: z.int().min(0).max(240).default(0),
  /** Funding times, UTC. Default: Binance USD-M 00:00, 08:00, 16:00. */
  fundingTimesUtc: z.array(hhmmSchema).min(1).default(["00:00", "08:00", "16:00"]),
  /** Absolute ranges (events, maintenance). */
  custom: z.array(customRangeSchema).default([]),
  /** Inside a window, still allow orders that only reduce |position|. */
  allowReducing: z.boolean().default(true),
});
export type NoTradeSectionConfig = z.infer<typeof noTradeSchema>;
