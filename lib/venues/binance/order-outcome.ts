import type { TradelabError } from "../../core/errors";
import type { Fill } from "../../core/fill";
import type { Order } from "../../core/order";
import type { OrderLookup, OrderResolution } from "../../core/ports/execution.port";
import type { Result } from "../../core/result";

/**
 * How long and how often an order with an unknown outcome is looked up before its absence is
 * believed. Lookups read from memory then a database ("Memory => Database", rest-api.md) and can lag
 * the matching engine, so one -2013 "Order does not exist" proves nothing.
 */
export interface OutcomePolicy {
  /** Lookups by clientOrderId before concluding (at least one after the window closed). */
  lookups: number;
  /** Smallest pause between two lookups, ms. */
  intervalMs: number;
  /** Margin after timestamp + recvWindow (venue time) before absence may be concluded, ms. */
  graceMs: number;
  /** The recvWindow the requests were signed with, ms. */
  recvWindowMs: number;
}

/** A trade of the account (GET myTrades), reduced to what attribution needs. */
export interface AccountTrade {
  id: number;
  orderId: number;
}

/** The venue calls the resolution needs; BinanceExecution supplies them. */
export interface OutcomeVenue {
  /** Venue time, ms. */
  now(): number;
  wait(ms: number): Promise<void>;
  byClientId(symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>>;
  byOrderId(symbol: string, orderId: number): Promise<Result<Order, TradelabError>>;
  /** Account trades of `symbol` with from <= time <= to (paged). */
  tradesBetween(symbol: string, from: number, to: number): Promise<AccountTrade[]>;
  /** The fills of one order (GET myTrades by orderId). */
  fillsOfOrder(symbol: string, orderId: number, clientOrderId: string): Promise<Fill[]>;
  /** Client id of a venue order id this process already knows. */
  knownClientId(symbol: string, venueOrderId: string): string | undefined;
}

/** myTrades accepts at most 24 hours between startTime and endTime (rest-api.md). */
const MAX_TRADE_SPAN = 24 * 3_600_000 - 1;
/** Venue clocks and the request's timestamp may disagree by this much, ms. */
const CLOCK_SLACK = 1_000;

const isNotFound = (e: TradelabError): boolean => e.details.notFound === true || e.code === "ORDER_NOT_FOUND";

/**
 * What became of an order request that got no answer. The order is looked up by its clientOrderId
 * right away (a found order ends it); "absent" needs every lookup to say -2013, the last of them after
 * the request can no longer reach the matching engine (timestamp + recvWindow + grace, venue time:
 * the venue re-checks recvWindow just before forwarding to the engine), and no trade in the account's
 * history of the window that could be this order. Anything less certain is "unknown".
 */
export async function resolveOrderOutcome(v: OutcomeVenue, q: OrderLookup, p: OutcomePolicy): Promise<OrderResolution> {
  const windowEnd = (q.sentBefore ?? q.sentAfter) + p.recvWindowMs + p.graceMs;
  const failures: string[] = [];
  // at most lookups + 1 queries: the extra one once the window has closed, should the spaced ones end early
  for (let i = 0; i <= p.lookups; i++) {
    const r = await v.byClientId(q.symbol, q.clientOrderId);
    if (r.ok) return found(v, r.value);
    if (!isNotFound(r.error)) failures.push(`${r.error.code}: ${r.error.message}`);
    const left = p.lookups - 1 - i;
    const toEnd = windowEnd - v.now();
    if ((left <= 0 && toEnd <= 0) || i === p.lookups) break;
    await v.wait(left > 0 ? Math.max(p.intervalMs, Math.ceil(toEnd / left)) : toEnd);
  }
  // a venue clock that has not moved on (a paused simulation) cannot rule out a late arrival yet
  if (v.now() < windowEnd) return { outcome: "unknown", reason: "the request's recvWindow has not passed at the venue yet" };
  let trades: AccountTrade[];
  try {
    const from = Math.max(0, q.sentAfter - CLOCK_SLACK);
    trades = await v.tradesBetween(q.symbol, from, Math.min(v.now(), from + MAX_TRADE_SPAN));
  } catch (e) {
    return { outcome: "unknown", reason: `trade history unavailable: ${(e as Error).message}` };
  }
  for (const t of trades) {
    const cid = v.knownClientId(q.symbol, String(t.orderId));
    if (cid !== undefined && cid !== q.clientOrderId) continue;
    const o = await v.byOrderId(q.symbol, t.orderId);
    if (o.ok && o.value.clientOrderId === q.clientOrderId) return found(v, o.value);
    if (!o.ok) return { outcome: "unknown", reason: `trade ${t.id} of order ${t.orderId} cannot be attributed (${o.error.code}: ${o.error.message})` };
  }
  if (failures.length > 0) return { outcome: "unknown", reason: `order lookups failed: ${failures[failures.length - 1]}` };
  return { outcome: "absent" };
}

async function found(v: OutcomeVenue, order: Order): Promise<OrderResolution> {
  const id = Number(order.venueOrderId);
  if (!(order.filledQty > 0) || !Number.isSafeInteger(id)) return { outcome: "found", order, fills: [] };
  try {
    return { outcome: "found", order, fills: await v.fillsOfOrder(order.symbol, id, order.clientOrderId) };
  } catch {
    return { outcome: "found", order, fills: [] }; // the order is known; its fills are caught up later
  }
}
