import type { Timeframe } from "../../core/bar";
import type { Clock } from "../../core/clock";
import { VenueError } from "../../core/errors";
import { createHttpClient, encodeQuery, parseRetryAfter, type HttpClient } from "../../infra/http/index";
import type { LogSink } from "../../infra/http/logger";
import { registerSecret } from "../../infra/secret-registry";
import type { PolygonConfig } from "./config";
import { polygonRestError } from "./errors";
import { parseJson, parseRaw, polygonRange } from "./parse";
import { AggsResponseSchema, type RawAgg } from "./schemas";

export interface PolygonHttpDeps {
  clock: Clock;
  logger: LogSink;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Polygon aggregates REST. Retries, timeouts and backoff come from the shared HTTP client; this
 * layer builds the range URL, follows next_url (re-based onto the configured host, with the key
 * added back, since Polygon strips it) and maps errors.
 */
export class PolygonHttp {
  private readonly client: HttpClient;

  constructor(
    private readonly cfg: PolygonConfig,
    private readonly deps: PolygonHttpDeps,
  ) {
    // Belt and braces: the process logger masks the key wherever it might still appear.
    registerSecret(cfg.apiKey.reveal());
    this.client = createHttpClient({
      baseUrl: cfg.restBaseUrl,
      timeoutMs: cfg.requestTimeoutMs,
      retry: { maxAttempts: cfg.maxRetries + 1, backoff: { initialMs: cfg.retryBaseMs, maxMs: 60_000, factor: 2, jitter: "equal" } },
      defaultHeaders: { accept: "application/json" },
      logger: deps.logger,
      secrets: () => [cfg.apiKey.reveal()],
      now: () => deps.clock.now(),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  }

  /** Every base aggregate of `ticker` with a window start in [fromMs, toMs] (inclusive), ascending. */
  async aggs(ticker: string, tf: Timeframe, fromMs: number, toMs: number): Promise<RawAgg[]> {
    const { multiplier, timespan } = polygonRange(tf);
    let path = `/v2/aggs/ticker/${encodeURIComponent(ticker)}/range/${multiplier}/${timespan}/${Math.floor(fromMs)}/${Math.floor(toMs)}`;
    let query = encodeQuery({ adjusted: this.cfg.adjusted, sort: "asc", limit: this.cfg.pageLimit });
    const out: RawAgg[] = [];
    const seen = new Set<string>();
    for (;;) {
      const page = await this.get(path, query);
      if (page.results) out.push(...page.results);
      if (!page.next_url) return out;
      ({ path, query } = this.rebase(page.next_url));
      const key = `${path}?${query}`;
      if (seen.has(key)) throw new VenueError("PARSE_ERROR", `polygon aggs ${ticker}: next_url repeated; stopping to avoid an endless loop`, { details: { venue: "polygon", next: key } });
      seen.add(key);
    }
  }

  /** next_url -> path and query on our own host, without any key it might carry. */
  private rebase(nextUrl: string): { path: string; query: string } {
    let u: URL;
    try {
      u = new URL(nextUrl, this.cfg.restBaseUrl);
    } catch {
      throw new VenueError("PARSE_ERROR", `polygon next_url is not a URL: ${nextUrl.slice(0, 200)}`, { details: { venue: "polygon", raw: nextUrl } });
    }
    if (!u.pathname.startsWith("/v2/aggs/")) {
      throw new VenueError("PARSE_ERROR", `polygon next_url points outside the aggregates API: ${u.pathname}`, { details: { venue: "polygon", raw: nextUrl } });
    }
    u.searchParams.delete("apiKey");
    return { path: u.pathname, query: u.searchParams.toString() };
  }

  private async get(path: string, query: string) {
    const res = await this.client.request({
      method: "GET",
      path,
      query: `${query}${query ? "&" : ""}apiKey=${encodeURIComponent(this.cfg.apiKey.reveal())}`,
      label: "polygon.aggs",
    });
    if (res.status < 200 || res.status >= 300) {
      throw polygonRestError({ status: res.status, body: res.body, url: res.url, retryAfterMs: parseRetryAfter(res.headers["retry-after"], this.deps.clock.now()) });
    }
    const page = parseRaw(AggsResponseSchema, parseJson(res.body, `aggs ${res.url}`), `aggs ${res.url}`, res.body);
    if (page.status !== "OK" && page.status !== "DELAYED") throw polygonRestError({ status: res.status, body: res.body, url: res.url });
    return page;
  }
}
