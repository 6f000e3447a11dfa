import type { z } from "zod";
import type { Timeframe } from "../core/bar";
import type { Clock } from "../core/clock";
import type { AssetClass } from "../core/instrument";
import type { OrderType, TimeInForce } from "../core/order";
import type { ExchangeInfoPort } from "../core/ports/exchange-info.port";
import type { ExecutionPort } from "../core/ports/execution.port";
import type { MarketDataPort } from "../core/ports/market-data.port";
import type { Rng } from "../core/rng";
import type { LogSink } from "../infra/http/logger";

/**
 * What a venue can do. Shared code branches on these flags, never on a venue's name (STYLE rule 3).
 */
export interface VenueCapabilities {
  /** Registry name, e.g. "binance-testnet". */
  name: string;
  /** Wire protocol family: "binance", "alpaca", "polygon", "yahoo". */
  protocol: string;
  assetClass: AssetClass;
  marketData: boolean;
  execution: boolean;
  exchangeInfo: boolean;
  /** Timeframes served as bars (history and, when streamingBars, live). */
  timeframes: readonly Timeframe[];
  streamingBars: boolean;
  /** Order and fill updates pushed by the venue (otherwise the caller polls). */
  userDataStream: boolean;
  orderTypes: readonly OrderType[];
  timeInForce: readonly TimeInForce[];
  /** Whether a position can go below zero. */
  shortSelling: boolean;
  reduceOnly: boolean;
  fractionalQty: boolean;
  /** Most bars one history request returns; adapters page beyond it. */
  historyPageLimit: number;
  /** Which ports need API credentials. */
  credentials: { marketData: boolean; execution: boolean };
  /** False for testnets, paper accounts and the replay exchange. */
  realMoney: boolean;
  /** True when fills come from a simulator (the replay exchange). */
  simulated: boolean;
  tradingHours: "24/7" | "exchange-sessions";
}

/** Injected collaborators every adapter may use. Defaults are filled in by the registry. */
export interface VenueDeps {
  /** Source of "now" (venue code never reads the wall clock). Default: the system clock. */
  clock: Clock;
  /** Structured logger (pino-compatible). Default: silent. Credentials never reach it. */
  logger: LogSink;
  /** Randomness for backoff jitter; absent means the infra default. Pass a SeededRng for reproducible tests. */
  rng?: Rng;
  /** Waits between retries; absent means a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * One registrable venue. `configSchema` parses the user's config (strict zod: unknown keys are
 * errors, defaults live in the schema); the factories receive the parsed, frozen result.
 */
export interface VenueDefinition<C = unknown> {
  name: string;
  description: string;
  capabilities: VenueCapabilities;
  configSchema: z.ZodType<C>;
  createMarketData?(cfg: Readonly<C>, deps: VenueDeps): MarketDataPort;
  createExecution?(cfg: Readonly<C>, deps: VenueDeps): ExecutionPort;
  createExchangeInfo?(cfg: Readonly<C>, deps: VenueDeps): ExchangeInfoPort;
}
