import type { Clock } from "../../core/clock";
import type { TradelabError } from "../../core/errors";
import { feeValue, type Fill } from "../../core/fill";
import type { Instrument } from "../../core/instrument";
import { isTerminal, type Order, type OrderRequest } from "../../core/order";
import type { ExecutionPort, OrderResolution } from "../../core/ports/execution.port";
import type { Journal } from "../../core/ports/state-store.port";
import type { Result } from "../../core/result";
import type { KillCounter, KillSwitch } from "../../risk/kill-switch";
import type { RiskGuard } from "../../risk/risk-guard";
import { OrderFilters } from "../../sim/filters";
import { fillKey, type AccountBook, type UnknownOrder } from "./account-book";
import type { RunnerLog, RunnerMetrics } from "./ports";
import type { RunStats } from "./types";
import { WorkingOrders } from "./working-orders";

/** Venue answers that mean "the order was refused" (count toward the rejected-orders kill counter). */
const REJECTIONS = new Set(["ORDER_REJECTED", "VENUE_REJECTED", "FILTER_REJECTED", "ORDER_INVALID", "UNKNOWN_SYMBOL"]);

export function killCounterFor(e: TradelabError): KillCounter {
  return REJECTIONS.has(e.code) ? "rejectedOrders" : "restErrors";
}

export interface OrderDeskOptions {
  execution?: ExecutionPort;
  book: AccountBook;
  journal: Journal;
  killSwitch: KillSwitch;
  /** Holds a symbol reduce-only while one of its orders has an unknown outcome. */
  guard?: RiskGuard;
  clock: Clock;
  log: RunnerLog;
  metrics: RunnerMetrics;
  stats: RunStats;
  instruments: ReadonlyMap<string, Instrument>;
  sleep: (ms: number) => Promise<void>;
  /** Called after a new fill was applied to the book. */
  onFillApplied: (f: Fill) => void;
}

/**
 * Everything between a decision and the venue: sending, tracking, synchronising and cancelling
 * orders, applying fills once, journaling each step and counting venue failures for the kill switch.
 */
export class OrderDesk {
  readonly orders = new WorkingOrders();

  constructor(private readonly o: OrderDeskOptions) {}

  get dryRun(): boolean {
    return this.o.execution === undefined;
  }

  /** A fill from the user stream, a REST lookup or reconciliation; applied to the book at most once. */
  onFill(f: Fill, source: string): void {
    this.orders.noteFill(f.clientOrderId, fillKey(f), f.qty);
    if (!this.o.book.applyFill(f)) return;
    const st = this.o.stats;
    st.fills++;
    st.fees += feeValue(f);
    this.o.metrics.inc("tradelab_fills_total", "Fills applied to the book.", 1, { symbol: f.symbol, side: f.side });
    this.o.metrics.inc("tradelab_fees_total", "Fees paid, in the fee asset.", f.fee, { asset: f.feeAsset });
    void this.o.journal.append("fill", { ...f, source });
    this.o.log.debug({ symbol: f.symbol, side: f.side, qty: f.qty, price: f.price, fee: f.fee, clientOrderId: f.clientOrderId, source }, "fill");
    this.o.onFillApplied(f);
  }

  /** An order update from the venue. */
  onOrder(order: Order): void {
    const before = this.orders.get(order.clientOrderId)?.order.status;
    const t = this.orders.upsert(order, this.o.clock.now());
    // the venue reported an order whose outcome was unknown: it exists
    this.release(order.clientOrderId, { outcome: "found", status: order.status, filledQty: order.filledQty, source: "stream" });
    if (t.order.status === before) return;
    void this.o.journal.append("order_update", { clientOrderId: order.clientOrderId, symbol: order.symbol, status: t.order.status, filledQty: t.order.filledQty, avgPrice: t.order.avgPrice, venueOrderId: order.venueOrderId, rejectReason: order.rejectReason });
    if (t.order.status === "rejected" && before !== undefined) {
      this.o.stats.ordersRejected++;
      void this.o.killSwitch.count("rejectedOrders", this.o.clock.now());
    }
  }

  /** Adopts an order found open at the venue (reconciliation after a restart). */
  adopt(order: Order): void {
    this.orders.upsert(order, order.createdTs || this.o.clock.now());
  }

  /** Sends one order; journals it; counts failures. Returns the venue's answer. */
  async submit(req: OrderRequest, context: Record<string, unknown>): Promise<Result<Order, TradelabError>> {
    const exec = this.o.execution!;
    const t0 = this.o.clock.now();
    const r = await exec.submit(req);
    if (r.ok) {
      this.o.stats.ordersSent++;
      this.orders.upsert(r.value, t0);
      this.o.metrics.inc("tradelab_orders_total", "Orders accepted by the venue.", 1, { symbol: req.symbol, side: req.side });
      void this.o.journal.append("order", { ...req, ...context, status: r.value.status, venueOrderId: r.value.venueOrderId, filledQty: r.value.filledQty });
      return r;
    }
    if (r.error.code === "ORDER_OUTCOME_UNKNOWN") {
      const d = r.error.details;
      const num = (v: unknown, dflt: number) => (typeof v === "number" ? v : dflt);
      this.markUnknown({ clientOrderId: req.clientOrderId, symbol: req.symbol, side: req.side, qty: req.qty, type: req.type, sentAfter: num(d.sentAfter, t0), sentBefore: num(d.sentBefore, this.o.clock.now()), reason: String(d.reason ?? r.error.message) }, context);
      this.o.stats.ordersFailed++;
      await this.o.killSwitch.count("restErrors", this.o.clock.now());
      return r;
    }
    const counter = killCounterFor(r.error);
    if (counter === "rejectedOrders") this.o.stats.ordersRejected++;
    else this.o.stats.ordersFailed++;
    this.o.metrics.inc("tradelab_order_errors_total", "Orders the venue rejected or that could not be sent.", 1, { symbol: req.symbol, code: r.error.code });
    void this.o.journal.append("order_error", { ...req, ...context, code: r.error.code, message: r.error.message });
    this.o.log.warn({ symbol: req.symbol, clientOrderId: req.clientOrderId, code: r.error.code, err: r.error.message }, counter === "rejectedOrders" ? "order rejected by the venue" : "order could not be sent");
    await this.o.killSwitch.count(counter, this.o.clock.now());
    return r;
  }

  /**
   * Brings the open orders of `symbol` up to date from the venue before a decision: their status
   * over REST, and any fill the book has not seen yet (fills the stream has not delivered).
   */
  async sync(symbol: string): Promise<void> {
    const exec = this.o.execution;
    if (exec === undefined) return;
    for (const u of this.o.book.unknownOrders(symbol)) await this.resolve(u);
    for (const t of this.orders.open(symbol)) {
      const r = await exec.getOrder(symbol, t.order.clientOrderId);
      if (!r.ok) {
        this.o.log.warn({ symbol, clientOrderId: t.order.clientOrderId, code: r.error.code, err: r.error.message }, "order status lookup failed");
        if (r.error.code !== "ORDER_NOT_FOUND") await this.o.killSwitch.count("restErrors", this.o.clock.now());
        continue;
      }
      this.onOrder(r.value);
    }
    for (const t of this.orders.lagging(symbol)) await this.catchUpFills(t.order.clientOrderId);
  }

  /** Whether `symbol` has an order whose outcome is still unknown. */
  hasUnknown(symbol: string): boolean {
    return this.o.book.unknownOrders(symbol).length > 0;
  }

  /**
   * Records an order whose outcome the venue could not tell: journaled ("order_unknown"), kept in
   * positions.json, and its symbol held reduce-only by the risk guard until `resolve` settles it.
   */
  markUnknown(u: UnknownOrder, context: Record<string, unknown> = {}): void {
    this.o.book.noteUnknown(u);
    this.o.guard?.holdSymbol(u.symbol, `order ${u.clientOrderId} outcome unknown`);
    this.o.metrics.inc("tradelab_orders_unknown_total", "Orders whose outcome the venue could not tell at once.", 1, { symbol: u.symbol });
    void this.o.journal.append("order_unknown", { ...context, ...u });
    this.o.log.warn({ symbol: u.symbol, clientOrderId: u.clientOrderId, reason: u.reason }, "order outcome unknown: symbol held reduce-only until the venue accounts for it");
  }

  /** Re-applies the holds of the unknown orders in positions.json (after a restart). */
  restoreHolds(): void {
    for (const u of this.o.book.unknownOrders()) this.o.guard?.holdSymbol(u.symbol, `order ${u.clientOrderId} outcome unknown`);
  }

  /**
   * Asks the venue what became of an order with an unknown outcome: found (tracked, its fills applied
   * once), absent (never placed; not re-sent) or still unknown (kept, asked again at the next sync).
   */
  async resolve(u: UnknownOrder): Promise<OrderResolution["outcome"]> {
    const exec = this.o.execution;
    if (exec === undefined) return "unknown";
    let r: OrderResolution;
    try {
      r = exec.resolveOrder ? await exec.resolveOrder({ symbol: u.symbol, clientOrderId: u.clientOrderId, sentAfter: u.sentAfter, sentBefore: u.sentBefore }) : await this.lookup(exec, u);
    } catch (e) {
      r = { outcome: "unknown", reason: (e as Error).message };
    }
    if (r.outcome === "unknown") {
      this.o.log.warn({ symbol: u.symbol, clientOrderId: u.clientOrderId, reason: r.reason }, "order outcome still unknown");
      return "unknown";
    }
    if (r.outcome === "found") {
      this.release(u.clientOrderId, { outcome: "found", status: r.order.status, filledQty: r.order.filledQty, fills: r.fills.length, source: "venue" });
      this.onOrder(r.order);
      for (const f of r.fills) this.onFill(f, "resolve");
      await this.catchUpFills(u.clientOrderId);
    } else {
      this.release(u.clientOrderId, { outcome: "absent", source: "venue" });
    }
    return r.outcome;
  }

  private async lookup(exec: ExecutionPort, u: UnknownOrder): Promise<OrderResolution> {
    const q = await exec.getOrder(u.symbol, u.clientOrderId);
    if (q.ok) return { outcome: "found", order: q.value, fills: [] };
    return q.error.code === "ORDER_NOT_FOUND" ? { outcome: "absent" } : { outcome: "unknown", reason: q.error.message };
  }

  private release(clientOrderId: string, outcome: Record<string, unknown>): void {
    const u = this.o.book.clearUnknown(clientOrderId);
    if (u === undefined) return;
    if (!this.hasUnknown(u.symbol)) this.o.guard?.releaseSymbol(u.symbol);
    void this.o.journal.append("order_resolved", { clientOrderId, symbol: u.symbol, ...outcome });
    this.o.log.info({ symbol: u.symbol, clientOrderId, ...outcome }, "order outcome resolved");
  }

  /** Fetches the fills of an order whose filled quantity is ahead of the fills the book has applied. */
  async catchUpFills(clientOrderId: string): Promise<void> {
    const exec = this.o.execution;
    const t = this.orders.get(clientOrderId);
    if (exec?.fillsSince === undefined || t === undefined || !(t.order.filledQty > t.filledByFills + 1e-12)) return;
    for (const f of await exec.fillsSince(t.order.symbol, t.order.createdTs - 1)) if (f.clientOrderId === clientOrderId) this.onFill(f, "rest");
  }

  /** Cancels the open orders of one symbol (a new decision replaces them). */
  async cancelSymbol(symbol: string, reason: string): Promise<void> {
    for (const t of this.orders.open(symbol)) await this.cancelOne(t.order, reason);
  }

  private async cancelOne(order: Order, reason: string): Promise<void> {
    const exec = this.o.execution;
    if (exec === undefined || isTerminal(order.status)) return;
    const r = await exec.cancel(order.symbol, order.clientOrderId);
    this.o.stats.cancels++;
    if (r.ok) this.onOrder(r.value);
    else if (r.error.code === "ORDER_NOT_FOUND" || r.error.code === "ORDER_REJECTED") {
      const q = await exec.getOrder(order.symbol, order.clientOrderId); // finished before the cancel arrived
      if (q.ok) this.onOrder(q.value);
    } else this.o.log.warn({ symbol: order.symbol, clientOrderId: order.clientOrderId, code: r.error.code, err: r.error.message }, "cancel failed");
    void this.o.journal.append("cancel", { clientOrderId: order.clientOrderId, symbol: order.symbol, reason, ok: r.ok, code: r.ok ? undefined : r.error.code });
  }

  /**
   * Cancels every open order (the runner's and any other open at the venue for `symbols`) and waits
   * up to `timeoutMs` (wall) for confirmations. Returns the ids still open afterwards.
   */
  async cancelAll(symbols: readonly string[], reason: string, timeoutMs: number): Promise<string[]> {
    const exec = this.o.execution;
    if (exec === undefined) return [];
    for (const symbol of symbols) {
      try {
        for (const o of await exec.openOrders(symbol)) this.orders.upsert(o, this.o.clock.now());
      } catch (e) {
        this.o.log.warn({ symbol, err: (e as Error).message }, "listing open orders failed; cancelling the ones the runner knows");
      }
    }
    const open = this.orders.open().filter((t) => symbols.includes(t.order.symbol));
    await Promise.all(open.map((t) => this.cancelOne(t.order, reason)));
    const ids = open.map((t) => t.order.clientOrderId);
    const done = await this.orders.waitTerminal(ids, timeoutMs, this.o.sleep);
    if (!done) {
      for (const t of this.orders.open()) {
        const q = await exec.getOrder(t.order.symbol, t.order.clientOrderId);
        if (q.ok) this.onOrder(q.value);
      }
    }
    return this.orders.open().map((t) => t.order.clientOrderId);
  }

  /** Market orders that close every non-zero position (filters applied), waiting up to `timeoutMs` for them to finish. */
  async flatten(symbols: readonly string[], marks: Readonly<Record<string, number>>, prefix: string, timeoutMs: number): Promise<{ sent: number; flat: boolean }> {
    const exec = this.o.execution;
    if (exec === undefined) return { sent: 0, flat: true };
    const ids: string[] = [];
    for (const symbol of symbols) {
      const qty = this.o.book.qty(symbol);
      if (qty === 0) continue;
      const inst = this.o.instruments.get(symbol);
      const side = qty > 0 ? "sell" : "buy";
      let size = Math.abs(qty);
      if (inst !== undefined) size = new OrderFilters(inst).roundQty(size, true);
      const ref = marks[symbol] ?? 0;
      if (!(size > 0) || (inst !== undefined && ref > 0 && size * ref < inst.minNotional)) {
        this.o.log.warn({ symbol, qty, size }, "position too small to flatten (below the lot size or min notional)");
        continue;
      }
      const req: OrderRequest = { clientOrderId: `${prefix}x-${symbol}-${this.o.clock.now().toString(36)}`, symbol, side, type: "market", qty: size, timeInForce: "IOC" };
      const r = await this.submit(req, { purpose: "flatten" });
      if (r.ok) ids.push(req.clientOrderId);
    }
    await this.orders.waitTerminal(ids, timeoutMs, this.o.sleep);
    for (const id of ids) {
      const t = this.orders.get(id)!;
      if (!isTerminal(t.order.status)) await this.sync(t.order.symbol);
      await this.catchUpFills(id);
    }
    return { sent: ids.length, flat: symbols.every((s) => this.isDust(s, Math.abs(this.o.book.qty(s)))) };
  }

  /** A holding no order can sell (below one lot step), such as what base-asset commissions leave. */
  private isDust(symbol: string, qty: number): boolean {
    if (qty < 1e-9) return true;
    const inst = this.o.instruments.get(symbol);
    return inst !== undefined && !(new OrderFilters(inst).roundQty(qty, true) > 0);
  }
}
