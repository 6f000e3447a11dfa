import { TradelabError, VenueError, isTradelabError } from "../../core/errors";
import type { ConnectionEvent } from "../../core/events";
import type { Fill } from "../../core/fill";
import { validateOrderRequest, type Order, type OrderRequest } from "../../core/order";
import type { Balance, ExecutionHandlers, ExecutionPort, VenuePosition } from "../../core/ports/execution.port";
import type { Subscription } from "../../core/ports/market-data.port";
import { err, ok, type Result } from "../../core/result";
import { backoffDelay, sleep as realSleep } from "../../infra/http/backoff";
import type { VenueDeps } from "../capabilities";
import { binanceCodeOf, isOutcomeUnknown } from "./errors";
import type { BinanceExchangeInfo } from "./exchange-info";
import type { BinanceRest } from "./http";
import { OrderTracker } from "./order-tracker";
import { balancesFromAccount, decode, fillFromExecutionReport, fillFromMyTrade, fillFromOrderFill, formatDecimal, num, orderFromRaw, orderStatusOf, sideOf } from "./parse";
import { accountPositionSchema, accountSchema, executionReportSchema, myTradesSchema, openOrdersSchema, orderSchema, type RawExecutionReport } from "./schemas";
import { UserDataStream } from "./user-stream";

const ORDER = "/api/v3/order";

/**
 * Spot order entry. New orders carry the caller's clientOrderId (newClientOrderId). When a submit's
 * outcome is unknown (timeout, 5xx, dropped connection) the adapter waits until the request's
 * recvWindow has passed at the venue, queries the clientOrderId, and resends only when the venue
 * confirms the order does not exist: a retry never creates a second order.
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
        quantity: formatDecimal(req.qty, step || undefined),
        price: req.type === "limit" ? formatDecimal(req.price!, inst.tickSize || undefined) : undefined,
        newClientOrderId: req.clientOrderId,
        newOrderRespType: this.rest.cfg.newOrderRespType,
      };
      this.tracker.noteSubmitted(req, this.deps.clock.now());
      for (let attempt = 0; ; attempt++) {
        try {
          const body = await this.rest.call({ method: "POST", path: ORDER, params, security: "SIGNED", weight: 1, resendOnUnknown: false, label: "order new" });
          return ok(this.ingestOrderResponse(body, req));
        } catch (e) {
          if (isOutcomeUnknown(e)) {
            const found = await this.resolveUnknown(req, e as VenueError);
            if (found) return ok(found);
            if (attempt >= this.rest.cfg.maxRetries) return err(e as VenueError);
            this.deps.logger.warn({ venue: this.venue, clientOrderId: req.clientOrderId, attempt: attempt + 1 }, "order confirmed absent after an unknown outcome, resending");
            await this.wait(backoffDelay(attempt, { ...this.rest.cfg.retryBackoff, factor: 2, jitter: "none" }, () => 0));
            continue;
          }
          if (e instanceof VenueError && e.details.duplicate === true) {
            const q = await this.getOrder(req.symbol, req.clientOrderId);
            if (q.ok) return q;
          }
          throw e;
        }
      }
    } catch (e) {
      if (isTradelabError(e)) return err(e);
      throw e;
    }
  }

  /**
   * After an unknown outcome: wait until the venue can no longer accept the request (its timestamp +
   * recvWindow has passed in venue time), then look the order up. Returns the order, or undefined
   * when the venue confirms it does not exist. Throws the original error when the lookup itself fails.
   */
  private async resolveUnknown(req: OrderRequest, cause: VenueError): Promise<Order | undefined> {
    const sentAt = typeof cause.details.requestTimestamp === "number" ? cause.details.requestTimestamp : this.rest.timeSync.now();
    const waitMs = sentAt + this.rest.cfg.recvWindowMs + 1000 - this.rest.timeSync.now();
    this.deps.logger.warn({ venue: this.venue, clientOrderId: req.clientOrderId, code: cause.code, waitMs: Math.max(0, waitMs) }, "order outcome unknown, querying by clientOrderId");
    if (waitMs > 0) await this.wait(waitMs);
    const q = await this.getOrder(req.symbol, req.clientOrderId);
    if (q.ok) return q.value;
    if (q.error.details.notFound === true) return undefined;
    Object.assign(cause.details, { lookupError: q.error.message });
    throw cause;
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
      return ok(this.ingestOrderResponse(body));
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
        out.push(fillFromMyTrade(t, cid, { ...this.tracker.fillContext(cid), instrument: inst }));
      }
      if (trades.length < 1000) return out;
      params = { symbol, fromId: trades[trades.length - 1]!.id + 1, limit: 1000 };
    }
  }

  private async clientIdByOrderId(symbol: string, orderId: number): Promise<string> {
    const body = await this.rest.call({ method: "GET", path: ORDER, params: { symbol, orderId }, security: "SIGNED", weight: 4, resendOnUnknown: true, label: "order query" });
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
