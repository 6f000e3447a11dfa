import type { Timeframe } from "../../core/bar";
import type { Clock } from "../../core/clock";
import { VenueError } from "../../core/errors";
import { createHttpClient, parseRetryAfter, type HttpClient } from "../../infra/http/index";
import type { LogSink } from "../../infra/http/logger";
import type { YahooConfig } from "./config";
import { yahooChartError, yahooRestError } from "./errors";
import { parseRaw, yahooInterval } from "./parse";
import { ChartResponseSchema, type RawChartResult } from "./schemas";

export interface YahooHttpDeps {
  clock: Clock;
  logger: LogSink;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Yahoo chart v8 REST: GET /v8/finance/chart/{symbol}?interval=&period1=&period2= (epoch seconds).
 * Retries and backoff come from the shared HTTP client; this layer builds the URL, unwraps
 * chart.result / chart.error (Yahoo reports some errors with HTTP 200) and maps errors.
 */
export class YahooHttp {
  private readonly client: HttpClient;

  constructor(
    private readonly cfg: YahooConfig,
    private readonly deps: YahooHttpDeps,
  ) {
    this.client = createHttpClient({
      baseUrl: cfg.baseUrl,
      timeoutMs: cfg.requestTimeoutMs,
      retry: { maxAttempts: cfg.maxRetries + 1, backoff: { initialMs: cfg.retryBaseMs, maxMs: 60_000, factor: 2, jitter: "equal" } },
      defaultHeaders: { accept: "application/json", "user-agent": cfg.userAgent },
      logger: deps.logger,
      now: () => deps.clock.now(),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    });
  }

  /** Rows of `symbol` whose start lies in [fromMs, toMs). */
  async chart(symbol: string, tf: Timeframe, fromMs: number, toMs: number): Promise<RawChartResult> {
    const res = await this.client.request({
      method: "GET",
      path: `/v8/finance/chart/${encodeURIComponent(symbol)}`,
      query: {
        interval: yahooInterval(tf),
        period1: Math.floor(fromMs / 1000),
        period2: Math.ceil(toMs / 1000),
        includePrePost: this.cfg.includePrePost,
      },
      label: "yahoo.chart",
    });
    if (res.status < 200 || res.status >= 300) {
      throw yahooRestError({ status: res.status, body: res.body, symbol, url: res.url, retryAfterMs: parseRetryAfter(res.headers["retry-after"], this.deps.clock.now()) });
    }
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw new VenueError("PARSE_ERROR", `yahoo chart ${symbol}: response is not JSON: ${res.body.slice(0, 300)}`, { details: { venue: "yahoo", symbol, raw: res.body } });
    }
    const body = parseRaw(ChartResponseSchema, json, `chart ${symbol}`, res.body);
    if (body.chart.error) throw yahooChartError(body.chart.error, symbol, res.status, res.url);
    const result = body.chart.result?.[0];
    if (!result) throw new VenueError("DATA_NOT_FOUND", `yahoo chart ${symbol}: no result and no error`, { details: { venue: "yahoo", symbol, raw: res.body.slice(0, 2000) } });
    return result;
  }
}
