import { isTerminal, type Order } from "../../core/order";

/** An order the runner sent (or adopted at reconciliation), with what its fills accounted for so far. */
export interface TrackedOrder {
  order: Order;
  /** Runner clock when it was sent (or first seen). */
  sentAt: number;
  /** Quantity covered by the distinct fills seen for it. */
  filledByFills: number;
  fillKeys: Set<string>;
}

type Waiter = { cid: string; resolve: () => void };

/**
 * The runner's working orders: latest state per client order id, who is still open, and promises
 * that resolve when an order reaches a terminal state (bounded waits on cancel and flatten).
 */
export class WorkingOrders {
  private readonly byId = new Map<string, TrackedOrder>();
  private waiters: Waiter[] = [];

  /** Records a newer state of an order; returns the tracked entry. */
  upsert(o: Order, now: number): TrackedOrder {
    const t = this.byId.get(o.clientOrderId);
    if (t === undefined) {
      const n: TrackedOrder = { order: o, sentAt: now, filledByFills: 0, fillKeys: new Set() };
      this.byId.set(o.clientOrderId, n);
      this.settle();
      return n;
    }
    // a stale event (older update, or a terminal order reported open again) never moves an order back
    if (!isTerminal(t.order.status) && !(o.updatedTs < t.order.updatedTs && !isTerminal(o.status))) t.order = o;
    else if (isTerminal(o.status) && !isTerminal(t.order.status)) t.order = o;
    this.settle();
    return t;
  }

  /** Counts a fill toward its order once (by fill key), whichever path it came by. */
  noteFill(clientOrderId: string, key: string, qty: number): void {
    const t = this.byId.get(clientOrderId);
    if (t === undefined || t.fillKeys.has(key)) return;
    t.fillKeys.add(key);
    t.filledByFills += qty;
  }

  get(clientOrderId: string): TrackedOrder | undefined {
    return this.byId.get(clientOrderId);
  }

  /** Orders not yet filled, cancelled, rejected or expired. */
  open(symbol?: string): TrackedOrder[] {
    const out: TrackedOrder[] = [];
    for (const t of this.byId.values()) if (!isTerminal(t.order.status) && (symbol === undefined || t.order.symbol === symbol)) out.push(t);
    return out;
  }

  /** Orders whose reported filled quantity is ahead of the fills applied (fills still to fetch). */
  lagging(symbol?: string): TrackedOrder[] {
    const out: TrackedOrder[] = [];
    for (const t of this.byId.values()) if (t.order.filledQty > t.filledByFills + 1e-12 && (symbol === undefined || t.order.symbol === symbol)) out.push(t);
    return out;
  }

  /** Age of the oldest open order at `now`, ms (0 when none). */
  oldestOpenAge(now: number): number {
    let age = 0;
    for (const t of this.open()) age = Math.max(age, now - t.sentAt);
    return age;
  }

  /** Forgets terminal orders older than `before` (keeps memory flat over long runs). */
  prune(before: number): void {
    for (const [id, t] of this.byId) if (isTerminal(t.order.status) && t.order.updatedTs < before && t.sentAt < before) this.byId.delete(id);
  }

  /** Resolves when every listed order is terminal, or after `timeoutMs` (wall) via the given timer. */
  waitTerminal(ids: readonly string[], timeoutMs: number, timer: (ms: number) => Promise<void>): Promise<boolean> {
    const pending = ids.filter((id) => {
      const t = this.byId.get(id);
      return t !== undefined && !isTerminal(t.order.status);
    });
    if (pending.length === 0) return Promise.resolve(true);
    const all = Promise.all(pending.map((cid) => new Promise<void>((resolve) => this.waiters.push({ cid, resolve })))).then(() => true);
    return Promise.race([all, timer(timeoutMs).then(() => false)]);
  }

  private settle(): void {
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      const t = this.byId.get(w.cid);
      if (t !== undefined && isTerminal(t.order.status)) {
        w.resolve();
        return false;
      }
      return true;
    });
  }
}
