import { isTerminal, type Order, type OrderRequest, type OrderStatus } from "../../core/order";
import type { FillContext } from "./parse";

const RANK: Record<OrderStatus, number> = {
  created: 0,
  submitted: 1,
  accepted: 2,
  partially_filled: 3,
  cancelling: 4,
  filled: 5,
  canceled: 5,
  rejected: 5,
  expired: 5,
};

interface Tracked {
  order?: Order;
  request?: OrderRequest;
  submittedTs?: number;
}

/**
 * What this process knows about its orders, so that updates arriving twice, late or out of order
 * (REST response vs stream, reconnect replays) are applied once and never move an order backwards.
 * An update is newer when it has more filled quantity, or the same quantity and a later lifecycle
 * stage; nothing follows a terminal state.
 */
export class OrderTracker {
  private readonly byClientId = new Map<string, Tracked>();
  private readonly clientIdByVenueId = new Map<string, string>();
  private readonly seenTrades = new Set<string>();
  private readonly tradeOrder: string[] = [];
  /** Client ids in the order they reached a terminal state (oldest first), for pruning. */
  private finished: string[] = [];

  /**
   * Finished orders beyond `maxFinishedOrders` are forgotten, oldest first, so a long-running process
   * keeps a bounded memory; open orders are never dropped.
   */
  constructor(
    private readonly maxRememberedTrades = 50_000,
    private readonly maxFinishedOrders = 10_000,
  ) {}

  noteSubmitted(req: OrderRequest, ts: number): void {
    const t = this.byClientId.get(req.clientOrderId) ?? {};
    t.request = req;
    t.submittedTs ??= ts;
    this.byClientId.set(req.clientOrderId, t);
  }

  /** Records the update; returns true when it is new information (to be emitted). */
  apply(o: Order): boolean {
    const t = this.byClientId.get(o.clientOrderId) ?? {};
    this.byClientId.set(o.clientOrderId, t);
    if (o.venueOrderId !== undefined) this.clientIdByVenueId.set(`${o.symbol}:${o.venueOrderId}`, o.clientOrderId);
    const prev = t.order;
    if (prev && !isNewer(prev, o)) return false;
    t.order = o;
    if (isTerminal(o.status) && !(prev && isTerminal(prev.status))) this.noteFinished(o.clientOrderId);
    return true;
  }

  /** Known orders (open and remembered finished ones). */
  get size(): number {
    return this.byClientId.size;
  }

  private noteFinished(clientOrderId: string): void {
    this.finished.push(clientOrderId);
    if (this.finished.length <= this.maxFinishedOrders) return;
    const drop = this.finished.length - this.maxFinishedOrders;
    for (const id of this.finished.slice(0, drop)) {
      const o = this.byClientId.get(id)?.order;
      if (!o || !isTerminal(o.status)) continue;
      this.byClientId.delete(id);
      if (o.venueOrderId !== undefined) this.clientIdByVenueId.delete(`${o.symbol}:${o.venueOrderId}`);
    }
    this.finished = this.finished.slice(drop);
  }

  get(clientOrderId: string): Order | undefined {
    return this.byClientId.get(clientOrderId)?.order;
  }

  clientIdOf(symbol: string, venueOrderId: string): string | undefined {
    return this.clientIdByVenueId.get(`${symbol}:${venueOrderId}`);
  }

  /** Returns true the first time a (symbol, tradeId) is seen. */
  firstSeenTrade(symbol: string, tradeId: string): boolean {
    const key = `${symbol}:${tradeId}`;
    if (this.seenTrades.has(key)) return false;
    this.seenTrades.add(key);
    this.tradeOrder.push(key);
    if (this.tradeOrder.length > this.maxRememberedTrades) this.seenTrades.delete(this.tradeOrder.shift()!);
    return true;
  }

  /** What the venue does not echo back but a Fill records. */
  fillContext(clientOrderId: string): Omit<FillContext, "instrument"> {
    const t = this.byClientId.get(clientOrderId);
    const req = t?.request;
    return { requestedPrice: req?.type === "limit" ? req.price : undefined, submittedTs: t?.submittedTs };
  }

  /** Orders known and not yet terminal. */
  open(): Order[] {
    const out: Order[] = [];
    for (const t of this.byClientId.values()) if (t.order && !isTerminal(t.order.status)) out.push(t.order);
    return out;
  }

  symbols(): string[] {
    const s = new Set<string>();
    for (const t of this.byClientId.values()) {
      const sym = t.order?.symbol ?? t.request?.symbol;
      if (sym) s.add(sym);
    }
    return [...s];
  }
}

const EPS = 1e-12;

export function isNewer(prev: Order, next: Order): boolean {
  if (next.filledQty > prev.filledQty + EPS) return true;
  if (next.filledQty < prev.filledQty - EPS) return false;
  if (isTerminal(prev.status)) return false;
  return RANK[next.status] > RANK[prev.status];
}
