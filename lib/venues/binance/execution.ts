import { TradelabError, VenueError, isTradelabError } from "../../core/errors";
import type { ConnectionEvent } from "../../core/events";
import type { Fill } from "../../core/fill";
import { validateOrderRequest, type Order, type OrderRequest } from "../../core/order";
import type { Balance, ExecutionHandlers, ExecutionPort, OrderLookup, OrderResolution, VenuePosition } from "../../core/ports/execution.port";
import type { Subscription } from "../../core/ports/market-data.port";
import { err, ok, type Result } from "../../core/result";
import { sleep as realSleep } from "../../infra/http/backoff";
import type { VenueDeps } from "../capabilities";
import { binanceCodeOf, isOutcomeUnknown } from "./errors";
import type { BinanceExchangeInfo } from "./exchange-info";
import type { BinanceRest } from "./http";
import { OrderTracker } from "./order-tracker";
import { resolveOrderOutcome, type OutcomeVenue } from "./order-outcome";
import { balancesFromAccount, decode, fillFromExecutionReport, fillFromMyTrade, fillFromOrderFill, formatPrice, formatQty, num, orderFromCancel, orderFromRaw, orderStatusOf, sideOf } from "./parse";
import { accountPositionSchema, accountSchema, cancelOrderSchema, executionReportSchema, myTradesSchema, openOrdersSchema, orderSchema, type RawExecutionReport, type RawMyTrade } from "./schemas";
import { UserDataStream } from "./user-stream";

const ORDER = "/api/v3/order";

/**
 * Spot order entry. New orders carry the caller's clientOrderId (newClientOrderId) and are sent once:
 * Binance keeps a clientOrderId unique only among OPEN orders, so a resent market order that already
 * filled would fill twice. When a submit's outcome is unknown (timeout, 5xx, dropped connection) the
 * adapter resolves it (order-outcome.ts): found, confirmed absent (the original error is returned,
 * nothing is resent), or still unknown (ORDER_OUTCOME_UNKNOWN, for the caller to resolve later).
 */
export class BinanceExecution implements ExecutionPort {
  readonly venue: string;
  private readonly tracker = new OrderTracker();
  private readonly subscribers = new Set<ExecutionHandlers>();
  private stream: UserDataStream | undefined;
  private disconnectedAt: number | undefined;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(
    private readonly rest: BinanceRest,
    private readonly info: BinanceExchangeInfo,
    private readonly deps: VenueDeps,
  ) {
    this.venue = rest.cfg.venue;
    this.wait = deps.sleep ?? ((ms) => realSleep(ms));
  }

  async submit(req: OrderRequest): Promise<Result<Order, TradelabError>> {
    try {
      validateOrderRequest(req);
      const inst = await this.info.instrument(req.symbol);
      const step = req.type === "market" ? (inst.marketStepSize ?? inst.stepSize) : inst.stepSize;
      const params = {
        symbol: req.symbol,
        side: req.side === "buy" ? "BUY" : "SELL",
        type: req.type === "market" ? "MARKET" : "LIMIT",
        timeInForce: req.type === "limit" ? req.timeInForce : undefined,
        quantity: formatQty(req.qty, step || undefined),
        price: req.type === "limit" ? formatPrice(req.price!, inst.tickSize || undefined, req.side) : undefined,
        newClientOrderId: req.clientOrderId,
        newOrderRespType: this.rest.cfg.newOrderRespType,
      };
      this.tracker.noteSubmitted(req, this.deps.clock.now());
      const sentAfter = this.rest.timeSync.now();
      try {
        const body = await this.rest.call({ method: "POST", path: ORDER, params, security: "SIGNED", weight: 1, resendOnUnknown: false, label: "order new" });
        return ok(this.ingestOrderResponse(body, req));
      } catch (e) {
        if (isOutcomeUnknown(e)) return await this.afterUnknownSubmit(req, e as VenueError, sentAfter);
        if (e instanceof VenueError && e.details.duplicate === true) {
          const q = await this.getOrder(req.symbol, req.clientOrderId);
          if (q.ok) return q;
        }
        throw e;
      }
    } catch (e) {
      if (isTradelabError(e)) return err(e);
      throw e;
    }
  }

  private async afterUnknownSubmit(req: OrderRequest, cause: VenueError, sentAfter: number): Promise<Result<Order, TradelabError>> {
    const ts = cause.details.requestTimestamp;
    const sentBefore = typeof ts === "number" ? ts : this.rest.timeSync.now();
    this.deps.logger.warn({ venue: this.venue, clientOrderId: req.clientOrderId, code: cause.code }, "order outcome unknown, looking the order up (it is never resent)");
    const r = await this.resolveOrder({ symbol: req.symbol, clientOrderId: req.clientOrderId, sentAfter: Math.min(sentAfter, sentBefore), sentBefore });
    if (r.outcome === "found") return ok(this.tracker.get(req.clientOrderId) ?? r.order);
    if (r.outcome === "absent") {
      Object.assign(cause.details, { outcomeUnknown: false, orderAbsent: true });
      return err(cause);
    }
    const details = { venue: this.venue, symbol: req.symbol, clientOrderId: req.clientOrderId, sentAfter, sentBefore, cause: cause.code, reason: r.reason, outcomeUnknown: true };
    return err(new VenueError("ORDER_OUTCOME_UNKNOWN", `${this.venue} order ${req.clientOrderId} (${req.symbol}): no answer and the venue cannot tell yet whether it exists (${r.reason})`, { details, cause }));
  }

  /** What became of an order request that got no answer (see order-outcome.ts); found fills are also emitted. */
  async resolveOrder(q: OrderLookup): Promise<OrderResolution> {
    const r = await resolveOrderOutcome(this.outcomeVenue(), q, { ...this.rest.cfg.orderOutcome, recvWindowMs: this.rest.cfg.recvWindowMs });
    this.deps.logger[r.outcome === "unknown" ? "warn" : "info"]({ venue: this.venue, clientOrderId: q.clientOrderId, outcome: r.outcome, reason: r.outcome === "unknown" ? r.reason : undefined }, "order outcome resolved");
    if (r.outcome === "found") for (const f of r.fills) this.ingestFill(f);
    return r;
  }

  private outcomeVenue(): OutcomeVenue {
    const call = (params: Record<string, string | number>, label: string, weight: number) => this.rest.call({ method: "GET", path: label === "myTrades" ? "/api/v3/myTrades" : ORDER, params, security: "SIGNED", weight, resendOnUnknown: true, label });
    return {
      now: () => this.rest.timeSync.now(),
      wait: this.wait,
      byClientId: (symbol, cid) => this.getOrder(symbol, cid),
      byOrderId: async (symbol, orderId) => {
        try {
          return ok(this.ingestOrderResponse(await call({ symbol, orderId }, "order query", 4)));
        } catch (e) {
          if (isTradelabError(e)) return err(e);
          throw e;
        }
      },
      tradesBetween: async (symbol, from, to) => {
        const out: RawMyTrade[] = [];
        let params: Record<string, string | number> = { symbol, startTime: from, endTime: to, limit: 1000 };
        for (;;) {
          const page = decode(myTradesSchema, await call(params, "myTrades", 20), "myTrades").filter((t) => t.time <= to);
          out.push(...page);
          if (page.length < 1000) return out;
          params = { symbol, fromId: page[page.length - 1]!.id + 1, limit: 1000 };
        }
      },
      fillsOfOrder: async (symbol, orderId, cid) => {
        const trades = decode(myTradesSchema, await call({ symbol, orderId }, "myTrades", 5), "myTrades");
        const ctx = { ...this.tracker.fillContext(cid), instrument: this.info.cached(symbol) };
        return trades.map((t) => fillFromMyTrade(t, cid, ctx));
      },
      knownClientId: (symbol, venueOrderId) => this.tracker.clientIdOf(symbol, venueOrderId),
    };
  }

  private ingestOrderResponse(body: unknown, req?: OrderRequest): Order {
    const raw = decode(orderSchema, body, "order");
    const order = orderFromRaw(raw, req ? { ...req, createdTs: this.deps.clock.now() } : undefined);
    if (raw.fills && raw.side) {
      const ctx = { ...this.tracker.fillContext(raw.clientOrderId), instrument: this.info.cached(raw.symbol) };
      for (const f of raw.fills) this.ingestFill(fillFromOrderFill(raw, f, sideOf(raw.side), ctx));
    }
    this.ingestOrder(order);
    return this.tracker.get(order.clientOrderId) ?? order;
  }

  async cancel(symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>> {
    try {
      const body = await this.rest.call({ method: "DELETE", path: ORDER, params: { symbol, origClientOrderId: clientOrderId }, security: "SIGNED", weight: 1, resendOnUnknown: true, label: "order cancel" });
      const order = orderFromCancel(decode(cancelOrderSchema, body, "order cancel"), this.tracker.get(clientOrderId));
      this.ingestOrder(order);
      return ok(this.tracker.get(order.clientOrderId) ?? order);
    } catch (e) {
      // -2011 after a retried cancel: the first attempt may have worked; report the order's real state.
      if (binanceCodeOf(e) === -2011) {
        const q = await this.getOrder(symbol, clientOrderId);
        if (q.ok && q.value.status === "canceled") return q;
      }
      if (isTradelabError(e)) return err(e);
      throw e;
    }
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>> {
    try {
      const body = await this.rest.call({ method: "GET", path: ORDER, params: { symbol, origClientOrderId: clientOrderId }, security: "SIGNED", weight: 4, resendOnUnknown: true, label: "order query" });
      return ok(this.ingestOrderResponse(body));
    } catch (e) {
      if (isTradelabError(e)) return err(e);
      throw e;
    }
  }

  async openOrders(symbol?: string): Promise<Order[]> {
    const body = await this.rest.call({ method: "GET", path: "/api/v3/openOrders", params: { symbol }, security: "SIGNED", weight: symbol ? 6 : 80, resendOnUnknown: true, label: "openOrders" });
    return decode(openOrdersSchema, body, "openOrders").map((r) => {
      const o = orderFromRaw(r);
      this.tracker.apply(o);
      return o;
    });
  }

  async balances(): Promise<Balance[]> {
    const body = await this.rest.call({ method: "GET", path: "/api/v3/account", params: { omitZeroBalances: true }, security: "SIGNED", weight: 20, resendOnUnknown: true, label: "account" });
    return balancesFromAccount(decode(accountSchema, body, "account"));
  }

  /** Spot holdings as positions: every non-zero asset other than quoteAsset, as <asset><quoteAsset>. */
  async positions(): Promise<VenuePosition[]> {
    const quote = this.rest.cfg.quoteAsset;
    return (await this.balances())
      .filter((b) => b.asset !== quote && b.free + b.locked > 0)
      .map((b) => ({ symbol: `${b.asset}${quote}`, qty: b.free + b.locked }));
  }

  /** Fills (GET myTrades, paged by trade id) since `ts`, for reconciliation. */
  async fillsSince(symbol: string, ts: number): Promise<Fill[]> {
    const out: Fill[] = [];
    const inst = this.info.cached(symbol);
    let params: Record<string, string | number> = { symbol, startTime: ts, limit: 1000 };
    for (;;) {
      const body = await this.rest.call({ method: "GET", path: "/api/v3/myTrades", params, security: "SIGNED", weight: 20, resendOnUnknown: true, label: "myTrades" });
      const trades = decode(myTradesSchema, body, "myTrades");
      for (const t of trades) {
        const cid = this.tracker.clientIdOf(symbol, String(t.orderId)) ?? (await this.clientIdByOrderId(symbol, t.orderId));
        // an order lookup lagging its trade: left for a later call (or the order's own resolution)
        if (cid === undefined) continue;
        out.push(fillFromMyTrade(t, cid, { ...this.tracker.fillContext(cid), instrument: inst }));
      }
      if (trades.length < 1000) return out;
      params = { symbol, fromId: trades[trades.length - 1]!.id + 1, limit: 1000 };
    }
  }

  private async clientIdByOrderId(symbol: string, orderId: number): Promise<string | undefined> {
    let body: unknown;
    try {
      body = await this.rest.call({ method: "GET", path: ORDER, params: { symbol, orderId }, security: "SIGNED", weight: 4, resendOnUnknown: true, label: "order query" });
    } catch (e) {
      if (!(e instanceof VenueError && e.details.notFound === true)) throw e;
      this.deps.logger.warn({ venue: this.venue, symbol, orderId }, "a trade's order cannot be looked up yet (-2013); its fill is fetched later");
      return undefined;
    }
    const o = orderFromRaw(decode(orderSchema, body, "order"));
    this.tracker.apply(o);
    return o.clientOrderId;
  }

  /** Order updates and fills from the user data stream (one stream shared by all subscribers). */
  async subscribe(handlers: ExecutionHandlers): Promise<Subscription> {
    this.subscribers.add(handlers);
    if (!this.stream) {
      const stream = new UserDataStream(this.rest, this.deps, {
        onEvent: (ev, raw) => this.onUserEvent(ev, raw),
        onOpen: (reconnect) => void this.onStreamOpen(reconnect),
        onClose: (reason) => {
          this.disconnectedAt ??= this.rest.timeSync.now();
          this.emitConnection({ type: "connection", state: "disconnected", reason });
        },
        onError: (e) => this.emitError(e),
      });
      this.stream = stream;
      try {
        await stream.start();
      } catch (e) {
        this.stream = undefined;
        this.subscribers.delete(handlers);
        throw e;
      }
    }
    return {
      close: async () => {
        this.subscribers.delete(handlers);
        if (this.subscribers.size === 0 && this.stream) {
          const s = this.stream;
          this.stream = undefined;
          await s.close();
        }
      },
    };
  }

  private async onStreamOpen(reconnect: boolean): Promise<void> {
    if (!reconnect) return this.emitConnection({ type: "connection", state: "connected" });
    this.emitConnection({ type: "connection", state: "reconnected", gapFrom: this.disconnectedAt });
    const since = (this.disconnectedAt ?? this.rest.timeSync.now()) - 60_000;
    this.disconnectedAt = undefined;
    try {
      // Fills first (trade ids dedupe), then the order states they led to.
      for (const symbol of this.tracker.symbols()) for (const f of await this.fillsSince(symbol, since)) this.ingestFill(f);
      for (const o of this.tracker.open()) await this.getOrder(o.symbol, o.clientOrderId);
    } catch (e) {
      this.emitError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private onUserEvent(ev: unknown, raw: string): void {
    const type = (ev as { e?: unknown }).e;
    try {
      if (type === "executionReport") this.onExecutionReport(decode(executionReportSchema, ev, "executionReport"));
      else if (type === "outboundAccountPosition") decode(accountPositionSchema, ev, "outboundAccountPosition");
      else this.deps.logger.debug({ venue: this.venue, event: String(type) }, "user data event ignored");
    } catch (e) {
      if (e instanceof TradelabError && e.details.raw === undefined) e.details.raw = raw.slice(0, 2000);
      this.emitError(e as Error);
    }
  }

  private onExecutionReport(e: RawExecutionReport): void {
    // A cancel's report carries the cancel request's id in c and the order's own id in C.
    const clientOrderId = e.x === "CANCELED" && e.C ? e.C : e.c;
    if (e.x === "TRADE") {
      const ctx = { ...this.tracker.fillContext(clientOrderId), instrument: this.info.cached(e.s) };
      this.ingestFill({ ...fillFromExecutionReport(e, ctx), clientOrderId });
    }
    const filled = num(e.z, "z");
    const order: Order = {
      clientOrderId,
      symbol: e.s,
      side: sideOf(e.S),
      type: e.o === "MARKET" ? "market" : "limit",
      qty: num(e.q, "q"),
      timeInForce: e.f === "IOC" || e.f === "FOK" ? e.f : "GTC",
      status: orderStatusOf(e.X),
      filledQty: filled,
      avgPrice: filled > 0 ? num(e.Z, "Z") / filled : 0,
      createdTs: e.O,
      updatedTs: e.T,
      venueOrderId: String(e.i),
    };
    if (order.type === "limit") order.price = num(e.p, "p");
    if (e.X === "REJECTED" && e.r !== "NONE") order.rejectReason = e.r;
    this.ingestOrder(order);
  }

  private ingestFill(f: Fill): void {
    if (f.tradeId !== undefined && !this.tracker.firstSeenTrade(f.symbol, f.tradeId)) return;
    for (const h of this.subscribers) h.onFill?.({ type: "fill", fill: f });
  }

  private ingestOrder(o: Order): void {
    if (!this.tracker.apply(o)) return;
    for (const h of this.subscribers) h.onOrder?.({ type: "order", order: o });
  }

  private emitConnection(e: ConnectionEvent): void {
    for (const h of this.subscribers) h.onConnection?.(e);
  }

  private emitError(e: Error): void {
    if (this.subscribers.size === 0) this.deps.logger.error({ venue: this.venue, err: e.message }, "user data stream error");
    for (const h of this.subscribers) h.onError?.(e);
  }
}
