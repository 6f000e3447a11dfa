import type { OrderStatus } from "../../core/order";
import { dec } from "./parse";
import type { WireOrderType } from "./exchange-info";

export type WireStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "PENDING_CANCEL" | "REJECTED" | "EXPIRED";

export const STATUS: Record<OrderStatus, WireStatus> = {
  created: "NEW",
  submitted: "NEW",
  accepted: "NEW",
  partially_filled: "PARTIALLY_FILLED",
  filled: "FILLED",
  cancelling: "PENDING_CANCEL",
  canceled: "CANCELED",
  rejected: "REJECTED",
  expired: "EXPIRED",
};

export const isOpen = (s: WireStatus): boolean => s === "NEW" || s === "PARTIALLY_FILLED" || s === "PENDING_CANCEL";

/** An order as the exchange keeps it (Binance fields, numbers unformatted). */
export interface OrderRecord {
  orderId: number;
  clientOrderId: string;
  /** The id the simulator knows the order by (the client id, made unique when a closed one is reused). */
  simId: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: WireOrderType;
  timeInForce: string;
  price: number;
  origQty: number;
  origQuoteOrderQty: number;
  executedQty: number;
  cumQuote: number;
  status: WireStatus;
  time: number;
  updateTime: number;
  /** Client id of the cancel request that ended the order (executionReport c). */
  cancelClientId?: string;
}

export interface TradeRecord {
  id: number;
  orderId: number;
  symbol: string;
  price: number;
  qty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

/** A quote amount on the 8-decimal grid of the wire (price * qty as floats carries noise beyond it). */
export function dec8(x: number): string {
  return (Math.round(x * 1e8) / 1e8).toFixed(8);
}

/** POST /api/v3/order answer (ACK, RESULT or FULL), as rest-api.md "New order" shows it. */
export function newOrderView(o: OrderRecord, kind: "ACK" | "RESULT" | "FULL", transactTime: number, fills: readonly TradeRecord[]): Record<string, unknown> {
  const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime };
  if (kind === "ACK") return ack;
  const result = {
    ...ack, price: dec(o.price), origQty: dec(o.origQty), executedQty: dec8(o.executedQty), origQuoteOrderQty: dec8(o.origQuoteOrderQty),
    cummulativeQuoteQty: dec8(o.cumQuote), status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side, workingTime: o.time,
    selfTradePreventionMode: "NONE",
  };
  if (kind === "RESULT") return result;
  return { ...result, fills: fills.map((t) => ({ price: dec(t.price), qty: dec(t.qty), commission: dec(t.commission), commissionAsset: t.commissionAsset, tradeId: t.id })) };
}

/** GET /api/v3/order and openOrders entries ("Query order"). */
export function queryView(o: OrderRecord): Record<string, unknown> {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, price: dec(o.price), origQty: dec(o.origQty),
    executedQty: dec8(o.executedQty), cummulativeQuoteQty: dec8(o.cumQuote), status: o.status, timeInForce: o.timeInForce, type: o.type,
    side: o.side, stopPrice: dec(0), icebergQty: dec(0), time: o.time, updateTime: o.updateTime, isWorking: isOpen(o.status),
    workingTime: o.time, origQuoteOrderQty: dec8(o.origQuoteOrderQty), selfTradePreventionMode: "NONE",
  };
}

/** DELETE /api/v3/order answer: clientOrderId is the cancel's own id, origClientOrderId the order's. */
export function cancelView(o: OrderRecord, cancelClientId: string, transactTime: number): Record<string, unknown> {
  return {
    symbol: o.symbol, origClientOrderId: o.clientOrderId, orderId: o.orderId, orderListId: -1, clientOrderId: cancelClientId, transactTime,
    price: dec(o.price), origQty: dec(o.origQty), executedQty: dec8(o.executedQty), origQuoteOrderQty: dec8(o.origQuoteOrderQty),
    cummulativeQuoteQty: dec8(o.cumQuote), status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side, selfTradePreventionMode: "NONE",
  };
}

/** executionReport of the user data stream for an order update (x) and, for x=TRADE, its trade. */
export function executionReport(o: OrderRecord, x: string, eventTime: number, ts: number, trade?: TradeRecord): Record<string, unknown> {
  const canceled = x === "CANCELED" && o.cancelClientId !== undefined;
  return {
    e: "executionReport", E: eventTime, s: o.symbol, c: canceled ? o.cancelClientId : o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce,
    q: dec(o.origQty), p: dec(o.price), P: dec(0), F: dec(0), g: -1, C: canceled ? o.clientOrderId : "", x, X: o.status, r: "NONE", i: o.orderId,
    l: dec(trade?.qty ?? 0), z: dec8(o.executedQty), L: dec(trade?.price ?? 0), n: dec(trade?.commission ?? 0), N: trade ? trade.commissionAsset : null,
    T: ts, t: trade?.id ?? -1, I: 0, w: o.status === "NEW" || o.status === "PARTIALLY_FILLED", m: trade?.isMaker ?? false, M: false, O: o.time,
    Z: dec8(o.cumQuote), Y: dec8(trade ? trade.qty * trade.price : 0), Q: dec8(o.origQuoteOrderQty), W: o.time, V: "NONE",
  };
}
