import type { ErrorCode } from "../../core/errors";
import { VenueError } from "../../core/errors";
import { ChartResponseSchema, FinanceErrorSchema, type RawChartError } from "./schemas";

/**
 * Yahoo failures -> our error tree. An unknown or delisted symbol ("Not Found", HTTP 404, or 200 on
 * some edges) is DATA_NOT_FOUND and never retried; a range Yahoo does not keep ("Unprocessable
 * Entity", e.g. 1m older than 30 days) or a bad interval is INVALID_ARGUMENT. 429 and 5xx retry.
 */
export interface RestFailure {
  status: number;
  body: string;
  symbol: string;
  url: string;
  retryAfterMs?: number;
}

/** The {code, description} Yahoo puts in chart.error or finance.error, if the body has one. */
export function yahooErrorBody(body: string): RawChartError | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  const chart = ChartResponseSchema.safeParse(json);
  if (chart.success && chart.data.chart.error) return chart.data.chart.error;
  const fin = FinanceErrorSchema.safeParse(json);
  return fin.success && fin.data.finance.error ? fin.data.finance.error : undefined;
}

function make(code: ErrorCode, message: string, retryable: boolean, details: Record<string, unknown>): VenueError {
  return new VenueError(code, message, { retryable, details: { venue: "yahoo", ...details } });
}

/** Maps a chart.error object (whatever the HTTP status) to a coded error. */
export function yahooChartError(e: RawChartError, symbol: string, status: number, url: string): VenueError {
  const details = { symbol, status, yahooCode: e.code, yahooDescription: e.description, url };
  const msg = `yahoo chart ${symbol}: ${e.code}${e.description ? `: ${e.description}` : ""}`;
  switch (e.code) {
    case "Not Found":
      return make("DATA_NOT_FOUND", msg, false, details);
    case "Unprocessable Entity":
    case "Bad Request":
      return make("INVALID_ARGUMENT", msg, false, details);
    case "Unauthorized":
    case "Forbidden":
      return make("VENUE_AUTH", msg, false, details);
    case "Too Many Requests":
      return make("RATE_LIMITED", msg, true, details);
    default:
      return status >= 500 ? make("VENUE_UNAVAILABLE", msg, true, details) : make("VENUE_REJECTED", msg, false, details);
  }
}

export function yahooRestError(f: RestFailure): VenueError {
  const body = yahooErrorBody(f.body);
  if (body && f.status !== 429 && f.status < 500) return yahooChartError(body, f.symbol, f.status, f.url);
  const text = body ? `${body.code}: ${body.description ?? ""}` : f.body.trim().slice(0, 200) || "(empty body)";
  const details = { symbol: f.symbol, status: f.status, url: f.url };
  const msg = `yahoo chart ${f.symbol}: HTTP ${f.status} ${text}`;
  if (f.status === 429) return make("RATE_LIMITED", `${msg} (Yahoo throttles by IP and user agent)`, true, { ...details, retryAfterMs: f.retryAfterMs });
  if (f.status >= 500) return make("VENUE_UNAVAILABLE", msg, true, details);
  if (f.status === 404) return make("DATA_NOT_FOUND", msg, false, details);
  if (f.status === 401 || f.status === 403) return make("VENUE_AUTH", msg, false, details);
  return make("INVALID_ARGUMENT", msg, false, details);
}
