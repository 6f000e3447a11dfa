import type { Order, OrderRequest } from "../order";
import type { Fill } from "../fill";
import type { Result } from "../result";
import type { TradelabError } from "../errors";
import type { Subscription } from "./market-data.port";
import type { FillEvent, OrderEvent, ConnectionEvent } from "../events";

/** Venue-side balances and positions, in the venue's own terms converted to ours. */
export interface VenuePosition {
  symbol: string;
  qty: number;
  avgPrice?: number;
}

export interface Balance {
  asset: string;
  free: number;
  locked: number;
}

export interface ExecutionHandlers {
  onOrder?(e: OrderEvent): void;
  onFill?(e: FillEvent): void;
  onConnection?(e: ConnectionEvent): void;
  onError?(e: Error): void;
}

/** An order whose request got no answer: where and between which venue times (ms) it may have left. */
export interface OrderLookup {
  symbol: string;
  clientOrderId: string;
  /** The request was signed at or after this time. */
  sentAfter: number;
  /** ...and at or before this one (default: sentAfter). */
  sentBefore?: number;
}

/**
 * What the venue says about an order whose request got no answer. found: it exists (with the fills
 * known so far); absent: it was never placed (the request can no longer reach the matching engine and
 * neither the order nor a trade of it shows); unknown: the venue cannot tell yet (ask again later).
 */
export type OrderResolution =
  | { outcome: "found"; order: Order; fills: Fill[] }
  | { outcome: "absent" }
  | { outcome: "unknown"; reason: string };

/** Order entry and account state at a venue (or the simulator). */
export interface ExecutionPort {
  readonly venue: string;
  /**
   * Submits an order; never sends it twice. When the request's outcome stays unknown (no answer, and
   * the venue cannot tell yet whether the order exists) the error is ORDER_OUTCOME_UNKNOWN: the
   * caller resolves it later with `resolveOrder`, never by submitting again.
   */
  submit(req: OrderRequest): Promise<Result<Order, TradelabError>>;
  cancel(symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>>;
  getOrder(symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>>;
  openOrders(symbol?: string): Promise<Order[]>;
  positions(): Promise<VenuePosition[]>;
  balances(): Promise<Balance[]>;
  /** Order updates and fills as they happen. */
  subscribe(handlers: ExecutionHandlers): Promise<Subscription>;
  /** Fills since a ts, for reconciliation after a restart. */
  fillsSince?(symbol: string, ts: number): Promise<Fill[]>;
  /** Finds out what became of an order request that got no answer (order lookup and trade history). */
  resolveOrder?(q: OrderLookup): Promise<OrderResolution>;
}
