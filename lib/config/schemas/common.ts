import { z } from "zod";
import { TIMEFRAME_MS, type Timeframe } from "../../core/bar";

/** Building blocks shared by the config schemas. */

export const timeframeSchema = z.enum(Object.keys(TIMEFRAME_MS) as [Timeframe, ...Timeframe[]]);

/** Venue symbol as the venue spells it: BTCUSDT, SPY, BRK.B, ^GSPC (Yahoo indices). */
export const symbolSchema = z
  .string()
  .regex(/^\^?[A-Z0-9][A-Z0-9._\-/=]{0,31}$/, { message: "expected an upper-case symbol such as BTCUSDT, SPY or ^GSPC" });

export const symbolListSchema = z
  .array(symbolSchema)
  .min(1)
  .refine((s) => new Set(s).size === s.length, { message: "symbols must be distinct" });

/** A file or folder path, relative to the project root unless absolute. */
export const pathSchema = z.string().trim().min(1, { message: "expected a non-empty path" });

/** A strictly positive fraction (0, 1]. */
export const fractionSchema = z.number().gt(0).max(1);

/**
 * A secret (API key, secret). Write it as `"${ENV_VAR}"` or `"${ENV_VAR:-}"` (quoted, so a numeric
 * value stays a string); an empty value means "not set" and reads as undefined.
 */
export const secretSchema = z.preprocess((v) => (v === "" || v === null ? undefined : v), z.string().min(1).optional());

/** An http(s) URL. */
export const httpUrlSchema = z.string().regex(/^https?:\/\/[^\s/]+(\/\S*)?$/, { message: "expected an http:// or https:// URL" });

/** A ws(s) URL. */
export const wsUrlSchema = z.string().regex(/^wss?:\/\/[^\s/]+(\/\S*)?$/, { message: "expected a ws:// or wss:// URL" });

/** "HH:MM" in UTC. */
export const hhmmSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: "expected HH:MM (UTC, 24-hour)" });

/** A TCP port; 0 asks the OS for a free one. */
export const portSchema = z.int().min(0).max(65_535);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** An instant: ISO 8601 date or date-time with an explicit zone (a bare date is 00:00 UTC), or epoch ms. */
export const instantSchema = z.union([
  z
    .string()
    .regex(ISO_INSTANT, { message: "expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (an explicit zone)" })
    .refine((s) => Number.isFinite(instantToMs(s)), { message: "not a valid date" }),
  z.int().min(0),
]);

/** Milliseconds UTC of a value accepted by `instantSchema`. */
export function instantToMs(v: string | number): number {
  if (typeof v === "number") return v;
  const ms = Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  // Date.parse rolls 2025-02-30 over to March: reject dates that do not round-trip.
  if (Number.isFinite(ms) && v.length >= 10 && !/[+-]\d{2}:\d{2}$/.test(v) && new Date(ms).toISOString().slice(0, 10) !== v.slice(0, 10)) return Number.NaN;
  return ms;
}
