import { z } from "zod";
import { Secret } from "../../infra/http/secret";
import { BINANCE_KEY_TYPES, type RequestSigner } from "./sign";

/** Which Binance API family a preset speaks: spot (/api/v3) or USD-M futures (/fapi). */
export type BinanceProduct = "spot" | "usdm";

export interface BinancePreset {
  product: BinanceProduct;
  restBaseUrl?: string;
  wsBaseUrl?: string;
  /** WebSocket API endpoint (user data stream). Spot only. */
  wsApiBaseUrl?: string;
  /** Default REQUEST_WEIGHT limit per minute (exchangeInfo rateLimits). */
  weightLimitPerMinute: number;
  /** Max klines per request. */
  klinePageLimit: number;
  realMoney: boolean;
}

/** Base URLs and limits per registry name. Spot numbers from rest-api.md; futures from the USD-M docs. */
export const BINANCE_PRESETS: Record<string, BinancePreset> = {
  binance: { product: "spot", restBaseUrl: "https://api.binance.com", wsBaseUrl: "wss://stream.binance.com:9443", wsApiBaseUrl: "wss://ws-api.binance.com:443/ws-api/v3", weightLimitPerMinute: 6000, klinePageLimit: 1000, realMoney: true },
  "binance-testnet": { product: "spot", restBaseUrl: "https://testnet.binance.vision", wsBaseUrl: "wss://stream.testnet.binance.vision", wsApiBaseUrl: "wss://ws-api.testnet.binance.vision/ws-api/v3", weightLimitPerMinute: 6000, klinePageLimit: 1000, realMoney: false },
  "binance-futures": { product: "usdm", restBaseUrl: "https://fapi.binance.com", wsBaseUrl: "wss://fstream.binance.com", weightLimitPerMinute: 2400, klinePageLimit: 1500, realMoney: true },
  "binance-futures-testnet": { product: "usdm", restBaseUrl: "https://testnet.binancefuture.com", wsBaseUrl: "wss://stream.binancefuture.com", weightLimitPerMinute: 2400, klinePageLimit: 1500, realMoney: false },
  /** The local replay exchange: base URLs come from startReplayExchange(); the WebSocket API is <wsBaseUrl>/ws-api/v3. */
  replay: { product: "spot", weightLimitPerMinute: 6000, klinePageLimit: 1000, realMoney: false },
};

const secret = z
  .string()
  .min(1, "must not be empty")
  .transform((s) => new Secret(s));

const backoff = z.strictObject({
  /** First delay, ms. Default 250. */
  initialMs: z.number().int().min(0).default(250),
  /** Largest delay, ms. Default 8000. */
  maxMs: z.number().int().min(0).default(8000),
});

/**
 * Binance adapter settings. Every default is here. Credentials are wrapped in Secret at parse time,
 * so a logged or printed config shows only `abcd…(64)`.
 */
export const binanceConfigSchema = z.strictObject({
  /** REST base URL. Default: the preset's (api.binance.com, testnet.binance.vision, ...). */
  restBaseUrl: z.url({ protocol: /^https?$/ }).optional(),
  /** WebSocket streams base URL (without /ws or /stream). Default: the preset's. */
  wsBaseUrl: z.url({ protocol: /^wss?$/ }).optional(),
  /** WebSocket API endpoint for the user data stream. Default: the preset's (replay: <wsBaseUrl>/ws-api/v3). */
  wsApiBaseUrl: z.url({ protocol: /^wss?$/ }).optional(),
  /** API key (X-MBX-APIKEY / apiKey). Required for execution and fee lookup. */
  apiKey: secret.optional(),
  /**
   * Which kind of API key: hmac (secret key), rsa or ed25519 (private key). Default "hmac".
   * Ed25519 is what Binance recommends, and the only type session.logon accepts.
   */
  keyType: z.enum(BINANCE_KEY_TYPES).default("hmac"),
  /** hmac: the secret key. rsa/ed25519: the PEM private key text (e.g. from an env var), or use privateKeyPath. */
  apiSecret: secret.optional(),
  /** rsa/ed25519: path of the PEM (PKCS#8) private key file, instead of apiSecret. */
  privateKeyPath: z.string().min(1).optional(),
  /** Passphrase of an encrypted PEM private key. */
  privateKeyPassphrase: secret.optional(),
  /**
   * How the user data stream authenticates on the WebSocket API: "logon" (session.logon, then
   * userDataStream.subscribe; Ed25519 keys only), "signature" (userDataStream.subscribe.signature,
   * any key type), or "auto" = logon for Ed25519, signature otherwise. Default "auto".
   */
  userStreamAuth: z.enum(["auto", "logon", "signature"]).default("auto"),
  /** recvWindow sent with signed requests, ms (Binance max 60 000). Default 5000. */
  recvWindowMs: z.number().int().min(1).max(60_000).default(5000),
  /** Per-request timeout, ms. Default 10 000. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Retries after the first attempt for retryable failures. Default 3. */
  maxRetries: z.number().int().min(0).max(10).default(3),
  /** Backoff between retries. */
  retryBackoff: backoff.prefault({}),
  /** A 429 Retry-After longer than this is returned as RATE_LIMITED instead of waited for, ms. Default 60 000. */
  maxRetryAfterMs: z.number().int().min(0).default(60_000),
  /** REQUEST_WEIGHT per minute. Default: the preset's (6000 spot, 2400 futures). */
  weightLimitPerMinute: z.number().int().positive().optional(),
  /** Fraction of the weight limit the adapter allows itself before waiting for the next minute. Default 0.9. */
  weightHeadroom: z.number().gt(0).max(1).default(0.9),
  /** Klines per history request. Default: the preset's maximum (1000 spot, 1500 futures). */
  klinePageLimit: z.number().int().min(1).max(1500).optional(),
  /** Re-measure the clock offset this often, ms (also after every -1021). 0 = only on start and -1021. Default 600 000. */
  timeSyncIntervalMs: z.number().int().min(0).default(600_000),
  /** Stream reconnect backoff. */
  reconnect: z.strictObject({ initialMs: z.number().int().min(0).default(500), maxMs: z.number().int().min(0).default(30_000) }).prefault({}),
  /** Reconnect a stream that delivered nothing (not even a ping) for this long, ms. 0 = off. Default 90 000. */
  wsIdleTimeoutMs: z.number().int().min(0).default(90_000),
  /**
   * Reconnect every stream before it is this old, ms: Binance closes connections at 24 h. The user
   * data stream backfills over REST after the switch, the kline feed backfills bars. Default 85 800 000 (23 h 50 min).
   */
  wsMaxConnectionAgeMs: z.number().int().min(1000).max(86_400_000).default(85_800_000),
  /** Removed: Binance retired the spot REST listen key on 2026-02-20. */
  listenKeyKeepAliveMs: z
    .unknown()
    .refine((v) => v === undefined, {
      message: "listenKeyKeepAliveMs is no longer supported: Binance retired the spot REST listen key on 2026-02-20 and user data now comes over the WebSocket API (remove listenKeyKeepAliveMs; see wsMaxConnectionAgeMs)",
    })
    .optional(),
  /** Response detail for new orders. Default "FULL" (fills included). */
  newOrderRespType: z.enum(["ACK", "RESULT", "FULL"]).default("FULL"),
  /** Quote asset used to report spot holdings as positions (BTC -> BTCUSDT). Default "USDT". */
  quoteAsset: z.string().min(1).default("USDT"),
  /** How long exchangeInfo is cached, ms. Default 3 600 000. */
  exchangeInfoTtlMs: z.number().int().min(0).default(3_600_000),
  /** Fees reported when no credentials are configured (the account endpoint needs them), bps. */
  defaultFees: z.strictObject({ makerBps: z.number().min(-100).max(1000).default(10), takerBps: z.number().min(-100).max(1000).default(10) }).prefault({}),
});

export type BinanceConfigInput = z.input<typeof binanceConfigSchema>;
export type BinanceConfig = z.output<typeof binanceConfigSchema>;

/** Config plus everything resolved from the preset: what the adapter actually runs with. */
export interface ResolvedBinanceConfig
  extends Omit<BinanceConfig, "restBaseUrl" | "wsBaseUrl" | "wsApiBaseUrl" | "weightLimitPerMinute" | "klinePageLimit" | "listenKeyKeepAliveMs" | "privateKeyPath" | "privateKeyPassphrase"> {
  venue: string;
  product: BinanceProduct;
  restBaseUrl: string;
  wsBaseUrl: string;
  /** Absent for products without a WebSocket API user data stream (USD-M here). */
  wsApiBaseUrl?: string;
  /** Signs REST and WebSocket API requests; absent without credentials. */
  signer?: RequestSigner;
  /** Values masked in every log line (credentials, the private key text). */
  secretValues: readonly string[];
  /** The user data stream's authentication, "auto" resolved. */
  userStreamAuthResolved: "logon" | "signature";
  weightLimitPerMinute: number;
  klinePageLimit: number;
}
