import { OrderError } from "./errors";
import type { Side } from "./market";

export type OrderType = "market" | "limit";
/** GTC rests until cancelled; IOC fills what it can now and cancels the rest; FOK fills entirely now or not at all. */
export type TimeInForce = "GTC" | "IOC" | "FOK";

/**
 * Order lifecycle:
 *
 *   created -> submitted -> accepted -> partially_filled -> filled
 *                 |            |  \           |
 *                 v            v   \          v
 *              rejected    cancelling -> canceled      (expired from accepted/partially_filled)
 *
 * `filled`, `canceled`, `rejected` and `expired` are terminal.
 */
export type OrderStatus =
  | "created"
  | "submitted"
  | "accepted"
  | "partially_filled"
  | "filled"
  | "cancelling"
  | "canceled"
  | "rejected"
  | "expired";

const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  created: ["submitted", "rejected"],
  submitted: ["accepted", "rejected", "partially_filled", "filled", "canceled", "expired"],
  accepted: ["partially_filled", "filled", "cancelling", "canceled", "expired"],
  partially_filled: ["partially_filled", "filled", "cancelling", "canceled", "expired"],
  cancelling: ["canceled", "filled", "partially_filled"],
  filled: [],
  canceled: [],
  rejected: [],
  expired: [],
};

export const TERMINAL_STATUSES: readonly OrderStatus[] = ["filled", "canceled", "rejected", "expired"];

export function isTerminal(s: OrderStatus): boolean {
  return TERMINAL_STATUSES.includes(s);
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** What a strategy or the signal runner asks for. */
export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  type: OrderType;
  qty: number;
  /** Limit price; required for limit orders, absent for market orders. */
  price?: number;
  timeInForce: TimeInForce;
  /** Reduce-only orders may only shrink an existing position. */
  reduceOnly?: boolean;
}

/** An order as tracked over its life. */
export interface Order extends OrderRequest {
  status: OrderStatus;
  filledQty: number;
  /** Volume-weighted average fill price, 0 while nothing is filled. */
  avgPrice: number;
  createdTs: number;
  updatedTs: number;
  venueOrderId?: string;
  rejectReason?: string;
}

/** Validates a request; throws OrderError (ORDER_INVALID) naming the bad field. */
export function validateOrderRequest(r: OrderRequest): void {
  const fail = (msg: string) => {
    throw new OrderError("ORDER_INVALID", `order ${r.clientOrderId} (${r.symbol}): ${msg}`, {
      details: { clientOrderId: r.clientOrderId, symbol: r.symbol },
    });
  };
  if (!r.clientOrderId) fail("clientOrderId is empty");
  if (!r.symbol) fail("symbol is empty");
  if (r.side !== "buy" && r.side !== "sell") fail(`side must be buy or sell, got ${String(r.side)}`);
  if (!Number.isFinite(r.qty) || r.qty <= 0) fail(`qty must be a positive finite number, got ${r.qty}`);
  if (r.type === "limit") {
    if (r.price === undefined || !Number.isFinite(r.price) || r.price <= 0) fail(`limit price must be positive and finite, got ${r.price}`);
  } else if (r.type === "market") {
    if (r.price !== undefined) fail("market orders take no price");
  } else {
    fail(`unknown order type ${String(r.type)}`);
  }
  if (!["GTC", "IOC", "FOK"].includes(r.timeInForce)) fail(`unknown time in force ${String(r.timeInForce)}`);
}

export function createOrder(r: OrderRequest, ts: number): Order {
  validateOrderRequest(r);
  return { ...r, status: "created", filledQty: 0, avgPrice: 0, createdTs: ts, updatedTs: ts };
}

/** Returns a new order in status `to`; throws ORDER_TRANSITION when the state machine forbids it. */
export function transition(o: Order, to: OrderStatus, ts: number, patch: Partial<Pick<Order, "venueOrderId" | "rejectReason">> = {}): Order {
  if (!canTransition(o.status, to)) {
    throw new OrderError("ORDER_TRANSITION", `order ${o.clientOrderId}: cannot go from ${o.status} to ${to}`, {
      details: { clientOrderId: o.clientOrderId, from: o.status, to },
    });
  }
  return { ...o, ...patch, status: to, updatedTs: ts };
}

/** Applies a fill of `qty` at `price`; moves to partially_filled or filled. Overfills throw. */
export function applyFill(o: Order, qty: number, price: number, ts: number): Order {
  if (!(qty > 0) || !Number.isFinite(price) || price <= 0) {
    throw new OrderError("ORDER_INVALID", `order ${o.clientOrderId}: bad fill qty=${qty} price=${price}`);
  }
  const filled = o.filledQty + qty;
  const tol = 1e-9 * Math.max(1, o.qty);
  if (filled > o.qty + tol) {
    throw new OrderError("ORDER_INVALID", `order ${o.clientOrderId}: fill of ${qty} overfills (${filled} > ${o.qty})`);
  }
  const done = filled >= o.qty - tol;
  const next = transition(o, done ? "filled" : "partially_filled", ts);
  return { ...next, filledQty: done ? o.qty : filled, avgPrice: (o.avgPrice * o.filledQty + price * qty) / filled };
}

export function remainingQty(o: Order): number {
  return Math.max(0, o.qty - o.filledQty);
}
