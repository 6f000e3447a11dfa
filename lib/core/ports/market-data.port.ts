import type { Bar, Timeframe } from "../bar";
import type { BarEvent, ConnectionEvent } from "../events";

export interface HistoryRequest {
  symbol: string;
  timeframe: Timeframe;
  /** Inclusive start, ms UTC (bar open time). */
  from: number;
  /** Exclusive end, ms UTC. */
  to: number;
}

/** A live subscription; `close()` stops it and resolves when the stream is closed. */
export interface Subscription {
  close(): Promise<void>;
}

export interface BarSubscriptionHandlers {
  onBar(e: BarEvent): void;
  onConnection?(e: ConnectionEvent): void;
  onError?(e: Error): void;
}

/** Historical and streaming bars from a venue or data source. */
export interface MarketDataPort {
  readonly venue: string;
  /** Closed bars in [from, to), ascending, paged as the venue requires. */
  history(req: HistoryRequest): Promise<Bar[]>;
  /** Closed bars as they complete; gaps during disconnects are backfilled before new bars are emitted. */
  subscribeBars(symbols: readonly string[], timeframe: Timeframe, handlers: BarSubscriptionHandlers): Promise<Subscription>;
}
