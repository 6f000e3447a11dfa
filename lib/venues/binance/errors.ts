import { VenueError, type ErrorCode } from "../../core/errors";
import { rawText } from "./parse";

/**
 * Binance error codes (errors.md) mapped onto the core error tree. `retryable` says whether the same
 * request may succeed later; `outcomeUnknown` marks failures after which an order may or may not
 * exist (the caller must query by clientOrderId before resending, never resend blindly).
 */
interface Mapping {
  code: ErrorCode;
  retryable: boolean;
  outcomeUnknown?: boolean;
}

const BY_CODE: Record<number, Mapping> = {
  [-1000]: { code: "VENUE_UNAVAILABLE", retryable: true, outcomeUnknown: true }, // UNKNOWN
  [-1001]: { code: "VENUE_UNAVAILABLE", retryable: true, outcomeUnknown: true }, // DISCONNECTED
  [-1002]: { code: "VENUE_AUTH", retryable: false }, // UNAUTHORIZED
  [-1003]: { code: "RATE_LIMITED", retryable: true }, // TOO_MANY_REQUESTS
  [-1006]: { code: "VENUE_UNAVAILABLE", retryable: true, outcomeUnknown: true }, // UNEXPECTED_RESP
  [-1007]: { code: "VENUE_TIMEOUT", retryable: true, outcomeUnknown: true }, // TIMEOUT waiting for the backend
  [-1008]: { code: "VENUE_UNAVAILABLE", retryable: true }, // SERVER_BUSY: request rejected
  [-1013]: { code: "FILTER_REJECTED", retryable: false }, // filter failure
  [-1015]: { code: "RATE_LIMITED", retryable: true }, // TOO_MANY_ORDERS
  [-1016]: { code: "VENUE_UNAVAILABLE", retryable: true }, // SERVICE_SHUTTING_DOWN
  [-1021]: { code: "CLOCK_DRIFT", retryable: true }, // INVALID_TIMESTAMP: resync and resend
  [-1022]: { code: "VENUE_AUTH", retryable: false }, // INVALID_SIGNATURE
  [-1099]: { code: "VENUE_AUTH", retryable: false }, // not found, authenticated, or authorized
  [-1121]: { code: "UNKNOWN_SYMBOL", retryable: false }, // BAD_SYMBOL
  [-1125]: { code: "VENUE_AUTH", retryable: true }, // INVALID_LISTEN_KEY: create a new one
  [-2010]: { code: "ORDER_REJECTED", retryable: false }, // NEW_ORDER_REJECTED
  [-2011]: { code: "ORDER_REJECTED", retryable: false }, // CANCEL_REJECTED
  [-2013]: { code: "ORDER_NOT_FOUND", retryable: false }, // NO_SUCH_ORDER
  [-2014]: { code: "VENUE_AUTH", retryable: false }, // BAD_API_KEY_FMT
  [-2015]: { code: "VENUE_AUTH", retryable: false }, // REJECTED_MBX_KEY
  [-2016]: { code: "VENUE_REJECTED", retryable: true }, // NO_TRADING_WINDOW
  [-2026]: { code: "ORDER_REJECTED", retryable: false }, // ORDER_ARCHIVED
};

export interface BinanceErrorContext {
  venue: string;
  /** Endpoint with credentials masked, e.g. "POST /api/v3/order". */
  endpoint: string;
  status: number;
  body: string;
  /** Retry-After in ms, when the response carried one. */
  retryAfterMs?: number;
}

/** Builds the VenueError for a non-2xx Binance response. */
export function binanceError(ctx: BinanceErrorContext): VenueError {
  let bcode: number | undefined;
  let msg = "";
  try {
    const b = JSON.parse(ctx.body) as { code?: unknown; msg?: unknown };
    if (typeof b.code === "number") bcode = b.code;
    if (typeof b.msg === "string") msg = b.msg;
  } catch {
    msg = ctx.body.slice(0, 200);
  }
  let m: Mapping;
  if (ctx.status === 418) m = { code: "IP_BANNED", retryable: true };
  else if (ctx.status === 429) m = { code: "RATE_LIMITED", retryable: true };
  else if (bcode === -2011 && /unknown order/i.test(msg)) m = { code: "ORDER_NOT_FOUND", retryable: false };
  else if (bcode !== undefined && BY_CODE[bcode]) m = BY_CODE[bcode]!;
  // 5xx: "the execution status is UNKNOWN and could have been a success" (rest-api.md).
  else if (ctx.status >= 500) m = { code: "VENUE_UNAVAILABLE", retryable: true, outcomeUnknown: true };
  else if (ctx.status === 401 || ctx.status === 403) m = { code: "VENUE_AUTH", retryable: false };
  else if (bcode !== undefined && bcode <= -1100 && bcode > -1200) m = { code: "VENUE_REJECTED", retryable: false };
  else m = { code: "VENUE_REJECTED", retryable: false };
  const details: Record<string, unknown> = {
    venue: ctx.venue,
    endpoint: ctx.endpoint,
    httpStatus: ctx.status,
    binanceCode: bcode,
    binanceMsg: msg,
    outcomeUnknown: m.outcomeUnknown ?? false,
    raw: rawText(ctx.body),
  };
  if (ctx.retryAfterMs !== undefined) details.retryAfterMs = ctx.retryAfterMs;
  if (bcode === -2013 || (bcode === -2011 && /unknown order/i.test(msg))) details.notFound = true;
  if (bcode === -2010 && /duplicate order/i.test(msg)) details.duplicate = true;
  const text = `${ctx.venue} ${ctx.endpoint}: HTTP ${ctx.status}${bcode !== undefined ? ` code ${bcode}` : ""}${msg ? ` ${msg}` : ""}`;
  return new VenueError(m.code, text, { retryable: m.retryable, details });
}

export function binanceCodeOf(e: unknown): number | undefined {
  return e instanceof VenueError && typeof e.details.binanceCode === "number" ? e.details.binanceCode : undefined;
}

/** True when an order request may have reached the matching engine although no answer came back. */
export function isOutcomeUnknown(e: unknown): boolean {
  return e instanceof VenueError && e.details.outcomeUnknown === true;
}
