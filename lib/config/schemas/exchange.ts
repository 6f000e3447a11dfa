import { z } from "zod";
import { httpUrlSchema, instantSchema, instantToMs, portSchema, secretSchema, symbolListSchema, timeframeSchema, wsUrlSchema } from "./common";

/**
 * The venue (`exchange:`): where market data comes from and orders go. `venue` selects the variant.
 * Base URLs are optional overrides: each venue adapter owns its documented defaults (spot/futures,
 * testnet, paper). Keys come from the environment, quoted: `apiKey: "${BINANCE_API_KEY:-}"`; an empty
 * value means "not set" (market data needs no key on Binance; execution does).
 * Field names match the venue adapters' option schemas, and `options:` carries any further adapter
 * setting (retries, backoff, rate limits) to the adapter, which validates it strictly.
 */

export const VENUES = [
  "replay",
  "binance",
  "binance-testnet",
  "binance-futures",
  "binance-futures-testnet",
  "alpaca-paper",
  "alpaca",
  "polygon",
  "yahoo",
] as const;
export type VenueName = (typeof VENUES)[number];

const common = {
  /** Symbols to trade or stream, as the venue spells them. */
  symbols: symbolListSchema,
  /** Bar timeframe the strategy runs on. */
  timeframe: timeframeSchema.default("1m"),
  /** Further adapter settings, passed through and validated by the venue adapter. */
  options: z.record(z.string(), z.unknown()).default({}),
};

/** Binance signs requests with timestamp + recvWindow; the server rejects requests older than that. */
const recvWindowMs = z.int().min(1).max(60_000).optional();

export const binanceExchangeSchema = z.strictObject({
  venue: z.enum(["binance", "binance-testnet", "binance-futures", "binance-futures-testnet"]),
  restBaseUrl: httpUrlSchema.optional(),
  /** Streams host, without /ws or /stream. */
  wsBaseUrl: wsUrlSchema.optional(),
  /** WebSocket API endpoint (user data stream), e.g. wss://ws-api.binance.com:443/ws-api/v3. */
  wsApiBaseUrl: wsUrlSchema.optional(),
  apiKey: secretSchema,
  /** hmac | rsa | ed25519 (Ed25519 recommended; needed for session.logon). Default hmac. */
  keyType: z.enum(["hmac", "rsa", "ed25519"]).optional(),
  /** HMAC secret key, or the PEM private key text of an rsa/ed25519 key: `"${BINANCE_API_SECRET:-}"`. */
  apiSecret: secretSchema,
  /** rsa/ed25519: path of the PEM private key file (instead of apiSecret). */
  privateKeyPath: z.string().min(1).optional(),
  /** Passphrase of an encrypted PEM private key: `"${BINANCE_KEY_PASSPHRASE:-}"`. */
  privateKeyPassphrase: secretSchema,
  /** User data stream authentication: auto (logon for Ed25519) | logon | signature. */
  userStreamAuth: z.enum(["auto", "logon", "signature"]).optional(),
  recvWindowMs,
  ...common,
});

export const alpacaExchangeSchema = z.strictObject({
  venue: z.enum(["alpaca", "alpaca-paper"]),
  /** Trading REST API (account, positions, orders, clock). */
  tradingBaseUrl: httpUrlSchema.optional(),
  /** trade_updates stream. */
  tradingStreamUrl: wsUrlSchema.optional(),
  /** Market data REST API (bars). */
  dataBaseUrl: httpUrlSchema.optional(),
  /** Market data stream base; the adapter appends the feed. */
  dataStreamUrl: wsUrlSchema.optional(),
  /** iex (free) or sip (consolidated tape, paid plan). */
  feed: z.enum(["iex", "sip"]).optional(),
  apiKey: secretSchema,
  apiSecret: secretSchema,
  ...common,
});

export const polygonExchangeSchema = z.strictObject({
  venue: z.literal("polygon"),
  restBaseUrl: httpUrlSchema.optional(),
  wsBaseUrl: wsUrlSchema.optional(),
  apiKey: secretSchema,
  ...common,
});

export const yahooExchangeSchema = z
  .strictObject({
    venue: z.literal("yahoo"),
    restBaseUrl: httpUrlSchema.optional(),
    ...common,
  })
  .refine((e) => e.timeframe !== "4h", { message: "Yahoo has no 4h interval (use 1h or 1d)", path: ["timeframe"] });

/** The local replay exchange: Binance protocol on loopback, real bars from data/, fills by lib/sim. */
export const replayExchangeSchema = z
  .strictObject({
    venue: z.literal("replay"),
    host: z.string().min(1).default("127.0.0.1"),
    /** 0 = any free port (the runner connects to whatever was bound). */
    port: portSchema.default(0),
    /** Which venue's bars under data/bars/venue=<dataVenue>/ to replay. */
    dataVenue: z.string().regex(/^[a-z0-9_-]+$/, { message: "expected a lower-case venue folder name such as binance or binance_um" }).default("binance"),
    /** First bar to replay (inclusive); absent = the first bar in data/. */
    from: instantSchema.optional(),
    /** Replay stops before this instant; absent = the last bar. */
    to: instantSchema.optional(),
    /** Starting balances per asset. */
    balances: z.record(z.string().regex(/^[A-Z0-9]{2,12}$/, { message: "expected an asset code such as USDT" }), z.number().min(0)).default({ USDT: 10_000 }),
    /** The replay server accepts any key; set them to exercise request signing end to end. */
    apiKey: secretSchema,
    apiSecret: secretSchema,
    recvWindowMs,
    ...common,
  })
  .refine((e) => e.from === undefined || e.to === undefined || instantToMs(e.from) < instantToMs(e.to), { message: "'to' must be after 'from'", path: ["to"] });

export const exchangeSchema = z.discriminatedUnion("venue", [
  replayExchangeSchema,
  binanceExchangeSchema,
  alpacaExchangeSchema,
  polygonExchangeSchema,
  yahooExchangeSchema,
]);
export type ExchangeConfig = z.infer<typeof exchangeSchema>;
