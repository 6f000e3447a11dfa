import { z } from "zod";
import { executionSchema } from "../../config/schemas/execution";
import { TIMEFRAME_MS, type Bar, type Timeframe } from "../../core/bar";
import type { Clock } from "../../core/clock";
import type { LogSink } from "../../infra/http/logger";

/**
 * Credentials the replay exchange accepts unless told otherwise. They guard nothing of value (the
 * exchange listens on 127.0.0.1 and trades simulated money) but let the real Binance adapter sign
 * requests exactly as it does against Binance.
 */
export const REPLAY_CREDENTIALS = Object.freeze({ apiKey: "replay-api-key-0000000000000000", apiSecret: "replay-api-secret-000000000000000" });

const timeInput = z.union([z.number().int(), z.string().min(1), z.date()]);
const timeframes = Object.keys(TIMEFRAME_MS) as [Timeframe, ...Timeframe[]];
const barSchema = z.object({ ts: z.number(), open: z.number(), high: z.number(), low: z.number(), close: z.number(), volume: z.number() });

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
