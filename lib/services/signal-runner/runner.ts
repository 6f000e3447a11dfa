import type { Bar } from "../../core/bar";
import type { Fill } from "../../core/fill";
import type { Order, OrderRequest } from "../../core/order";
import type { FeatureStream } from "../../features/stream";
import type { RiskGuardSnapshot } from "../../risk/risk-guard";
import { OrderFilters } from "../../sim/filters";
import { decideAction, writeObservation } from "../checkpoint-policy";
import { planOrder, reducesPosition, type OrderPlan } from "../order-diff";
import type { AccountBook } from "./account-book";
import type { ConformalSizer } from "./conformal-sizer";
import { decisionClientId, type DecisionRecord, type DecisionStatus } from "./decision-ledger";
import { OrderDesk } from "./order-desk";
import { PolicyStateTracker } from "./policy-state";
import { LATENCY_BUCKETS, noRunnerMetrics, silentRunnerLog, type RunnerLog, type RunnerMetrics } from "./ports";
import type { RunnerHealth, RunStats, SignalRunnerOptions } from "./types";

interface SymbolState {
  symbol: string;
  stream: FeatureStream;
  state: PolicyStateTracker;
  filters: OrderFilters | null;
  feeRate: number;
  baseAsset: string;
  /** Open time of the latest bar pushed into the features. */
  lastTs: number;
  close: number;
  /** Position at the previous processed close, and this bar's fills (for the env-style state). */
  prevQty: number;
  accQty: number;
  accNotional: number;
  obs: Float32Array;
  conformal?: ConformalSizer;
}

const KEEP_LATENCIES = 10_000;

/**
 * The live decision loop over closed bars: features (streaming form) -> policy (deterministic) ->
 * target -> conformal sizing (optional) -> order diff through the exchange filters -> no-trade
 * windows -> kill switch and risk guard (the only path to the venue) -> execution port. Each
 * decision is written to the TTL ledger before its order is sent, carries a deterministic client
 * order id, and expires one TTL after its bar closed; bars are processed one at a time, in order.
 */
export class SignalRunner {
  readonly stats: RunStats = { barsSeen: 0, warmupBars: 0, decisions: 0, outcomes: {}, ordersSent: 0, ordersRejected: 0, ordersFailed: 0, riskDenied: 0, fills: 0, fees: 0, cancels: 0, decisionLatencyMs: [], decideLatencyMs: [] };
  readonly desk: OrderDesk;
  private readonly syms = new Map<string, SymbolState>();
  private readonly marks: Record<string, number> = {};
  private readonly log: RunnerLog;
  private readonly metrics: RunnerMetrics;
  private readonly act = new Float32Array(1);
  private readonly prefix: string;
  private readonly ttl: number;
  private readonly perfNow: () => number;
  private chain: Promise<void> = Promise.resolve();
  /** Per symbol, the submission whose venue answer is still awaited. */
  private readonly inflight = new Map<string, Promise<void>>();
  private persistScheduled = false;
  private stopped = false;
  private featuresFinite = true;
  private arrivedAt = 0;
  /** Time this bar spent waiting on the venue (order status sync, cancels): not part of the decision latency. */
  private venueWait = 0;

  constructor(private readonly o: SignalRunnerOptions) {
    this.log = o.log ?? silentRunnerLog;
    this.metrics = o.metrics ?? noRunnerMetrics;
    this.prefix = o.clientIdPrefix ?? "tl";
    this.ttl = o.ttlTimeframes ?? 1;
    this.perfNow = o.perfNow ?? (() => performance.now());
    for (const symbol of o.symbols) {
      const inst = o.instruments.get(symbol);
      const fee = o.feeRates.get(symbol);
      this.syms.set(symbol, {
        symbol,
        stream: o.model.pipeline.stream(symbol),
        state: new PolicyStateTracker(),
        filters: inst ? new OrderFilters(inst) : null,
        feeRate: fee ? fee.takerBps / 10_000 : 0,
        baseAsset: inst?.baseAsset ?? symbol,
        lastTs: Number.NEGATIVE_INFINITY,
        close: Number.NaN,
        prevQty: 0,
        accQty: 0,
        accNotional: 0,
        obs: new Float32Array(o.model.obsSize),
        conformal: o.conformal?.get(symbol),
      });
    }
    this.desk = new OrderDesk({
      execution: o.execution,
      book: o.book,
      journal: o.journal,
      killSwitch: o.killSwitch,
      guard: o.guard,
      clock: o.clock,
      log: this.log,
      metrics: this.metrics,
      stats: this.stats,
      instruments: o.instruments,
      sleep: o.sleep,
      onFillApplied: (f) => this.onFillApplied(f),
    });
  }

  get book(): AccountBook {
    return this.o.book;
  }

  /** Restores the env-style state and the risk guard from positions.json after a restart. */
  restore(): void {
    const st = this.o.book.state;
    for (const s of this.syms.values()) {
      const ps = st.policyState[s.symbol];
      if (ps) s.state.restore(ps);
      s.prevQty = this.o.book.qty(s.symbol);
    }
    if (st.risk) this.o.guard.restore(st.risk as RiskGuardSnapshot);
    this.desk.restoreHolds();
  }

  /** History before the live stream: features only (no decisions, no account state). */
  warmUp(symbol: string, bars: readonly Bar[]): void {
    const s = this.sym(symbol);
    for (const b of bars) {
      if (b.ts <= s.lastTs) continue;
      s.stream.push(b);
      s.lastTs = b.ts;
      s.close = b.close;
      this.marks[symbol] = b.close;
      this.stats.warmupBars++;
    }
  }

  /** Whether every symbol's features are past their warm-up. */
  get ready(): boolean {
    for (const s of this.syms.values()) if (!s.stream.ready) return false;
    return true;
  }

  /** Open time of the latest bar seen for a symbol. */
  lastBarTs(symbol: string): number {
    return this.sym(symbol).lastTs;
  }

  markPrices(): Readonly<Record<string, number>> {
    return this.marks;
  }

  equity(): number {
    return this.o.book.equity(this.marks);
  }

  /** A closed bar from the stream; bars are processed strictly one after another. `arrivedAt` is perfNow() on arrival. */
  onBar(symbol: string, bar: Bar, arrivedAt: number = this.perfNow()): Promise<void> {
    const run = this.chain.then(() => (this.stopped ? undefined : this.processBar(symbol, bar, arrivedAt)));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Resolves once the venue answered the order (if any) sent for `symbol`'s latest bar. */
  settled(symbol: string): Promise<void> {
    return this.inflight.get(symbol) ?? Promise.resolve();
  }

  onFill(f: Fill): void {
    this.desk.onFill(f, "stream");
  }

  onOrder(o: Order): void {
    this.desk.onOrder(o);
  }

  /** Stops taking bars; resolves once the bar in progress and every order submission in flight are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.chain;
    await Promise.all([...this.inflight.values()]);
  }

  health(): RunnerHealth {
    const lastBarClose: Record<string, number> = {};
    for (const s of this.syms.values()) lastBarClose[s.symbol] = s.lastTs + this.o.timeframeMs;
    const now = this.o.clock.now();
    return { lastBarClose, featuresFinite: this.featuresFinite, oldestOpenOrderMs: this.desk.orders.oldestOpenAge(now), openOrders: this.desk.orders.open().length };
  }

  /** Writes ttl_state.json and positions.json (book, env-style state, risk guard). */
  async persist(): Promise<void> {
    await this.o.ledger.flush();
    for (const s of this.syms.values()) this.o.book.setPolicyState(s.symbol, s.state.snapshot());
    this.o.book.setRisk(this.o.guard.snapshot());
    await this.o.book.persist(this.o.clock.now());
  }

  private sym(symbol: string): SymbolState {
    const s = this.syms.get(symbol);
    if (s === undefined) throw new RangeError(`symbol ${symbol} is not traded by this runner (${[...this.syms.keys()].join(", ")})`);
    return s;
  }

  private onFillApplied(f: Fill): void {
    const s = this.syms.get(f.symbol);
    if (s === undefined) return;
    s.accQty += f.qty;
    s.accNotional += f.qty * f.price;
  }

  private async processBar(symbol: string, bar: Bar, arrivedAt: number): Promise<void> {
    const s = this.sym(symbol);
    if (bar.ts <= s.lastTs) return; // duplicate or already seen in the warm-up
    s.stream.push(bar);
    s.lastTs = bar.ts;
    s.close = bar.close;
    this.marks[symbol] = bar.close;
    this.stats.barsSeen++;
    const tf = this.o.timeframeMs;
    const closeTs = bar.ts + tf;
    this.venueWait = 0;
    const previous = this.inflight.get(symbol);
    if (previous !== undefined) await this.waitVenue(previous);
    if (this.desk.orders.open(symbol).length > 0 || this.desk.orders.lagging(symbol).length > 0 || this.desk.hasUnknown(symbol)) await this.waitVenue(this.desk.sync(symbol));
    const equity = this.equity();
    const q1 = this.o.book.qty(symbol);
    s.state.onBarClose(s.prevQty, q1, s.accQty > 0 ? s.accNotional / s.accQty : Number.NaN, equity);
    s.prevQty = q1;
    s.accQty = s.accNotional = 0;
    this.o.book.setStartEquity(equity);
    await this.onEquity(closeTs, equity);
    this.metrics.set("tradelab_equity", "Account equity in the quote currency.", equity);
    this.metrics.set("tradelab_position", "Position, base units.", q1, { symbol });
    this.metrics.set("tradelab_last_bar_close_ms", "Close time of the latest bar, ms UTC.", closeTs, { symbol });
    this.metrics.inc("tradelab_bars_total", "Closed bars processed.", 1, { symbol });
    if (s.stream.ready) await this.decide(s, bar, closeTs, equity, q1, arrivedAt);
    this.desk.orders.prune(this.o.clock.now() - 100 * tf);
    this.schedulePersist();
  }

  /**
   * State is written once the bars already received are decided (a persist costs a few ms of
   * synchronous I/O; bars of other symbols closing at the same time should not wait for it).
   */
  private schedulePersist(): void {
    if (this.persistScheduled) return;
    this.persistScheduled = true;
    setImmediate(() => {
      this.chain = this.chain
        .then(async () => {
          this.persistScheduled = false;
          await this.persist();
        })
        .catch((e: unknown) => this.log.error({ err: (e as Error).message }, "writing state failed"));
    });
  }

  /** Feeds the guard; a new daily-loss halt counts toward the kill switch. */
  private async onEquity(ts: number, equity: number): Promise<void> {
    const g = this.o.guard;
    const before = g.state;
    g.onEquity(ts, equity);
    if (g.state === "halted" && before !== "halted" && g.snapshot().haltedUntil > 0) {
      this.log.warn({ equity, reason: g.stateReason, until: new Date(g.snapshot().haltedUntil).toISOString() }, "daily loss limit reached: trading paused until the next UTC day");
      void this.o.journal.append("risk_state", { state: g.state, reason: g.stateReason });
      await this.o.killSwitch.count("dailyLossBreaches", ts);
    } else if (g.state !== before) {
      this.log.warn({ from: before, to: g.state, reason: g.stateReason }, "risk guard state changed");
      void this.o.journal.append("risk_state", { state: g.state, reason: g.stateReason });
    }
  }

  private async decide(s: SymbolState, bar: Bar, closeTs: number, equity: number, qty: number, arrivedAt: number): Promise<void> {
    this.arrivedAt = arrivedAt;
    const m = this.o.model;
    const obs = writeObservation(m, s.stream, s.state, qty, bar.close, equity, s.obs);
    this.featuresFinite = obs.every((x) => Number.isFinite(x));
    const action = decideAction(m, obs, this.act);
    let target = action;
    const iv = s.conformal?.step(obs, equity);
    let sizing: Record<string, unknown> | undefined;
    if (s.conformal && iv) {
      const d = s.conformal.size(target, iv);
      sizing = { scale: d.scale, reason: d.reason, lo: iv.lo, hi: iv.hi, alpha: iv.alpha };
      target = d.target;
    }
    const now = this.o.clock.now();
    const expiresAt = closeTs + this.ttl * this.o.timeframeMs;
    const base = { symbol: s.symbol, barTs: bar.ts, decidedAt: now, expiresAt, action, target };
    if (this.o.ledger.actedOn(s.symbol, bar.ts)) return; // decided before a restart: never again
    if (now >= expiresAt) return this.finish({ ...base, status: "expired", reason: `processed ${now - closeTs} ms after the bar closed (TTL ${this.ttl} bar)` });
    const free = this.o.book.cash;
    const plan = planOrder({
      target,
      equity,
      leverage: m.env.maxPositionFraction,
      price: bar.close,
      position: qty,
      band: m.env.rebalanceThreshold,
      filters: s.filters,
      maxAbsPosition: this.o.guard.maxPositionQty(bar.close),
      allowShort: this.o.allowShort,
      freeQuote: free,
      feeRate: s.feeRate,
    });
    const extra = { plan: planSummary(plan), sizing };
    if (plan.kind === "none") return this.finish({ ...base, status: "none", reason: plan.reason }, extra);
    const blocked = this.o.noTrade.blockedReason(now);
    if (blocked !== null && !(this.o.allowReducingInNoTrade && reducesPosition(plan.side, plan.qty, qty))) {
      return this.finish({ ...base, status: "blocked", reason: blocked, side: plan.side, qty: plan.qty }, extra);
    }
    if (this.o.killSwitch.tripped) return this.finish({ ...base, status: "denied", reason: `kill switch tripped: ${this.o.killSwitch.state.reason}`, side: plan.side, qty: plan.qty }, extra);
    const risk = this.o.guard.check(
      { symbol: s.symbol, side: plan.side, qty: plan.qty, price: bar.close },
      { now, lastBarTs: bar.ts, timeframeMs: this.o.timeframeMs, lastPrice: bar.close, positionQty: qty },
    );
    if ("reason" in risk) {
      // a denial (narrowed with `in` so the notebooks' non-strict compile narrows it too)
      this.stats.riskDenied++;
      this.metrics.inc("tradelab_risk_denials_total", "Orders the risk guard denied.", 1, { reason: risk.reason });
      this.log.warn({ symbol: s.symbol, reason: risk.reason, err: risk.message }, "order denied by the risk guard");
      return this.finish({ ...base, status: "denied", reason: `${risk.reason}: ${risk.message}`, side: plan.side, qty: plan.qty }, extra);
    }
    const clientOrderId = decisionClientId(this.prefix, s.symbol, bar.ts);
    const rec: DecisionRecord = { ...base, status: this.desk.dryRun ? "dry-run" : "intent", clientOrderId, side: plan.side, qty: plan.qty };
    this.o.ledger.record(rec);
    if (this.desk.dryRun) return this.finishRecorded(rec, extra);
    // write-ahead: one journal append before the order leaves, so a restart knows this bar was acted on
    await this.o.journal.append("intent", { ...rec });
    if (this.desk.orders.open(s.symbol).length > 0) await this.waitVenue(this.desk.cancelSymbol(s.symbol, "replaced by a new decision"));
    const req: OrderRequest = { clientOrderId, symbol: s.symbol, side: plan.side, type: "market", qty: plan.qty, timeInForce: "IOC" };
    const latency = this.perfNow() - arrivedAt - this.venueWait;
    this.keep(this.stats.decideLatencyMs, latency);
    this.recordLatency(latency);
    this.o.guard.recordOrder(now);
    const venueWaitMs = this.venueWait;
    // the venue's answer is awaited off the bar loop (other symbols' bars need not wait for it);
    // this symbol's next bar waits for it before deciding
    const answered = this.desk.submit(req, { barTs: bar.ts, decidedAt: now, requestedPrice: bar.close }).then((r) => {
      const status: DecisionStatus = r.ok ? "sent" : decisionStatusOf(r.error.code);
      const reason = r.ok ? undefined : `${r.error.code}: ${r.error.message}`;
      this.o.ledger.update(s.symbol, bar.ts, { status, reason });
      this.finishRecorded({ ...rec, status, ...(reason ? { reason } : {}) }, { latencyMs: latency, venueWaitMs, ...extra });
    });
    const tracked: Promise<void> = answered
      .catch((e: unknown) => this.log.error({ symbol: s.symbol, clientOrderId, err: (e as Error).message }, "order submission failed unexpectedly"))
      .finally(() => {
        if (this.inflight.get(s.symbol) === tracked) this.inflight.delete(s.symbol);
      });
    this.inflight.set(s.symbol, tracked);
  }

  private async finish(rec: DecisionRecord, extra: Record<string, unknown> = {}): Promise<void> {
    this.keep(this.stats.decideLatencyMs, this.perfNow() - this.arrivedAt - this.venueWait);
    this.o.ledger.record(rec);
    this.finishRecorded(rec, extra);
  }

  private finishRecorded(rec: DecisionRecord, extra: Record<string, unknown>): void {
    this.count(rec.status);
    void this.o.journal.append("decision", { ...rec, ...extra });
  }

  private count(status: DecisionStatus): void {
    this.stats.decisions++;
    this.stats.outcomes[status] = (this.stats.outcomes[status] ?? 0) + 1;
    this.metrics.inc("tradelab_decisions_total", "Decisions by outcome.", 1, { outcome: status });
  }

  private async waitVenue(p: Promise<void>): Promise<void> {
    const t = this.perfNow();
    try {
      await p;
    } finally {
      this.venueWait += this.perfNow() - t;
    }
  }

  private keep(l: number[], ms: number): void {
    l.push(ms);
    if (l.length > KEEP_LATENCIES) l.splice(0, l.length - KEEP_LATENCIES);
  }

  private recordLatency(ms: number): void {
    this.keep(this.stats.decisionLatencyMs, ms);
    this.metrics.observe("tradelab_decision_latency_seconds", "Bar arrival to order handed to the venue adapter.", ms / 1000, LATENCY_BUCKETS);
  }
}

/** What a failed submission means for its decision. */
function decisionStatusOf(code: string): DecisionStatus {
  if (code === "ORDER_OUTCOME_UNKNOWN") return "unknown";
  return code === "VENUE_UNAVAILABLE" || code === "VENUE_TIMEOUT" ? "failed" : "rejected";
}

function planSummary(p: OrderPlan): Record<string, unknown> {
  return p.kind === "none" ? { kind: p.kind, reason: p.reason, delta: p.delta } : { kind: p.kind, side: p.side, qty: p.qty, notional: p.notional, delta: p.delta, capped: p.capped };
}
