import type { Bar, Timeframe } from "./bar";
import type { Fill } from "./fill";
import type { Order } from "./order";

/** A closed bar from a market data stream. */
export interface BarEvent {
  type: "bar";
  venue: string;
  symbol: string;
  timeframe: Timeframe;
  bar: Bar;
}

/** An order changed state at the venue. */
export interface OrderEvent {
  type: "order";
  order: Order;
}

export interface FillEvent {
  type: "fill";
  fill: Fill;
}

/** The stream dropped or came back; `gapFrom` is the first bar ts that may have been missed. */
export interface ConnectionEvent {
  type: "connection";
  state: "connected" | "disconnected" | "reconnected";
  gapFrom?: number;
  reason?: string;
}

export type VenueEvent = BarEvent | OrderEvent | FillEvent | ConnectionEvent;
