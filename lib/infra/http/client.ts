import { VenueError } from "../../core/errors";
import { DEFAULT_BACKOFF, backoffDelay, parseRetryAfter, sleep as realSleep, type BackoffPolicy } from "./backoff";
import { silentLogger, type LogSink } from "./logger";
import { redactText, redactUrl } from "./redact";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "PATCH";
export type QueryValue = string | number | boolean | undefined | null | readonly (string | number)[];

export interface HttpRequest {
  method: HttpMethod;
  /** Path appended to the client's baseUrl, or an absolute http(s) URL. */
  path: string;
  /**
   * Query parameters. A string is sent verbatim (signed requests need the exact bytes that were
   * signed); an object is encoded in insertion order, skipping undefined/null values.
   */
  query?: string | Record<string, QueryValue>;
  headers?: Record<string, string>;
  body?: string;
  /** Per-request timeout, ms. Default: the client's timeoutMs. */
  timeoutMs?: number;
  /**
   * Whether repeating the request can never create a second effect. Default true for GET, HEAD, PUT
   * and DELETE, false for POST and PATCH. Non-idempotent requests are never retried here.
   */
  idempotent?: boolean;
  /** Attempts for this request (1 disables retry). Default: the client's retry.maxAttempts. */
  maxAttempts?: number;
  /** Short name for logs (e.g. "klines"). */
  label?: string;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
  /** The request URL with credentials masked (safe to log or put in errors). */
  url: string;
  /** Attempts made, including this one. */
  attempts: number;
}

export interface RetryPolicy {
  /** Total attempts including the first. Default 3. */
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** Statuses retried for idempotent requests. Default [429, 500, 502, 503, 504]. */
  retryStatuses: readonly number[];
  /** A Retry-After longer than this is not waited for: the response is returned. Default 60 000 ms. */
  maxRetryAfterMs: number;
}

export interface HttpClientOptions {
  baseUrl: string;
  /** Default per-request timeout, ms. Default 10 000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  defaultHeaders?: Record<string, string>;
  logger?: LogSink;
  /** Extra query/header names to mask in logs, besides DEFAULT_SENSITIVE_KEYS. */
  sensitiveKeys?: readonly string[];
  /** Credential values to scrub from anything logged or put in errors. */
  secrets?: () => readonly string[];
  /** Uniform [0, 1) source for backoff jitter. Default Math.random. */
  random?: () => number;
  /** Wait function (injectable so tests need not sleep). Default setTimeout-based. */
  sleep?: (ms: number) => Promise<void>;
  /** Wall clock for Retry-After dates. Default Date.now. */
  now?: () => number;
}

export interface HttpClient {
  readonly baseUrl: string;
  /**
   * Sends a request. Any HTTP status is returned as a response (the caller maps venue errors);
   * transport failures throw VenueError: VENUE_TIMEOUT (details.outcomeUnknown: true) or
   * VENUE_UNAVAILABLE (outcomeUnknown false when the connection was refused before sending).
   */
  request(req: HttpRequest): Promise<HttpResponse>;
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, backoff: DEFAULT_BACKOFF, retryStatuses: [429, 500, 502, 503, 504], maxRetryAfterMs: 60_000 };
const NOT_SENT_CODES = ["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"];

/** Encodes query parameters in insertion order with RFC 3986 percent-encoding (arrays become JSON, as Binance expects). */
export function encodeQuery(q: Record<string, QueryValue>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null) continue;
    const s = Array.isArray(v) ? JSON.stringify(v) : String(v);
    parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
  }
  return parts.join("&");
}

function defaultIdempotent(m: HttpMethod): boolean {
  return m === "GET" || m === "HEAD" || m === "PUT" || m === "DELETE";
}

function errorCode(e: unknown): string | undefined {
  const cause = (e as { cause?: { code?: string } }).cause;
  return cause?.code ?? (e as { code?: string }).code;
}

export function createHttpClient(opts: HttpClientOptions): HttpClient {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry, backoff: { ...DEFAULT_BACKOFF, ...opts.retry?.backoff } };
  const log = opts.logger ?? silentLogger;
  const random = opts.random ?? Math.random;
  const wait = opts.sleep ?? ((ms: number) => realSleep(ms));
  const now = opts.now ?? Date.now;
  const timeoutDefault = opts.timeoutMs ?? 10_000;
  const secrets = opts.secrets ?? (() => []);
  const safe = (url: string) => redactUrl(url, opts.sensitiveKeys ?? [], secrets());

  async function once(url: string, req: HttpRequest, attempt: number): Promise<HttpResponse> {
    const ctl = new AbortController();
    const timeoutMs = req.timeoutMs ?? timeoutDefault;
    const timer = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      const res = await fetch(url, {
        method: req.method,
        headers: { ...opts.defaultHeaders, ...req.headers },
        body: req.body,
        signal: ctl.signal,
      });
      const body = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((v, k) => (headers[k.toLowerCase()] = v));
      return { status: res.status, headers, body, url: safe(url), attempts: attempt + 1 };
    } catch (e) {
      const code = errorCode(e);
      const details = { method: req.method, url: safe(url), label: req.label, attempts: attempt + 1, timeoutMs, cause: code };
      if (ctl.signal.aborted) {
        throw new VenueError("VENUE_TIMEOUT", `${req.method} ${safe(url)} timed out after ${timeoutMs} ms`, {
          retryable: true,
          details: { ...details, outcomeUnknown: true },
        });
      }
      const notSent = code !== undefined && NOT_SENT_CODES.includes(code);
      const msg = redactText(e instanceof Error ? e.message : String(e), secrets());
      throw new VenueError("VENUE_UNAVAILABLE", `${req.method} ${safe(url)} failed: ${code ?? msg}`, {
        retryable: true,
        details: { ...details, outcomeUnknown: !notSent },
      });
    } finally {
      clearTimeout(timer);
    }
  }

  async function request(req: HttpRequest): Promise<HttpResponse> {
    const qs = typeof req.query === "string" ? req.query : req.query ? encodeQuery(req.query) : "";
    const target = /^https?:\/\//.test(req.path) ? req.path : `${base}${req.path.startsWith("/") ? "" : "/"}${req.path}`;
    const url = qs ? `${target}${target.includes("?") ? "&" : "?"}${qs}` : target;
    const idempotent = req.idempotent ?? defaultIdempotent(req.method);
    const maxAttempts = idempotent ? Math.max(1, req.maxAttempts ?? retry.maxAttempts) : 1;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await once(url, req, attempt);
      } catch (e) {
        if (attempt + 1 >= maxAttempts || !(e instanceof VenueError) || !e.retryable) throw e;
        const delay = backoffDelay(attempt, retry.backoff, random);
        log.warn({ label: req.label, url: safe(url), attempt: attempt + 1, delayMs: delay, code: e.code }, "http transport error, retrying");
        await wait(delay);
        continue;
      }
      if (attempt + 1 >= maxAttempts || !retry.retryStatuses.includes(res.status)) return res;
      const retryAfter = parseRetryAfter(res.headers["retry-after"], now());
      if (retryAfter !== undefined && retryAfter > retry.maxRetryAfterMs) return res;
      const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, retry.backoff, random));
      log.warn({ label: req.label, url: res.url, status: res.status, attempt: attempt + 1, delayMs: delay }, "http status retryable, retrying");
      await wait(delay);
    }
  }

  return { baseUrl: base, request };
}

/** Parses a JSON body; throws VenueError PARSE_ERROR carrying (a prefix of) the raw body. */
export function parseJsonBody(res: HttpResponse): unknown {
  try {
    return JSON.parse(res.body) as unknown;
  } catch (e) {
    throw new VenueError("PARSE_ERROR", `response from ${res.url} (status ${res.status}) is not JSON: ${(e as Error).message}`, {
      details: { url: res.url, status: res.status, raw: res.body.slice(0, 2000) },
    });
  }
}
