import type { Clock } from "../core/clock";
import type { ExecutionPort } from "../core/ports/execution.port";
import type { Journal } from "../core/ports/state-store.port";
import type { AccountBook } from "./signal-runner/account-book";
import type { DecisionLedger } from "./signal-runner/decision-ledger";
import type { OrderDesk } from "./signal-runner/order-desk";
import type { RunnerLog } from "./signal-runner/ports";

/** One way the runner's state and the venue's disagreed, and what was done about it. */
export interface ReconcileDifference {
  kind: "missed-fill" | "foreign-fill" | "unconfirmed-order" | "open-order" | "foreign-order" | "cash" | "position";
  symbol?: string;
  local: unknown;
  venue: unknown;
  action: string;
}

export interface ReconcileInput {
  execution: ExecutionPort;
  symbols: readonly string[];
  quoteAsset: string;
  book: AccountBook;
  ledger: DecisionLedger;
  desk: OrderDesk;
  journal: Journal;
  clock: Clock;
  log: RunnerLog;
  /** Client order id prefix of this runner's orders. */
  prefix: string;
  /** No positions.json was found: the venue's balances are adopted as the starting point. */
  firstStart: boolean;
  /** Bar length, ms (how far back to look for fills of the last decision). */
  timeframeMs: number;
}

const same = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

/**
 * Start-up reconciliation, before any trading: fills the venue made while the runner was down are
 * applied (once, by trade id), orders whose outcome is unknown (journaled intents never answered,
 * orders the venue could not account for before) are resolved from the venue's order lookup and trade
 * history (their symbol stays reduce-only while that is not possible), the venue's open orders are adopted (ours) or reported
 * (anyone else's), and finally cash and positions are compared and the venue's values adopted. Every
 * difference is logged and journaled. Returns them.
 */
export async function reconcileWithVenue(r: ReconcileInput): Promise<ReconcileDifference[]> {
  const diffs: ReconcileDifference[] = [];
  const note = (d: ReconcileDifference, level: "info" | "warn" = "warn"): void => {
    diffs.push(d);
    r.log[level]({ kind: d.kind, symbol: d.symbol, local: d.local, venue: d.venue, action: d.action }, `reconcile: ${d.kind}${d.symbol ? ` ${d.symbol}` : ""}`);
    const { kind, ...rest } = d;
    void r.journal.append("reconcile", { difference: kind, ...rest });
  };
  const ours = (cid: string): boolean => cid.startsWith(`${r.prefix}-`) || cid.startsWith(`${r.prefix}x-`);

  // 1. fills while away, from the earliest point that can matter
  if (!r.firstStart && r.execution.fillsSince) {
    const decided = r.ledger.all().map((d) => d.decidedAt);
    const last = r.book.state.lastFillTs;
    const since = Math.min(last > 0 ? last : Number.POSITIVE_INFINITY, ...decided.map((t) => t - r.timeframeMs));
    if (Number.isFinite(since)) {
      for (const symbol of r.symbols) {
        for (const f of await r.execution.fillsSince(symbol, Math.max(0, since))) {
          if (r.book.hasFill(f)) continue;
          if (!ours(f.clientOrderId)) {
            note({ kind: "foreign-fill", symbol, local: null, venue: { clientOrderId: f.clientOrderId, side: f.side, qty: f.qty, price: f.price }, action: "not applied; balances below decide the position" });
            continue;
          }
          r.desk.onFill(f, "reconcile");
          note({ kind: "missed-fill", symbol, local: null, venue: { clientOrderId: f.clientOrderId, side: f.side, qty: f.qty, price: f.price, ts: f.ts }, action: "applied to the book and journaled" });
        }
      }
    }
  }

  // 2. orders whose outcome is unknown: decisions journaled but never answered (a crash between the
  // intent and the venue's answer) and orders the venue could not account for before the restart.
  // Each is resolved from the venue (order lookup, trade history), its fills applied once; never re-sent.
  const now = r.clock.now();
  for (const d of r.ledger.all()) {
    if ((d.status !== "intent" && d.status !== "unknown") || d.clientOrderId === undefined || r.book.state.unknownOrders[d.clientOrderId] !== undefined) continue;
    if (d.side === undefined || d.qty === undefined) continue;
    r.desk.markUnknown({ clientOrderId: d.clientOrderId, symbol: d.symbol, side: d.side, qty: d.qty, type: "market", sentAfter: d.decidedAt, sentBefore: now, reason: "no answer recorded before the restart" }, { barTs: d.barTs, source: "restart" });
  }
  for (const u of r.book.unknownOrders()) {
    const outcome = await r.desk.resolve(u);
    const d = r.ledger.all().find((x) => x.clientOrderId === u.clientOrderId);
    const local = d?.status ?? "unknown";
    if (outcome === "found") {
      if (d) r.ledger.update(d.symbol, d.barTs, { status: "sent", reason: "confirmed at restart" });
      note({ kind: "unconfirmed-order", symbol: u.symbol, local, venue: r.desk.orders.get(u.clientOrderId)?.order.status ?? "found", action: `order ${u.clientOrderId} found at the venue; tracked and its fills applied, not re-sent` });
    } else if (outcome === "absent") {
      if (d) r.ledger.update(d.symbol, d.barTs, { status: "failed", reason: "the venue never received it (not re-sent)" });
      note({ kind: "unconfirmed-order", symbol: u.symbol, local, venue: "absent", action: `order ${u.clientOrderId} not at the venue; the decision is void, not re-sent` });
    } else {
      if (d) r.ledger.update(d.symbol, d.barTs, { status: "unknown", reason: "the venue cannot tell yet whether it exists" });
      note({ kind: "unconfirmed-order", symbol: u.symbol, local, venue: "unknown", action: `order ${u.clientOrderId} cannot be accounted for yet; ${u.symbol} trades reduce-only until it is resolved` });
    }
  }

  // 3. open orders
  for (const symbol of r.symbols) {
    for (const o of await r.execution.openOrders(symbol)) {
      if (ours(o.clientOrderId)) {
        const known = r.desk.orders.get(o.clientOrderId) !== undefined;
        r.desk.adopt(o);
        if (!known) note({ kind: "open-order", symbol, local: null, venue: { clientOrderId: o.clientOrderId, status: o.status, qty: o.qty, filledQty: o.filledQty }, action: "adopted (cancelled by the next decision or at shutdown)" });
      } else {
        note({ kind: "foreign-order", symbol, local: null, venue: { clientOrderId: o.clientOrderId, side: o.side, qty: o.qty }, action: "left alone (not placed by this runner)" });
      }
    }
  }
  for (const t of r.desk.orders.lagging()) await r.desk.catchUpFills(t.order.clientOrderId);

  // 4. balances: the venue is the truth
  const balances = await r.execution.balances();
  const cash = balances.filter((b) => b.asset === r.quoteAsset).reduce((s, b) => s + b.free + b.locked, 0);
  const level = r.firstStart ? "info" : "warn";
  if (!same(cash, r.book.cash)) {
    note({ kind: "cash", local: r.book.cash, venue: cash, action: r.firstStart ? "starting cash taken from the venue" : "venue balance adopted" }, level);
    r.book.setCash(cash);
  }
  const positions = await r.execution.positions();
  for (const symbol of r.symbols) {
    const vp = positions.find((p) => p.symbol === symbol);
    const venueQty = vp?.qty ?? 0;
    const localQty = r.book.qty(symbol);
    if (same(venueQty, localQty)) continue;
    note({ kind: "position", symbol, local: localQty, venue: venueQty, action: r.firstStart ? "starting position taken from the venue" : "venue position adopted" }, level);
    r.book.setQty(symbol, venueQty, vp?.avgPrice ?? 0);
  }
  await r.ledger.flush();
  await r.book.persist(r.clock.now());
  return diffs;
}
