import { z } from "zod";
import { ConfigError } from "../../core/errors";
import { Secret } from "../../infra/http/secret";

export const POLYGON_URLS = {
  rest: "https://api.polygon.io",
  /** Real-time stocks cluster; plans with 15-minute delayed data use wss://delayed.polygon.io/stocks. */
  stocksStream: "wss://socket.polygon.io/stocks",
} as const;

/**
 * Polygon adapter options; every default is here. The API key comes from config (typically
 * `${POLYGON_API_KEY}`) and is wrapped in Secret at parse time. Polygon takes it as the `apiKey`
 * query parameter (also on next_url pages) and in the WebSocket auth frame; logged URLs mask it.
 */
export const polygonOptionsSchema = z.strictObject({
  apiKey: z
    .string()
    .min(1, "must not be empty")
    .transform((s) => new Secret(s)),
  /** REST base URL. Default https://api.polygon.io. next_url pages are always fetched from this host. */
  restBaseUrl: z.url({ protocol: /^https?$/ }).default(POLYGON_URLS.rest),
  /** Stocks WebSocket URL. Default wss://socket.polygon.io/stocks. */
  streamUrl: z.url({ protocol: /^wss?$/ }).default(POLYGON_URLS.stocksStream),
  /** Split-adjusted aggregates. Default true. */
  adjusted: z.boolean().default(true),
  /** Base aggregates per request (Polygon's maximum is 50000). Default 50000. */
  pageLimit: z.number().int().min(1).max(50_000).default(50_000),
  /** Per-request timeout, ms. Default 10000. */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** Retries of a retryable failure (429, 5xx, timeout) after the first attempt. Default 4. */
  maxRetries: z.number().int().min(0).max(20).default(4),
  /** First backoff delay for retries and reconnects, ms; doubles per attempt. Default 500 (free plans allow 5 requests a minute: raise it). */
  retryBaseMs: z.number().int().positive().default(500),
  /** Stream handshake (connect, auth, subscribe) timeout, ms. Default 10000. */
  streamHandshakeTimeoutMs: z.number().int().positive().default(10_000),
});

export type PolygonConfigInput = z.input<typeof polygonOptionsSchema>;
export type PolygonConfig = Readonly<z.output<typeof polygonOptionsSchema>>;

export const polygonConfigSchema: z.ZodType<PolygonConfig, PolygonConfigInput> = polygonOptionsSchema.transform((c) =>
  Object.freeze({ ...c, restBaseUrl: c.restBaseUrl.replace(/\/+$/, ""), streamUrl: c.streamUrl }),
);

/** Validates options; a bad key fails with CONFIG_INVALID naming its path (never its value). */
export function parsePolygonConfig(input: unknown, source = "polygon venue config"): PolygonConfig {
  const r = polygonConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  throw new ConfigError(`${source}: ${issues.join("; ")}`, { file: source, path: r.error.issues[0]?.path.join("."), issues });
}
