import { z } from "zod";
import { executionSchema } from "../../config/schemas/execution";
import { TIMEFRAME_MS, type Bar, type Timeframe } from "../../core/bar";
import type { Clock } from "../../core/clock";
import type { LogSink } from "../../infra/http/logger";

/** An asymmetric API key pair of the replay account (Binance "API key types": RSA or Ed25519), PEM. */
export interface ReplayKeyPair {
  apiKey: string;
  /** PKCS#8 private key: the client signs with it. */
  privateKey: string;
  /** SPKI public key: the exchange verifies with it. */
  publicKey: string;
}

const ED25519_PRIVATE = [
    "-----BEGIN PRIVATE KEY-----",
    "MC4CAQAwBQYDK2VwBCIEINyt9mQWx2QG4+vtQ48YcP2XPR4feKztnLFbUr4mB7TA",
    "-----END PRIVATE KEY-----",
  ].join("\n");
const ED25519_PUBLIC = [
    "-----BEGIN PUBLIC KEY-----",
    "MCowBQYDK2VwAyEAkTGeP3bo91DHJyClcdsaPm9gV6jfMR9quiiMHQwabzw=",
    "-----END PUBLIC KEY-----",
  ].join("\n");
const RSA_PRIVATE = [
    "-----BEGIN PRIVATE KEY-----",
    "MIIEvwIBADANBgkqhkiG9w0BAQEFAASCBKkwggSlAgEAAoIBAQDU3p2sW8omwKbR",
    "Gu+oarJ9IzRJx4QiEQy8dj8MgEBevONyEdZoElQWQt0vmCMIbDLUBjz7RQw7JMDG",
    "dwXc3xzmzMkVtyQzwoYAjhkbnYYUN/jpb5Cy9sTl9/KuyEC3BXS1gAHkrNYFXUnx",
    "qeICa0+u4nRBZDQM25V1etASxG1ILNflQNkYEIrQlC4iCwEhfP/9ksGCh6p+98/E",
    "/KdP4bv+P+uvJJ2MgH6soPiUwobgjvDyZP9aB9eATsluuCElaHYO8tLCFVyMHlx6",
    "Agh77DoOfNhJ1DdP1Gu1nJWgVMft1NVSDDjqgA3KEYkAuuFVW48+p32TPx9mK1Mw",
    "Xvl0c60vAgMBAAECggEAORJyjbqSaW9vilLBfJMWxcxBgaJ3f7a4hnLhlpVwLLZR",
    "+MxlgsOfPdSxfsg4ZFK2EfiWMvwhOl4xPUS+EqjTE+JF64eNsj7uNInkm23Re+xB",
    "1TxvPDxDMDEZJNlV2Hwi/WKTn17jhs6rO5rDmMhytb3LU5jtB6F74eKKlO2LKzU1",
    "XDquZA2uiLqwKAu8QVOj1/gzN9Lmw1PklS979PQ0+5MVmBifbFFYOq0vi8XhaXUZ",
    "F8kQQ0aJ19Mgrgqu7WU0U1VTxy+Y9j32QhK9fBiyYRFqAf0nvTVGh4SeF/UNAFQE",
    "Lil7TWEWTsj0IJmpmLbTxqAVDwncgCoWfyLYNuzdmQKBgQD1Wnm0DYRoo1K7kfzD",
    "MnTgwzHZu1NuEwdMl0llJlzn/Sng/jQk12Z85tbzQUxZ/HwpdMA29j6dQHwoa4ED",
    "ix4gEAW+MhXzKEwek0OO+jnQ/dMDfK38iWc4UvBY7WeTmhtzDHfgI+mt/TmXptOG",
    "Jw9Q9O6RKxA9imyNX/hSjg8QhQKBgQDeG0qyqQSzqVNxRRjqvb6pCBz+kH51eOlN",
    "RTbge20NPHwc6jkqYgPtHOEcM1+axNQ5e+SgHWdkUhQnsLBGld+4ffoTHNXQT5mW",
    "pLcb4roU4twq6mNLTl++C8dE5KZpeI41B/DmWWXvcT3UCz8MAUHoC3RdOyonZeYZ",
    "wpHQ76wvIwKBgQDocuFe7neF00ZsorEAFeuZjhTKnak7XhfKPoKwrBnVSIrGuM+a",
    "H+DfcKwxJqo5jvXrKMt6xu0nepKmkMNYIhNWeReXzEfzaThEt2yIJxVjpTan1RXZ",
    "biw2to0zEyjQNG7RHvzrg9q+lmxb+xfnv1XJc2QacNwgEecqQcQ4IpKvKQKBgQDJ",
    "cLlD5rVj+Qu77K5XoLX+emRJoWWAR6RZN5A48tiKK7RpSSmFvhXPhOTJ/fIU3bWZ",
    "WTuW2HRAcYzkHoURz7ZzjpYzpXBqmPc0wLluKikY7lQ+/AwIbdG5/NbDLhmcCQH5",
    "KPWdBbHFA9DOs1CAI9fRjCoCsLlfuDSEYop7lBR3PwKBgQDOa4/16YZCYrFANSAU",
    "5myzo3gslPGU+LCbpeQFJHLNIGBwlRyHcZSQUM5ShlrZyPMWkye4TiA+CaXggEyn",
    "tN2QdyR/4jzpRFufXbJrnIQRglLfrTqhoeo6Lp4PcYQRHuAC2j2XvZVSnUKvBvgA",
    "Ag+qQNOHHqK+i6mCZaZiYFjT+g==",
    "-----END PRIVATE KEY-----",
  ].join("\n");
const RSA_PUBLIC = [
    "-----BEGIN PUBLIC KEY-----",
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA1N6drFvKJsCm0RrvqGqy",
    "fSM0SceEIhEMvHY/DIBAXrzjchHWaBJUFkLdL5gjCGwy1AY8+0UMOyTAxncF3N8c",
    "5szJFbckM8KGAI4ZG52GFDf46W+QsvbE5ffyrshAtwV0tYAB5KzWBV1J8aniAmtP",
    "ruJ0QWQ0DNuVdXrQEsRtSCzX5UDZGBCK0JQuIgsBIXz//ZLBgoeqfvfPxPynT+G7",
    "/j/rrySdjIB+rKD4lMKG4I7w8mT/WgfXgE7JbrghJWh2DvLSwhVcjB5cegIIe+w6",
    "DnzYSdQ3T9RrtZyVoFTH7dTVUgw46oANyhGJALrhVVuPPqd9kz8fZitTMF75dHOt",
    "LwIDAQAB",
    "-----END PUBLIC KEY-----",
  ].join("\n");

/**
 * Credentials the replay exchange accepts unless told otherwise. They guard nothing of value (the
 * exchange listens on 127.0.0.1 and trades simulated money) but let a client sign requests exactly
 * as it does against Binance: HMAC with apiKey + apiSecret, or with one of the two test key pairs
 * (RSA 2048 and Ed25519, generated for this exchange and published here on purpose; Ed25519 is the
 * only type `session.logon` accepts, as on Binance). All three keys belong to the one replay account.
 */
export const REPLAY_CREDENTIALS: Readonly<{ apiKey: string; apiSecret: string; ed25519: Readonly<ReplayKeyPair>; rsa: Readonly<ReplayKeyPair> }> = Object.freeze({
  apiKey: "replay-api-key-0000000000000000",
  apiSecret: "replay-api-secret-000000000000000",
  ed25519: Object.freeze({ apiKey: "replay-ed25519-api-key-000000000000", privateKey: ED25519_PRIVATE, publicKey: ED25519_PUBLIC }),
  rsa: Object.freeze({ apiKey: "replay-rsa-api-key-00000000000000000", privateKey: RSA_PRIVATE, publicKey: RSA_PUBLIC }),
});

const timeInput = z.union([z.number().int(), z.string().min(1), z.date()]);
const timeframes = Object.keys(TIMEFRAME_MS) as [Timeframe, ...Timeframe[]];
const barSchema = z.object({
  ts: z.number(),
  open: z.number(),
  high: z.number(),
  low: z.number(),
  close: z.number(),
  volume: z.number(),
  quoteVolume: z.number().optional(),
  trades: z.number().optional(),
  takerBuyVolume: z.number().optional(),
  takerBuyQuoteVolume: z.number().optional(),
});

/** Options of startReplayExchange. Every default is here. */
export const replayOptionsSchema = z.strictObject({
  /** Symbols to replay (each needs bars in the range and an entry in the filters file). */
  symbols: z.array(z.string().min(1)).min(1),
  /** Bar length served and streamed. Default "1m". */
  timeframe: z.enum(timeframes).default("1m"),
  /** First replayed bar (open time, inclusive): epoch ms or ISO 8601 (a bare date is 00:00 UTC). */
  from: timeInput,
  /** End of the replay (open time, exclusive). */
  to: timeInput,
  /** Market time per wall time: 1 = real time, 10 000 = a day of 1m bars in about 9 s. Default 1000. */
  speed: z.number().min(1).max(100_000).default(1000),
  /** TCP port on 127.0.0.1; 0 picks a free one. Default 0. */
  port: z.number().int().min(0).max(65_535).default(0),
  /** Bars before `from` served by the klines endpoint (for indicator warm-up). Default 1000. */
  warmupBars: z.number().int().min(0).default(1000),
  /** Data venue partition of data/bars to read. Default "binance". */
  dataVenue: z.string().min(1).default("binance"),
  /** data/ folder. Default: the data layer's default ($TRADELAB_DATA_DIR or ./data). */
  dataDir: z.string().min(1).optional(),
  /** Bars given directly instead of read from data/ (tests, notebooks): symbol -> ascending bars. */
  bars: z.record(z.string(), z.array(barSchema)).optional(),
  /** Execution simulation (fees, slippage, latency, fills, filters): the config/execution schema. */
  sim: executionSchema.prefault({}),
  /** Folder the sim config's file paths are relative to. Default: the working directory. */
  simRoot: z.string().min(1).optional(),
  /** Seed of every random draw of the simulation (latency, intrabar paths). Default 0. */
  seed: z.number().int().default(0),
  /** Starting balances per asset. Default { USDT: 10 000 }. */
  balances: z.record(z.string(), z.number().min(0)).default({ USDT: 10_000 }),
  /** API key and secret the exchange accepts. Default REPLAY_CREDENTIALS. */
  apiKey: z.string().min(1).default(REPLAY_CREDENTIALS.apiKey),
  apiSecret: z.string().min(1).default(REPLAY_CREDENTIALS.apiSecret),
  /**
   * RSA or Ed25519 API keys of the account: the API key and its public key (SPKI PEM); the type is
   * read from the key. Default: the REPLAY_CREDENTIALS Ed25519 and RSA test keys.
   */
  publicKeys: z
    .array(z.strictObject({ apiKey: z.string().min(1), publicKey: z.string().min(1) }))
    .default([
      { apiKey: REPLAY_CREDENTIALS.ed25519.apiKey, publicKey: REPLAY_CREDENTIALS.ed25519.publicKey },
      { apiKey: REPLAY_CREDENTIALS.rsa.apiKey, publicKey: REPLAY_CREDENTIALS.rsa.publicKey },
    ]),
  /**
   * After each bar, wall ms during which the exchange waits for the client's requests before the
   * next bar (the next bar also waits while any request is in flight). A client that answers each
   * bar within this window gets the same fills on every run. Default 5.
   */
  settleMs: z.number().min(0).default(5),
  /**
   * When pacing starts: "on-subscribe" (default) when the first kline stream connects, so a client
   * can warm up first; true at once; false only on resume() (or bar by bar with step()).
   */
  autoStart: z.union([z.boolean(), z.literal("on-subscribe")]).default("on-subscribe"),
  /** Server ping frames on every WebSocket, wall ms (Binance pings every 20 s). Default 20 000. */
  pingIntervalMs: z.number().int().min(0).default(20_000),
  /**
   * Wall ms after which the exchange disconnects a WebSocket (market streams and WebSocket API),
   * as Binance does after 24 hours. Default 86 400 000.
   */
  maxConnectionAgeMs: z.number().int().min(1).default(24 * 60 * 60_000),
});

export type ReplayOptionsInput = z.input<typeof replayOptionsSchema>;
export type ReplayConfig = z.output<typeof replayOptionsSchema>;

/** What startReplayExchange accepts: the options plus injected collaborators. */
export interface StartReplayOptions extends ReplayOptionsInput {
  /** Wall clock that paces the replay. Default: the system clock. */
  clock?: Clock;
  logger?: LogSink;
}

export type ReplayBarsInput = Record<string, Bar[]>;
