import { z } from "zod";
import { ConfigError } from "../../core/errors";
import { Secret } from "../../infra/http/secret";

/** Alpaca endpoints per environment. Market data is the same host for paper and live accounts. */
export const ALPACA_URLS = {
  paper: { trading: "https://paper-api.alpaca.markets", tradingStream: "wss://paper-api.alpaca.markets/stream" },
  live: { trading: "https://api.alpaca.markets", tradingStream: "wss://api.alpaca.markets/stream" },
  data: "https://data.alpaca.markets",
  dataStream: "wss://stream.data.alpaca.markets/v2",
} as const;

export type AlpacaEnvironment = "paper" | "live";

const secret = z
  .string()
  .min(1, "must not be empty")
  .transform((s) => new Secret(s));

const http = z.url({ protocol: /^https?$/ });
const ws = z.url({ protocol: /^wss?$/ });

/**
 * Alpaca adapter options; every default is here. Keys come from config (typically
 * `${APCA_API_KEY_ID}` / `${APCA_API_SECRET_KEY}` interpolated by the config loader) and are wrapped
 * in Secret at parse time: they are sent only as the APCA-API-KEY-ID / APCA-API-SECRET-KEY headers
 * and in the stream auth frames, and print as `abcd…(20)` anywhere else.
 */
export const alpacaOptionsSchema = z.strictObject({
  /** API key id (APCA-API-KEY-ID). */
  apiKey: secret,
  /** API secret key (APCA-API-SECRET-KEY). */
  apiSecret: secret,
  /** Trading REST base URL. Default: https://paper-api.alpaca.markets (alpaca-paper) or https://api.alpaca.markets (alpaca). */
  tradingBaseUrl: http.optional(),
  /** Trading stream URL. Default: wss://paper-api.alpaca.markets/stream or wss://api.alpaca.markets/stream. */
  tradingStreamUrl: ws.optional(),
  /** Market data REST host. Default https://data.alpaca.markets. */
  dataBaseUrl: http.default(ALPACA_URLS.data),
  /** Stock data stream base; the feed name is appended. Default wss://stream.data.alpaca.markets/v2. */
  dataStreamUrl: ws.default(ALPACA_URLS.dataStream),
  /** Data feed: "iex" (free) or "sip" (consolidated tape, paid plan). Default "iex". */
  feed: z.enum(["iex", "sip"]).default("iex"),
  /** Corporate-action adjustment of historical bars. Default "raw". */
  adjustment: z.enum(["raw", "split", "dividend", "all"]).default("raw"),
  /** Bars per history page (1..10000). Default 10000. */
  pageLimit: z.number().int().min(1).max(10_000).default(10_000),
  /** Alpaca time in force for our GTC orders: "gtc" or "day". Fractional quantities always go as "day" (Alpaca's rule). Default "gtc". */
  gtcAs: z.enum(["gtc", "day"]).default("gtc"),
  /** Let day limit orders trade in pre/post market. Default false. */
  extendedHours: z.boolean().default(false),
  /** Per-request timeout, ms. Default 10000. */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** Retries of a retryable failure (429, 5xx, timeout) after the first attempt. Default 4. */
  maxRetries: z.number().int().min(0).max(20).default(4),
  /** First backoff delay for retries and stream reconnects, ms; doubles per attempt. Default 500. */
  retryBaseMs: z.number().int().positive().default(500),
  /** Stream handshake (connect, auth, subscribe) timeout, ms. Default 10000. */
  streamHandshakeTimeoutMs: z.number().int().positive().default(10_000),
  /** Commission in bps (Alpaca equities are commission-free). Default 0 / 0. */
  fees: z.strictObject({ makerBps: z.number().min(0).default(0), takerBps: z.number().min(0).default(0) }).prefault({}),
});

export type AlpacaConfigInput = z.input<typeof alpacaOptionsSchema>;

/** What the adapter runs with: options plus the environment and every URL resolved. */
export interface AlpacaConfig extends Omit<z.output<typeof alpacaOptionsSchema>, "tradingBaseUrl" | "tradingStreamUrl"> {
  environment: AlpacaEnvironment;
  tradingBaseUrl: string;
  tradingStreamUrl: string;
}

function trimSlash(u: string): string {
  return u.replace(/\/+$/, "");
}

/** The config schema of one registry entry: "alpaca-paper" resolves paper hosts, "alpaca" live ones. */
export function alpacaConfigSchema(environment: AlpacaEnvironment): z.ZodType<AlpacaConfig, AlpacaConfigInput> {
  const urls = ALPACA_URLS[environment];
  return alpacaOptionsSchema.transform(
    (c): AlpacaConfig =>
      Object.freeze({
        ...c,
        environment,
        fees: Object.freeze({ ...c.fees }),
        tradingBaseUrl: trimSlash(c.tradingBaseUrl ?? urls.trading),
        tradingStreamUrl: c.tradingStreamUrl ?? urls.tradingStream,
        dataBaseUrl: trimSlash(c.dataBaseUrl),
        dataStreamUrl: trimSlash(c.dataStreamUrl),
      }),
  );
}

/** Validates options; a bad key fails with CONFIG_INVALID naming its path (never its value). */
export function parseAlpacaConfig(input: unknown, environment: AlpacaEnvironment = "paper", source = "alpaca venue config"): AlpacaConfig {
  const r = alpacaConfigSchema(environment).safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  throw new ConfigError(`${source}: ${issues.join("; ")}`, { file: source, path: r.error.issues[0]?.path.join("."), issues });
}
