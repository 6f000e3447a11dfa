import type { ZodType } from "zod";
import { parseVenuePayload, RAW_EXCERPT, rawText, sessionDateMs } from "../../infra/venue-payload";
import type { Bar, Timeframe } from "../../core/bar";
import { barProblem } from "../../core/bar";
import { VenueError } from "../../core/errors";
import type { RawAgg, RawMinuteAgg } from "./schemas";

/** US equity sessions are dated in New York time; Polygon stamps daily aggregates at midnight there. */
export const EXCHANGE_TIME_ZONE = "America/New_York";


/** Validates a raw payload; on failure throws PARSE_ERROR carrying the raw text and the bad paths. */
export function parseRaw<T>(schema: ZodType<T>, raw: unknown, what: string, rawText?: string): T {
  return parseVenuePayload("polygon", schema, raw, what, rawText);
}

/** JSON text -> value, or PARSE_ERROR carrying the text. */
export function parseJson(t: string, what: string): unknown {
  try {
    return JSON.parse(t) as unknown;
  } catch {
    throw new VenueError("PARSE_ERROR", `polygon ${what}: not JSON: ${t.slice(0, RAW_EXCERPT)}`, { details: { venue: "polygon", what, raw: t } });
  }
}

/** Our timeframe as Polygon's multiplier and timespan. */
export function polygonRange(tf: Timeframe): { multiplier: number; timespan: "minute" | "hour" | "day" } {
  const map: Record<Timeframe, { multiplier: number; timespan: "minute" | "hour" | "day" }> = {
    "1m": { multiplier: 1, timespan: "minute" },
    "5m": { multiplier: 5, timespan: "minute" },
    "15m": { multiplier: 15, timespan: "minute" },
    "1h": { multiplier: 1, timespan: "hour" },
    "4h": { multiplier: 4, timespan: "hour" },
    "1d": { multiplier: 1, timespan: "day" },
  };
  return map[tf];
}

export { sessionDateMs };

function checked(bar: Bar, symbol: string, raw: unknown): Bar {
  const problem = barProblem(bar);
  if (problem) {
    throw new VenueError("PARSE_ERROR", `polygon bar ${symbol} ${new Date(bar.ts).toISOString()}: ${problem}`, { details: { venue: "polygon", symbol, raw: rawText(raw) } });
  }
  return bar;
}

/**
 * REST aggregate -> Bar. Intraday bars keep their window start; daily bars are keyed to 00:00 UTC
 * of their session date. `vw * v` is the traded notional (quote volume).
 */
export function parseAgg(raw: RawAgg, tf: Timeframe, symbol: string): Bar {
  if (!Number.isInteger(raw.t)) throw new VenueError("PARSE_ERROR", `polygon bar ${symbol}: t is not integer ms (${raw.t})`, { details: { venue: "polygon", raw: rawText(raw) } });
  const bar: Bar = { ts: tf === "1d" ? sessionDateMs(raw.t, EXCHANGE_TIME_ZONE) : raw.t, open: raw.o, high: raw.h, low: raw.l, close: raw.c, volume: raw.v };
  if (raw.n !== undefined) bar.trades = raw.n;
  if (raw.vw !== undefined) bar.quoteVolume = raw.vw * raw.v;
  return checked(bar, symbol, raw);
}

/** WebSocket minute aggregate -> 1m Bar (ts = window start `s`). */
export function parseMinuteAgg(raw: RawMinuteAgg): Bar {
  if (raw.e - raw.s !== 60_000 || raw.s % 60_000 !== 0) {
    throw new VenueError("PARSE_ERROR", `polygon AM ${raw.sym}: window ${raw.s}..${raw.e} is not one aligned minute`, { details: { venue: "polygon", raw: rawText(raw) } });
  }
  const bar: Bar = { ts: raw.s, open: raw.o, high: raw.h, low: raw.l, close: raw.c, volume: raw.v };
  if (raw.vw !== undefined) bar.quoteVolume = raw.vw * raw.v;
  return checked(bar, raw.sym, raw);
}
