import type { ErrorCode } from "../../core/errors";
import { VenueError } from "../../core/errors";
import { ApiErrorSchema } from "./schemas";

/**
 * Polygon failures -> our error tree. Retryable: 429 (plan request limit), 5xx and transport
 * failures. Not retryable: 401 bad or missing key, 403 plan not entitled to the data, 400/404.
 */
export interface RestFailure {
  status: number;
  body: string;
  /** URL with the key masked. */
  url: string;
  retryAfterMs?: number;
}

function messageOf(body: string): { status?: string; message: string; requestId?: string } {
  try {
    const r = ApiErrorSchema.safeParse(JSON.parse(body));
    if (r.success) return { status: r.data.status, message: r.data.error ?? r.data.message ?? "(no message)", requestId: r.data.request_id };
  } catch {
    // not JSON: keep the text
  }
  return { message: body.trim().slice(0, 300) || "(empty body)" };
}

function make(code: ErrorCode, message: string, retryable: boolean, details: Record<string, unknown>): VenueError {
  return new VenueError(code, message, { retryable, details: { venue: "polygon", ...details } });
}

export function polygonRestError(f: RestFailure): VenueError {
  const b = messageOf(f.body);
  const details = { status: f.status, polygonStatus: b.status, polygonMessage: b.message, requestId: b.requestId, url: f.url };
  const msg = `polygon GET ${f.url}: HTTP ${f.status} ${b.message}`;
  if (f.status === 429) return make("RATE_LIMITED", msg, true, { ...details, retryAfterMs: f.retryAfterMs });
  if (f.status >= 500) return make("VENUE_UNAVAILABLE", msg, true, details);
  if (f.status === 401) return make("VENUE_AUTH", `${msg} (check the Polygon API key)`, false, details);
  if (f.status === 403) return make("VENUE_AUTH", `${msg} (the plan does not include this data)`, false, details);
  if (f.status === 404) return make("DATA_NOT_FOUND", msg, false, details);
  if (f.status === 400 || f.status === 422) return make("INVALID_ARGUMENT", msg, false, details);
  return make("VENUE_REJECTED", msg, false, details);
}

/** A status frame that is not progress: auth_failed, max_connections, error... */
export function polygonStatusError(status: string, message: string | undefined): VenueError {
  const m = `polygon stream status ${status}${message ? `: ${message}` : ""}`;
  const details = { venue: "polygon", streamStatus: status, streamMessage: message };
  if (status === "auth_failed") return new VenueError("VENUE_AUTH", `${m} (check the Polygon API key and the plan's WebSocket access)`, { retryable: false, details });
  if (status === "max_connections") return new VenueError("RATE_LIMITED", `${m} (another connection with this key is open)`, { retryable: true, details });
  return new VenueError("VENUE_REJECTED", m, { retryable: false, details });
}
