import type { ErrorCode } from "../../core/errors";
import { TradelabError, VenueError } from "../../core/errors";
import { ApiErrorSchema } from "./schemas";

/**
 * Alpaca failures -> our error tree. REST errors carry an 8-digit code whose first three digits are
 * the HTTP status (40010001 duplicate client order id, 40310000 insufficient buying power or shares,
 * 40410000 not found, 42210000 invalid parameter, 42910000 rate limit). Retryable: 429, 5xx,
 * timeouts and dropped connections. Everything else needs a different request.
 */

/** What a failed HTTP exchange looked like, with no credentials in it. */
export interface RestFailure {
  status: number;
  body: string;
  method: string;
  /** Path and query only (never headers). */
  path: string;
  /** X-RateLimit-Reset (unix seconds) or Retry-After (seconds), when present. */
  rateLimitResetSec?: number;
  retryAfterSec?: number;
}

export const ALPACA_CODE = {
  duplicateClientOrderId: 40010001,
  forbidden: 40310000,
  notFound: 40410000,
  unprocessable: 42210000,
  rateLimited: 42910000,
} as const;

const SUBPENNY = /invalid (limit_price|stop_price) ([\d.]+)\. sub-penny increment/i;
const DUPLICATE = /client[\s_-]?order[\s_-]?id must be unique/i;

function bodyOf(text: string): { code?: number; message: string } {
  try {
    const r = ApiErrorSchema.safeParse(JSON.parse(text));
    if (r.success) return r.data;
  } catch {
    // not JSON: keep the text
  }
  return { message: text.trim().slice(0, 300) || "(empty body)" };
}

function err(code: ErrorCode, message: string, retryable: boolean, details: Record<string, unknown>): VenueError {
  return new VenueError(code, message, { retryable, details: { venue: "alpaca", ...details } });
}

/** Maps one failed REST exchange to a coded VenueError. `nowMs` turns reset times into delays. */
export function alpacaRestError(f: RestFailure, nowMs: number): VenueError {
  const b = bodyOf(f.body);
  const where = `alpaca ${f.method} ${f.path}`;
  const details: Record<string, unknown> = { status: f.status, alpacaCode: b.code, alpacaMessage: b.message, method: f.method, path: f.path };
  const msg = `${where}: HTTP ${f.status}${b.code ? ` ${b.code}` : ""} ${b.message}`;
  if (f.status === 429) {
    let retryAfterMs: number | undefined;
    if (f.retryAfterSec !== undefined) retryAfterMs = f.retryAfterSec * 1000;
    else if (f.rateLimitResetSec !== undefined) retryAfterMs = Math.max(0, f.rateLimitResetSec * 1000 - nowMs);
    return err("RATE_LIMITED", msg, true, { ...details, retryAfterMs });
  }
  if (f.status >= 500) return err("VENUE_UNAVAILABLE", msg, true, details);
  if (f.status === 401) return err("VENUE_AUTH", `${where}: credentials rejected (HTTP 401); check the key id and secret for this environment (paper or live)`, false, details);
  if (f.status === 403) {
    if (b.code === ALPACA_CODE.forbidden || /insufficient/i.test(b.message)) return err("ORDER_REJECTED", msg, false, details);
    return err("VENUE_AUTH", `${msg} (the account or data subscription does not allow this request)`, false, details);
  }
  if (f.status === 404) return err(f.path.includes("/orders") ? "ORDER_NOT_FOUND" : "DATA_NOT_FOUND", msg, false, details);
  if (f.status === 422 || f.status === 400 || f.status === 409) {
    if (DUPLICATE.test(b.message) || b.code === ALPACA_CODE.duplicateClientOrderId) {
      return err("ORDER_REJECTED", msg, false, { ...details, duplicateClientOrderId: true });
    }
    const sp = SUBPENNY.exec(b.message);
    if (sp) {
      // Prices must be whole cents at or above $1 (Reg NMS rule 612); the caller must round to tick.
      return err("FILTER_REJECTED", msg, false, { ...details, filter: "PRICE_TICK", field: sp[1], price: Number(sp[2]) });
    }
    return err(f.path.includes("/orders") ? "ORDER_REJECTED" : "INVALID_ARGUMENT", msg, false, details);
  }
  return err("VENUE_REJECTED", msg, false, details);
}

/** A dropped or timed-out request before any response. */
export function alpacaTransportError(method: string, path: string, cause: unknown, timedOut: boolean): VenueError {
  const why = cause instanceof Error ? cause.message : String(cause);
  return new VenueError(timedOut ? "VENUE_TIMEOUT" : "VENUE_UNAVAILABLE", `alpaca ${method} ${path}: ${timedOut ? "timed out" : "connection failed"} (${why})`, {
    retryable: true,
    details: { venue: "alpaca", method, path },
    cause,
  });
}

/** Stock data stream error frames ({"T":"error","code":4xx|500,"msg":...}). */
export function alpacaStreamError(code: number, msg: string): VenueError {
  const m = `alpaca data stream error ${code}: ${msg}`;
  const details = { venue: "alpaca", streamCode: code, streamMessage: msg };
  switch (code) {
    case 402: // auth failed
    case 408: // v2 not enabled
    case 409: // insufficient subscription
      return new VenueError("VENUE_AUTH", m, { retryable: false, details });
    case 401: // not authenticated (subscribed too early): a new session fixes it
    case 404: // auth timeout
    case 407: // slow client
    case 500:
      return new VenueError("VENUE_UNAVAILABLE", m, { retryable: true, details });
    case 406: // connection limit exceeded: another session holds the only slot
      return new VenueError("RATE_LIMITED", `${m} (another connection with these keys is open)`, { retryable: true, details });
    case 405: // symbol limit exceeded
      return new VenueError("INVALID_ARGUMENT", m, { retryable: false, details });
    default: // 400 invalid syntax, 403 already authenticated, and anything new
      return new VenueError("VENUE_REJECTED", m, { retryable: false, details });
  }
}

export function isDuplicateClientOrderId(e: unknown): boolean {
  return e instanceof TradelabError && e.details.duplicateClientOrderId === true;
}

export function isNotFound(e: unknown): boolean {
  return e instanceof TradelabError && (e.code === "ORDER_NOT_FOUND" || e.code === "DATA_NOT_FOUND");
}
