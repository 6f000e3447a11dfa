import { z } from "zod";
import { fractionSchema, pathSchema } from "./common";

/**
 * Risk limits (`risk:`) and the kill switch (`risk.killSwitch:`). Field names match the risk
 * layer's `RiskLimits` and `KillSwitchConfig`, so `new RiskGuard(config.risk)` and
 * `new KillSwitch(config.risk.killSwitch, store)` take the sections as they are.
 * Fractions are of equity (0.05 = 5%). An absent optional limit is not checked.
 */

const positive = z.number().positive();

/** Counter limits: the kill switch trips when a counter reaches its limit inside the window. 0 = off. */
export const killSwitchLimitsSchema = z.strictObject({
  /** Failed REST calls (after retries). */
  restErrors: z.int().min(0).default(20),
  /** WebSocket errors and unexpected disconnects. */
  wsErrors: z.int().min(0).default(20),
  /** Orders the venue rejected. */
  rejectedOrders: z.int().min(0).default(5),
  /** Bar intervals in which market data was stale (see risk.staleAfterTimeframes). */
  staleIntervals: z.int().min(0).default(3),
  /**
   * Breaches of risk.dailyLossLimit. The guard alone pauses until the next UTC day; 1 makes the first
   * breach also trip the switch (halted until an operator reset). Default 0: the pause only.
   */
  dailyLossBreaches: z.int().min(0).default(0),
});
export type KillSwitchLimitsConfig = z.infer<typeof killSwitchLimitsSchema>;

export const killSwitchSchema = z.strictObject({
  /** Trading halts while this file exists (`npm run kill-switch -- trip` creates it). */
  flagFile: pathSchema.default("state/kill_switch.flag"),
  /** Trip state persisted here; a tripped switch stays halted across restarts until reset. */
  stateFile: pathSchema.default("state/kill_switch_state.json"),
  /** How often the flag file is checked, ms. */
  pollIntervalMs: z.int().min(50).max(60_000).default(1_000),
  /** Counters count events over this rolling window, minutes (0 = since start or the last reset). */
  windowMinutes: z.int().min(0).max(10_080).default(60),
  limits: killSwitchLimitsSchema.prefault({}),
  /** On trip: cancel open orders (always), then also close every position at market. */
  flattenOnTrip: z.boolean().default(false),
});
export type KillSwitchConfig = z.infer<typeof killSwitchSchema>;

export const riskSchema = z
  .strictObject({
    /** Largest |position| in base units per symbol. */
    maxPositionQty: positive.optional(),
    /** Largest |position| x price per symbol, in the quote currency. */
    maxPositionNotional: positive.optional(),
    /** Largest single order's notional, in the quote currency. */
    maxOrderNotional: positive.optional(),
    /** Orders sent per rolling minute, across symbols. */
    maxOrdersPerMinute: z.int().positive().default(30),
    /** Loss since the UTC day's start (fraction of that equity) that pauses trading until the next UTC day. */
    dailyLossLimit: fractionSchema.default(0.05),
    /** Drawdown from the equity peak (fraction) that moves trading to reduce-only. */
    maxDrawdown: fractionSchema.default(0.2),
    /** The last closed bar is stale when older than this many timeframes: no new risk. */
    staleAfterTimeframes: z.number().min(1).max(1_000).default(2),
    /** Largest distance of an order's reference price from the last trade (fraction). */
    priceBand: fractionSchema.default(0.05),
    killSwitch: killSwitchSchema.prefault({}),
  })
  .refine((r) => r.maxOrderNotional === undefined || r.maxPositionNotional === undefined || r.maxOrderNotional <= 2 * r.maxPositionNotional, {
    message: "maxOrderNotional above twice maxPositionNotional can never be used (a flip is at most 2x the position)",
    path: ["maxOrderNotional"],
  });
export type RiskConfig = z.infer<typeof riskSchema>;
