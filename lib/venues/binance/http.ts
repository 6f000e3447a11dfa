import { VenueError } from "../../core/errors";
import { backoffDelay, parseRetryAfter, sleep as realSleep, type BackoffPolicy } from "../../infra/http/backoff";
import { createHttpClient, encodeQuery, parseJsonBody, type HttpClient, type HttpResponse, type QueryValue } from "../../infra/http/client";
import type { LogSink } from "../../infra/http/logger";
import { registerSecret } from "../../infra/secret-registry";
import type { VenueDeps } from "../capabilities";
import type { ResolvedBinanceConfig } from "./config";
import { binanceCodeOf, binanceError, isOutcomeUnknown } from "./errors";
import { decode } from "./parse";
import { WeightLimiter } from "./rate-limit";
import { serverTimeSchema } from "./schemas";
import { signedQuery } from "./sign";
import { TimeSync } from "./time-sync";

/** Endpoint security types (rest-api.md): NONE, API key header only, or SIGNED. */
export type Security = "NONE" | "API_KEY" | "SIGNED";

export interface RestCall {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  params?: Record<string, QueryValue>;
  security: Security;
  /** Request weight (rest-api.md per endpoint). */
  weight: number;
  /**
   * Whether a request whose outcome is unknown (timeout, 5xx, dropped connection) may simply be sent
   * again. True for reads and idempotent writes; false for new orders, which the caller resolves by
   * querying the clientOrderId instead.
   */
  resendOnUnknown: boolean;
  label: string;
}

/**
 * Binance REST transport: signing, clock-offset tracking (resync and resend on -1021), request-weight
 * limiting, 429 backoff (Retry-After), 418 ban handling, retries with jittered backoff, and error
 * mapping. Returns parsed JSON; callers validate it with schemas.ts.
 */
export class BinanceRest {
  readonly timeSync: TimeSync;
  readonly limiter: WeightLimiter;
  private readonly http: HttpClient;
  private readonly log: LogSink;
  private readonly wait: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;

  constructor(
    readonly cfg: ResolvedBinanceConfig,
    deps: VenueDeps,
  ) {
    this.log = deps.logger;
    this.wait = deps.sleep ?? ((ms) => realSleep(ms));
    const rng = deps.rng;
    this.random = rng ? () => rng.next() : () => 0.5;
    this.backoff = { initialMs: cfg.retryBackoff.initialMs, maxMs: cfg.retryBackoff.maxMs, factor: 2, jitter: "equal" };
    this.http = createHttpClient({
      baseUrl: cfg.restBaseUrl,
      timeoutMs: cfg.timeoutMs,
      retry: { maxAttempts: 1 },
      logger: deps.logger,
      secrets: () => this.secretValues(),
    });
    this.timeSync = new TimeSync(deps.clock, () => this.serverTime(), cfg.timeSyncIntervalMs, deps.logger, cfg.venue);
    // Defence in depth: the process logger masks these values wherever they appear.
    for (const v of this.secretValues()) registerSecret(v);
    this.limiter = new WeightLimiter(cfg.weightLimitPerMinute, cfg.weightHeadroom, () => this.timeSync.now(), this.wait, deps.logger, cfg.venue);
  }

  get hasCredentials(): boolean {
    return this.cfg.apiKey !== undefined && this.cfg.signer !== undefined;
  }

  /** Values that must never appear in logs or errors (credentials, the private key text). */
  secretValues(): string[] {
    return [...this.cfg.secretValues, ...this.extraSecrets];
  }

  /** Registers a value to be masked from now on. */
  addSecret(value: string): void {
    if (this.extraSecrets.includes(value)) return;
    this.extraSecrets.push(value);
    registerSecret(value);
  }
  private readonly extraSecrets: string[] = [];

  private paths(): { time: string } {
    return { time: this.cfg.product === "usdm" ? "/fapi/v1/time" : "/api/v3/time" };
  }

  private async serverTime(): Promise<number> {
    const body = await this.call({ method: "GET", path: this.paths().time, security: "NONE", weight: 1, resendOnUnknown: true, label: "time" });
    return decode(serverTimeSchema, body, "time").serverTime;
  }

  /** Sends one logical request, retrying what is safe to retry. Throws VenueError on failure. */
  async call(c: RestCall): Promise<unknown> {
    if (c.security !== "NONE" && !this.hasCredentials) {
      throw new VenueError("VENUE_AUTH", `${this.cfg.venue}: ${c.label} needs apiKey and apiSecret (or privateKeyPath) in the venue config`, { details: { venue: this.cfg.venue, endpoint: c.path } });
    }
    const endpoint = `${c.method} ${c.path}`;
    for (let attempt = 0; ; attempt++) {
      const last = attempt >= this.cfg.maxRetries;
      await this.limiter.acquire(c.weight);
      let query = c.params ? encodeQuery(c.params) : "";
      let timestamp: number | undefined;
      if (c.security === "SIGNED") {
        await this.timeSync.ensureFresh();
        timestamp = Math.round(this.timeSync.now());
        query = signedQuery(c.params ?? {}, this.cfg.signer!, timestamp, this.cfg.recvWindowMs);
      }
      const headers: Record<string, string> = c.security === "NONE" ? {} : { "X-MBX-APIKEY": this.cfg.apiKey!.reveal() };
      let res: HttpResponse;
      try {
        res = await this.http.request({ method: c.method, path: c.path, query, headers, label: c.label, maxAttempts: 1 });
      } catch (e) {
        const err = e instanceof VenueError ? withDetails(e, { requestTimestamp: timestamp, endpoint }) : e;
        const resend = !isOutcomeUnknown(err) || c.resendOnUnknown;
        if (last || !resend || !(err instanceof VenueError) || !err.retryable) throw err;
        await this.pause(attempt, c.label, err);
        continue;
      }
      this.limiter.onHeaders(res.headers);
      if (res.status >= 200 && res.status < 300) return parseJsonBody(res);
      const retryAfterMs = parseRetryAfter(res.headers["retry-after"], this.timeSync.now());
      const err = withDetails(binanceError({ venue: this.cfg.venue, endpoint, status: res.status, body: res.body, retryAfterMs }), { requestTimestamp: timestamp });
      if (res.status === 418) {
        this.limiter.ban(retryAfterMs ?? 120_000);
        this.log.error({ venue: this.cfg.venue, endpoint, retryAfterMs }, "IP banned by the venue (HTTP 418)");
        throw err;
      }
      if (res.status === 429) {
        const wait = retryAfterMs ?? backoffDelay(attempt, this.backoff, this.random);
        this.limiter.block(wait);
        this.log.warn({ venue: this.cfg.venue, endpoint, retryAfterMs: wait }, "rate limited (HTTP 429), backing off");
        if (last || wait > this.cfg.maxRetryAfterMs) throw err;
        continue; // the limiter waits out the block; a 429 request was not executed, so resending is safe
      }
      if (binanceCodeOf(err) === -1021) {
        this.log.warn({ venue: this.cfg.venue, endpoint, offsetMs: this.timeSync.offsetMs }, "timestamp outside recvWindow (-1021), resyncing clock");
        await this.timeSync.sync();
        if (last) throw err;
        continue;
      }
      const resend = !isOutcomeUnknown(err) || c.resendOnUnknown;
      if (last || !err.retryable || !resend) throw err;
      await this.pause(attempt, c.label, err);
    }
  }

  private async pause(attempt: number, label: string, err: VenueError): Promise<void> {
    const delay = backoffDelay(attempt, this.backoff, this.random);
    this.log.warn({ venue: this.cfg.venue, request: label, attempt: attempt + 1, code: err.code, delayMs: delay, msg: err.message }, "request failed, retrying");
    await this.wait(delay);
  }
}

function withDetails(e: VenueError, extra: Record<string, unknown>): VenueError {
  Object.assign(e.details, extra);
  return e;
}
