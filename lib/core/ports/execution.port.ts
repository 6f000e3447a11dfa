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

/** Order entry and account state at a venue (or the simulator). */
export interface ExecutionPort {
  readonly venue: string;
  /** Submits an order. Resubmitting the same clientOrderId never creates a second order. */
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
}
