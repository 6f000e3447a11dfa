import type { Clock } from "../../core/clock";
import { OrderError, TradelabError, VenueError } from "../../core/errors";
import type { Fill } from "../../core/fill";
import type { Order, OrderRequest } from "../../core/order";
import { isTerminal, validateOrderRequest } from "../../core/order";
import type { Balance, ExecutionHandlers, ExecutionPort, VenuePosition } from "../../core/ports/execution.port";
import type { Subscription } from "../../core/ports/market-data.port";
import { err, ok, type Result } from "../../core/result";
import { backoffDelay, sleep as realSleep } from "../../infra/http/backoff";
import type { LogSink } from "../../infra/http/logger";
import type { AlpacaConfig } from "./config";
import { isDuplicateClientOrderId } from "./errors";
import type { AlpacaHttp, AlpacaOrderBody } from "./http";
import { parseBalances, parseClock, parseOrder, parsePosition, parseTradeUpdateFill, type MarketClock } from "./parse";
import type { RawTradeUpdate } from "./schemas";
import { AlpacaTradingStream } from "./ws";

export interface AlpacaExecutionDeps {
  clock: Clock;
  logger: LogSink;
  /** Uniform [0, 1) for retry jitter. Default: no jitter (one process placing orders needs none). */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Alpaca accepts client order ids up to 128 characters. */
const MAX_CLIENT_ORDER_ID = 128;

function asTradelab(e: unknown): TradelabError {
  if (e instanceof TradelabError) return e;
  throw e; // not an expected outcome: a programming error or a broken invariant
}

/** Decimal text without exponent or float noise (Alpaca takes decimals as strings). */
export function formatDecimal(x: number, maxDp = 9): string {
  const s = x.toFixed(maxDp);
  return s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s;
}

/**
 * Alpaca order entry (Trading API v2) and the trade_updates stream, as an ExecutionPort.
 *
 * submit() is idempotent by client order id: after a timeout, a 5xx or a dropped connection it
 * first looks the order up by client_order_id and only resends when Alpaca has no such order; a
 * resend that meets "client_order_id must be unique" returns the existing order. So a retried
 * submit never creates a second order.
 */
export class AlpacaExecution implements ExecutionPort {
  private readonly known = new Map<string, Order>();

  constructor(
    readonly venue: string,
    private readonly cfg: AlpacaConfig,
    private readonly http: AlpacaHttp,
    private readonly deps: AlpacaExecutionDeps,
  ) {}

  async submit(req: OrderRequest): Promise<Result<Order, TradelabError>> {
    try {
      validateOrderRequest(req);
      if (req.clientOrderId.length > MAX_CLIENT_ORDER_ID) {
        throw new OrderError("ORDER_INVALID", `order ${req.clientOrderId}: client order id longer than ${MAX_CLIENT_ORDER_ID} characters`);
      }
      if (req.reduceOnly) await this.checkReduceOnly(req);
    } catch (e) {
      return err(asTradelab(e));
    }
    const body = this.orderBody(req);
    let last: TradelabError | undefined;
    for (let attempt = 0; attempt <= this.cfg.maxRetries; attempt++) {
      try {
        return ok(this.remember(parseOrder(await this.http.createOrder(body))));
      } catch (e) {
        last = asTradelab(e);
        if (isDuplicateClientOrderId(last)) return this.existing(req.clientOrderId, last);
        if (!last.retryable || attempt === this.cfg.maxRetries) break;
        const waitMs = last.code === "RATE_LIMITED" && typeof last.details.retryAfterMs === "number" ? last.details.retryAfterMs : this.backoff(attempt);
        this.deps.logger.warn({ venue: this.venue, clientOrderId: req.clientOrderId, code: last.code, attempt: attempt + 1, delayMs: waitMs }, "alpaca order submit failed, checking before resend");
        await (this.deps.sleep ?? realSleep)(waitMs);
        // 429 means refused before processing; anything else may have created the order.
        if (last.code !== "RATE_LIMITED") {
          const found = await this.lookup(req.clientOrderId);
          if (found) return ok(found);
        }
      }
    }
    return err(last ?? new VenueError("VENUE_UNAVAILABLE", `alpaca order ${req.clientOrderId}: not submitted`));
  }

  async cancel(_symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>> {
    try {
      const raw = await this.http.orderByClientId(clientOrderId);
      if (!raw) return err(this.notFound(clientOrderId));
      const order = this.remember(parseOrder(raw));
      if (isTerminal(order.status)) return ok(order);
      try {
        await this.http.cancelOrder(raw.id);
      } catch (e) {
        // 422: no longer cancelable (it filled or expired in between); report its current state.
        if (!(e instanceof VenueError) || e.details.status !== 422) throw e;
      }
      const after = await this.http.orderByClientId(clientOrderId);
      return after ? ok(this.remember(parseOrder(after))) : err(this.notFound(clientOrderId));
    } catch (e) {
      return err(asTradelab(e));
    }
  }

  async getOrder(_symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>> {
    try {
      const raw = await this.http.orderByClientId(clientOrderId);
      return raw ? ok(this.remember(parseOrder(raw))) : err(this.notFound(clientOrderId));
    } catch (e) {
      return err(asTradelab(e));
    }
  }

  async openOrders(symbol?: string): Promise<Order[]> {
    const raw = await this.http.orders("open", symbol ? [symbol] : undefined);
    return raw.map((r) => this.remember(parseOrder(r)));
  }

  async positions(): Promise<VenuePosition[]> {
    return (await this.http.positions()).map(parsePosition);
  }

  async balances(): Promise<Balance[]> {
    return parseBalances(await this.http.account());
  }

  /** Market open/close times (GET /v2/clock). */
  async marketClock(): Promise<MarketClock> {
    return parseClock(await this.http.clock());
  }

  /** Order updates and fills from trade_updates; after a reconnect, tracked open orders are re-read. */
  async subscribe(handlers: ExecutionHandlers): Promise<Subscription> {
    const tracker = new UpdateTracker(this.known, handlers);
    const stream = new AlpacaTradingStream(
      this.cfg,
      (u) => tracker.update(u),
      {
        onReady: ({ reconnect }) => {
          handlers.onConnection?.({ type: "connection", state: reconnect ? "reconnected" : "connected" });
          if (reconnect) void this.reconcile(tracker, handlers);
        },
        onDisconnect: (reason) => handlers.onConnection?.({ type: "connection", state: "disconnected", reason }),
        onError: (e) => {
          this.deps.logger.warn({ venue: this.venue, code: (e as { code?: string }).code, err: e.message }, "alpaca trading stream error");
          handlers.onError?.(e);
        },
      },
      { logger: this.deps.logger, ...(this.deps.random ? { random: this.deps.random } : {}) },
    );
    await stream.start();
    return { close: () => stream.close() };
  }

  private async reconcile(tracker: UpdateTracker, handlers: ExecutionHandlers): Promise<void> {
    for (const o of [...this.known.values()].filter((x) => !isTerminal(x.status))) {
      try {
        const raw = await this.http.orderByClientId(o.clientOrderId);
        if (raw) tracker.reread(parseOrder(raw));
      } catch (e) {
        handlers.onError?.(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  private orderBody(req: OrderRequest): AlpacaOrderBody {
    // Alpaca takes fractional quantities only as day orders.
    const resting = Number.isInteger(req.qty) ? this.cfg.gtcAs : "day";
    const tif = req.timeInForce === "IOC" ? "ioc" : req.timeInForce === "FOK" ? "fok" : resting;
    const body: AlpacaOrderBody = { symbol: req.symbol, qty: formatDecimal(req.qty), side: req.side, type: req.type, time_in_force: tif, client_order_id: req.clientOrderId };
    if (req.type === "limit" && req.price !== undefined) body.limit_price = formatDecimal(req.price);
    if (this.cfg.extendedHours && req.type === "limit" && tif === "day") body.extended_hours = true;
    return body;
  }

  /** Alpaca has no reduce-only flag: check the order against the current position instead. */
  private async checkReduceOnly(req: OrderRequest): Promise<void> {
    const raw = await this.http.position(req.symbol);
    const pos = raw ? parsePosition(raw).qty : 0;
    const reduces = (req.side === "sell" && pos > 0 && req.qty <= pos + 1e-9) || (req.side === "buy" && pos < 0 && req.qty <= -pos + 1e-9);
    if (!reduces) {
      throw new OrderError("ORDER_REJECTED", `order ${req.clientOrderId}: reduce-only ${req.side} of ${req.qty} ${req.symbol} would not reduce the position (${pos})`, {
        details: { clientOrderId: req.clientOrderId, symbol: req.symbol, position: pos },
      });
    }
  }

  private async existing(clientOrderId: string, cause: TradelabError): Promise<Result<Order, TradelabError>> {
    const found = await this.lookup(clientOrderId);
    return found ? ok(found) : err(cause);
  }

  private async lookup(clientOrderId: string): Promise<Order | null> {
    try {
      const raw = await this.http.orderByClientId(clientOrderId);
      return raw ? this.remember(parseOrder(raw)) : null;
    } catch (e) {
      this.deps.logger.warn({ venue: this.venue, clientOrderId, err: (e as Error).message }, "alpaca order lookup failed");
      return null;
    }
  }

  private remember(o: Order): Order {
    this.known.set(o.clientOrderId, o);
    return o;
  }

  private notFound(clientOrderId: string): VenueError {
    return new VenueError("ORDER_NOT_FOUND", `alpaca: no order with client order id ${clientOrderId}`, { details: { venue: "alpaca", clientOrderId } });
  }

  private backoff(attempt: number): number {
    const policy = { initialMs: this.cfg.retryBaseMs, maxMs: 30_000, factor: 2, jitter: this.deps.random ? ("equal" as const) : ("none" as const) };
    return backoffDelay(attempt, policy, this.deps.random ?? (() => 0));
  }
}

/**
 * Turns trade_updates into OrderEvents and FillEvents. Replayed updates (same execution id) are
 * dropped; an update older than what is known (smaller filled quantity, or a live status after a
 * terminal one) does not roll the order back. Fill quantities are counted per order, so an order
 * re-read after a reconnect yields exactly the fills the stream missed.
 */
class UpdateTracker {
  private readonly executions = new Set<string>();
  /** Quantity and notional already reported as fills, per client order id. */
  private readonly reported = new Map<string, { qty: number; notional: number }>();

  constructor(
    private readonly known: Map<string, Order>,
    private readonly handlers: ExecutionHandlers,
  ) {}

  update(u: RawTradeUpdate): void {
    const order = parseOrder(u.order);
    const replay = u.execution_id !== undefined && this.executions.has(u.execution_id);
    if (u.execution_id) this.executions.add(u.execution_id);
    if (!replay) {
      const reported = this.reportedOf(order.clientOrderId).qty;
      const fill = parseTradeUpdateFill(u, order, reported);
      // A late update may carry a fill already counted in a later cumulative one: never overfill.
      const ceiling = Math.max(order.filledQty, this.known.get(order.clientOrderId)?.filledQty ?? 0);
      if (fill && reported + fill.qty <= ceiling + 1e-9 * Math.max(1, ceiling)) this.report(fill);
    }
    this.apply(order);
  }

  /** An order re-read over REST after a reconnect: emit what the stream missed. */
  reread(order: Order): void {
    const r = this.reportedOf(order.clientOrderId);
    const delta = order.filledQty - r.qty;
    if (delta > 1e-9 * Math.max(1, order.qty)) {
      const price = (order.avgPrice * order.filledQty - r.notional) / delta;
      this.report({
        ts: order.updatedTs,
        symbol: order.symbol,
        clientOrderId: order.clientOrderId,
        side: order.side,
        qty: delta,
        requestedPrice: order.price ?? price,
        price,
        fee: 0,
        feeAsset: "USD",
        slippageCost: order.price === undefined ? 0 : (order.side === "buy" ? price - order.price : order.price - price) * delta,
        latencyMs: Math.max(0, order.updatedTs - order.createdTs),
        liquidity: order.type === "market" ? "taker" : "maker",
      });
    }
    const prev = this.known.get(order.clientOrderId);
    if (prev && prev.status === order.status && prev.filledQty === order.filledQty) return;
    this.apply(order);
  }

  private reportedOf(clientOrderId: string): { qty: number; notional: number } {
    return this.reported.get(clientOrderId) ?? { qty: 0, notional: 0 };
  }

  private report(fill: Fill): void {
    const r = this.reportedOf(fill.clientOrderId);
    this.reported.set(fill.clientOrderId, { qty: r.qty + fill.qty, notional: r.notional + fill.qty * fill.price });
    this.handlers.onFill?.({ type: "fill", fill });
  }

  private apply(order: Order): void {
    const prev = this.known.get(order.clientOrderId);
    const stale = prev !== undefined && (order.filledQty < prev.filledQty || (isTerminal(prev.status) && !isTerminal(order.status)));
    const same = prev !== undefined && prev.status === order.status && prev.filledQty === order.filledQty && prev.updatedTs === order.updatedTs;
    if (stale || same) return;
    this.known.set(order.clientOrderId, order);
    this.handlers.onOrder?.({ type: "order", order });
  }
}
