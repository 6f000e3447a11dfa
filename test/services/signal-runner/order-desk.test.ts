import { afterEach, describe, expect, it } from "vitest";
import type { OrderRequest } from "../../../lib/core/order";
import type { Journal, StateStore } from "../../../lib/core/ports/state-store.port";
import { KillSwitch } from "../../../lib/risk/kill-switch";
import { RiskGuard } from "../../../lib/risk/risk-guard";
import { reconcileWithVenue } from "../../../lib/services/reconcile";
import { AccountBook } from "../../../lib/services/signal-runner/account-book";
import { DecisionLedger, decisionClientId } from "../../../lib/services/signal-runner/decision-ledger";
import { OrderDesk } from "../../../lib/services/signal-runner/order-desk";
import { noRunnerMetrics, silentRunnerLog } from "../../../lib/services/signal-runner/ports";
import type { RunStats } from "../../../lib/services/signal-runner/types";
import { setup, type Harness } from "../../venues/binance/harness";
import { MemoryStore } from "../../support/memory-state";

/** A StateStore port over a Map, serialising like the file store does. */
class MemoryJournal implements Journal {
  readonly records: ({ kind: string } & Record<string, unknown>)[] = [];
  async append(kind: string, record: Record<string, unknown>): Promise<void> {
    this.records.push({ kind, ...record });
  }
  async flush(): Promise<void> {}
  of(kind: string): Record<string, unknown>[] {
    return this.records.filter((r) => r.kind === kind);
  }
}

const stats = (): RunStats => ({ barsSeen: 0, warmupBars: 0, decisions: 0, outcomes: {}, ordersSent: 0, ordersRejected: 0, ordersFailed: 0, riskDenied: 0, fills: 0, fees: 0, cancels: 0, decisionLatencyMs: [], decideLatencyMs: [] });

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface Desk {
  desk: OrderDesk;
  book: AccountBook;
  guard: RiskGuard;
  journal: MemoryJournal;
  store: MemoryStore;
}

/** An order desk on the Binance adapter against the loopback venue (the live runner's order path). */
async function deskOn(hh: Harness, store = new MemoryStore()): Promise<Desk> {
  const book = new AccountBook(store, "USDT", (s) => s.replace(/USDT$/, ""));
  await book.load();
  const guard = new RiskGuard({});
  if (book.state.risk) guard.restore(book.state.risk);
  const journal = new MemoryJournal();
  const desk = new OrderDesk({
    execution: hh.venue.execution,
    book,
    journal,
    killSwitch: new KillSwitch({ limits: {} }),
    guard,
    clock: hh.clock,
    log: silentRunnerLog,
    metrics: noRunnerMetrics,
    stats: stats(),
    instruments: new Map(),
    sleep: (ms) => hh.deps.sleep!(ms),
    onFillApplied: () => undefined,
  });
  desk.restoreHolds();
  return { desk, book, guard, journal, store };
}

const market = (id: string, qty = 0.5): OrderRequest => ({ clientOrderId: id, symbol: "BTCUSDT", side: "buy", type: "market", qty, timeInForce: "IOC" });
const ctx = (hh: Harness) => ({ now: hh.clock.now(), lastBarTs: hh.clock.now() - 60_000, timeframeMs: 60_000, lastPrice: 100, positionQty: 0 });
const buy = { symbol: "BTCUSDT", side: "buy" as const, qty: 0.1, price: 100 };
const UNKNOWN_AFTER_FILL = { kind: "process-then-status" as const, status: 500, body: { code: -1000, msg: "An unknown error occurred while processing the request." } };

describe("the order desk on Binance: cancels", () => {
  it("journals a cancel against the order it cancelled and sees that order canceled (not a phantom with the cancel's id)", async () => {
    h = await setup();
    const { desk, journal } = await deskOn(h);
    const r = await desk.submit({ clientOrderId: "tl-c1", symbol: "BTCUSDT", side: "buy", type: "limit", price: 90, qty: 0.25, timeInForce: "GTC" }, {});
    expect(r.ok && r.value.status).toBe("accepted");
    await desk.cancelSymbol("BTCUSDT", "replaced by a new decision");
    expect(journal.of("cancel").map((c) => [c.clientOrderId, c.ok])).toEqual([["tl-c1", true]]);
    expect(journal.of("order_update").map((u) => [u.clientOrderId, u.status])).toEqual([["tl-c1", "canceled"]]);
    expect(desk.orders.get("tl-c1")?.order.status).toBe("canceled");
    expect(desk.orders.open()).toEqual([]);
    expect(desk.orders.get(h.server.cancels[0]!.clientOrderId)).toBeUndefined();
    expect(h.server.orders.get("tl-c1")?.status).toBe("CANCELED");
  });
});

describe("the order desk on Binance: an order whose outcome is unknown", () => {
  it("is journaled as unknown, holds its symbol reduce-only, and is resolved by the next syncs with its fill applied once", async () => {
    h = await setup();
    const { desk, book, guard, journal } = await deskOn(h);
    h.server.lookupLag = 12; // the venue's lookups lag far behind its engine
    h.server.inject("POST", "/api/v3/order", UNKNOWN_AFTER_FILL);
    const r = await desk.submit(market("tl-u1"), { barTs: 1 });
    expect(!r.ok && r.error.code).toBe("ORDER_OUTCOME_UNKNOWN");
    expect(journal.of("order_unknown").map((u) => [u.clientOrderId, u.symbol, u.side, u.qty])).toEqual([["tl-u1", "BTCUSDT", "buy", 0.5]]);
    expect(desk.hasUnknown("BTCUSDT")).toBe(true);
    expect(guard.symbolState("BTCUSDT")).toBe("reducing");
    expect(guard.check(buy, ctx(h))).toMatchObject({ allowed: false, reason: "REDUCING_ONLY" });
    expect(guard.check({ ...buy, symbol: "ETHUSDT" }, ctx(h))).toEqual({ allowed: true });
    let syncs = 0;
    while (desk.hasUnknown("BTCUSDT") && syncs < 5) {
      await desk.sync("BTCUSDT");
      syncs++;
    }
    expect(syncs).toBeGreaterThan(1); // still unknown at the first sync: the lag outlasted it
    expect(desk.hasUnknown("BTCUSDT")).toBe(false);
    expect(guard.symbolState("BTCUSDT")).toBe("active");
    expect(guard.check(buy, ctx(h))).toEqual({ allowed: true });
    expect(journal.of("order_resolved").map((x) => [x.clientOrderId, x.outcome])).toEqual([["tl-u1", "found"]]);
    await desk.sync("BTCUSDT");
    expect(journal.of("fill").map((f) => f.clientOrderId)).toEqual(["tl-u1"]);
    expect(book.qty("BTCUSDT")).toBeCloseTo(0.5 - 0.0005, 12); // the 0.1% commission came out of the BTC bought
    expect(h.server.count("POST", "/api/v3/order")).toBe(1);
  });

  it("an order the venue never executed is confirmed absent: the decision fails, nothing is held or re-sent", async () => {
    h = await setup();
    const { desk, guard, journal } = await deskOn(h);
    h.server.inject("POST", "/api/v3/order", { kind: "drop" });
    const r = await desk.submit(market("tl-a1"), {});
    expect(!r.ok && [r.error.code, r.error.details.orderAbsent]).toEqual(["VENUE_UNAVAILABLE", true]);
    expect(journal.of("order_unknown")).toEqual([]);
    expect(guard.symbolState("BTCUSDT")).toBe("active");
    expect(h.server.count("POST", "/api/v3/order")).toBe(1);
    expect(h.server.created.length).toBe(0);
  });
});

describe("reconciliation after a restart resolves orders whose outcome was unknown", () => {
  const reconcile = (hh: Harness, d: Desk, ledger: DecisionLedger) =>
    reconcileWithVenue({ execution: hh.venue.execution!, symbols: ["BTCUSDT"], quoteAsset: "USDT", book: d.book, ledger, desk: d.desk, journal: d.journal, clock: hh.clock, log: silentRunnerLog, prefix: "tl", firstStart: false, timeframeMs: 60_000 });

  it("a crash between the send and the answer: the journaled intent is found at the venue, its fill applied once, not re-sent", async () => {
    h = await setup();
    const store = new MemoryStore();
    const barTs = h.clock.now() - 60_000;
    const cid = decisionClientId("tl", "BTCUSDT", barTs);
    const ledger = new DecisionLedger(store);
    ledger.record({ symbol: "BTCUSDT", barTs, decidedAt: h.clock.now(), expiresAt: h.clock.now() + 60_000, status: "intent", clientOrderId: cid, side: "buy", qty: 0.5 });
    // the order left and filled; the process died before the answer
    h.server.inject("POST", "/api/v3/order", { kind: "process-then-hang" });
    void h.venue.execution!.submit(market(cid)).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    h.clock.advance(30_000);
    const d = await deskOn(h, store);
    const diffs = await reconcile(h, d, ledger);
    expect(diffs.filter((x) => x.kind === "unconfirmed-order").map((x) => x.venue)).toEqual(["filled"]);
    expect(ledger.all().map((x) => x.status)).toEqual(["sent"]);
    expect(d.journal.of("fill").map((f) => f.clientOrderId)).toEqual([cid]);
    expect(d.book.state.fills).toBe(1);
    expect(d.desk.hasUnknown("BTCUSDT")).toBe(false);
    expect(d.guard.symbolState("BTCUSDT")).toBe("active");
    expect(h.server.created.length).toBe(1);
  });

  it("an intent that never reached the venue is void after the bounded window, and nothing is held", async () => {
    h = await setup();
    const store = new MemoryStore();
    const barTs = h.clock.now() - 60_000;
    const ledger = new DecisionLedger(store);
    ledger.record({ symbol: "BTCUSDT", barTs, decidedAt: h.clock.now(), expiresAt: h.clock.now() + 60_000, status: "intent", clientOrderId: decisionClientId("tl", "BTCUSDT", barTs), side: "buy", qty: 0.5 });
    const d = await deskOn(h, store);
    const diffs = await reconcile(h, d, ledger);
    expect(diffs.filter((x) => x.kind === "unconfirmed-order").map((x) => x.venue)).toEqual(["absent"]);
    expect(ledger.all().map((x) => x.status)).toEqual(["failed"]);
    expect(d.guard.symbolState("BTCUSDT")).toBe("active");
    expect(h.server.count("POST", "/api/v3/order")).toBe(0);
  });

  it("an order still unknown when the process stopped: the hold survives the restart and is released once the venue accounts for it", async () => {
    h = await setup();
    const store = new MemoryStore();
    const first = await deskOn(h, store);
    h.server.lookupLag = 12;
    h.server.inject("POST", "/api/v3/order", UNKNOWN_AFTER_FILL);
    expect((await first.desk.submit(market("tl-r1"), {})).ok).toBe(false);
    first.book.setRisk(first.guard.snapshot());
    await first.book.persist(h.clock.now());
    const d = await deskOn(h, store);
    expect(d.guard.symbolState("BTCUSDT")).toBe("reducing");
    h.clock.advance(60_000);
    for (let i = 0; i < 3 && d.desk.hasUnknown("BTCUSDT"); i++) await reconcile(h, d, new DecisionLedger(store));
    expect(d.desk.hasUnknown("BTCUSDT")).toBe(false);
    expect(d.guard.symbolState("BTCUSDT")).toBe("active");
    expect(d.journal.of("order_resolved").map((x) => x.outcome)).toEqual(["found"]);
    expect(d.book.state.fills).toBe(1);
    expect(h.server.count("POST", "/api/v3/order")).toBe(1);
  });
});
