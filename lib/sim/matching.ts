import type { Fill, Liquidity } from "../core/fill";
import type { Order, OrderRequest } from "../core/order";
import { canTransition, isTerminal, remainingQty, transition, validateOrderRequest } from "../core/order";
import type { Result } from "../core/result";
import { err, ok } from "../core/result";
import { DataError, InvariantError, OrderError, TradelabError } from "../core/errors";
import { filterError, newFilterOutcome } from "./filters";
import { MarketStats } from "./market-stats";
import { applySlippage, newSlippageInput } from "./slippage-model";
import type { SymbolModels } from "./symbol-models";
import { hourOfWeek } from "./time";

/**
 * The order after a fill of `qty` at `price`: the same rules as core `applyFill` (overfills throw,
 * a fill within 1e-9 of the rest completes it, the state machine is checked) built as one object
 * literal of a fixed shape, because this runs for every fill in the engine's hot path.
 */
function orderAfterFill(o: Order, qty: number, price: number, ts: number): Order {
  const total = o.filledQty + qty;
  const tol = 1e-9 * Math.max(1, o.qty);
  if (total > o.qty + tol) throw new OrderError("ORDER_INVALID", `order ${o.clientOrderId}: fill of ${qty} overfills (${total} > ${o.qty})`);
  const done = total >= o.qty - tol;
  const status = done ? "filled" : "partially_filled";
  if (!canTransition(o.status, status)) {
    throw new OrderError("ORDER_TRANSITION", `order ${o.clientOrderId}: cannot go from ${o.status} to ${status}`, { details: { clientOrderId: o.clientOrderId, from: o.status, to: status } });
  }
  return {
    clientOrderId: o.clientOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    qty: o.qty,
    price: o.price,
    timeInForce: o.timeInForce,
    reduceOnly: o.reduceOnly,
    status,
    filledQty: done ? o.qty : total,
    avgPrice: (o.avgPrice * o.filledQty + price * qty) / total,
    createdTs: o.createdTs,
    updatedTs: ts,
    venueOrderId: o.venueOrderId,
    rejectReason: o.rejectReason,
  };
}

/** Order updates and fills as the engine produces them. */
export interface EngineListener {
  onOrder?(order: Order): void;
  onFill?(fill: Fill, order: Order): void;
}

/** Venue order features beyond the core request (a Binance-compatible venue needs them). */
export interface SubmitOptions {
  /** Post-only (Binance LIMIT_MAKER): a limit order that would take on arrival expires instead. */
  postOnly?: boolean;
  /**
   * Market order sized in quote (Binance quoteOrderQty): spend (buy) or receive (sell) this much
   * quote; the base quantity is set at the fill, on the step grid. `qty` is then only an estimate.
   */
  quoteQty?: number;
}

export interface MatchingEngineOptions {
  /** Finished orders kept for getOrder and idempotent resubmission (oldest forgotten first). Default 1000. */
  retainFinished?: number;
}

interface Working {
  order: Order;
  submitTs: number;
  arrivalTs: number;
  arrived: boolean;
  queueAhead: number;
  postOnly: boolean;
  /** Quote amount of a quoteOrderQty market order (NaN otherwise). */
  quoteQty: number;
}

/**
 * Event-driven matching of one symbol's orders against closed bars. An order submitted at time t
 * (never before the last processed bar closed) reaches the venue at t + latency and trades in the
 * bar that contains that instant, at the intrabar price there: never in the bar that produced the
 * signal. Market orders take liquidity (slippage + taker fee) up to the participation cap of each
 * bar's volume; limit orders fill as maker when a bar trades through their price (or from the queue
 * model). IOC/FOK cancel what cannot fill at once; GTC remainders carry or cancel per config.
 *
 * Each fill records `requestedPrice` = the market price where the order met the market (intrabar
 * price at arrival, or the bar's open for a carried remainder) for taker fills and the limit price
 * for maker fills, so `slippageCost` is the model's slippage alone (negative for a gap through a
 * resting limit); `ts` is the arrival time in the arrival bar, else the open of the bar that filled
 * it; `latencyMs` is `ts` minus the submission time.
 */
export class MatchingEngine {
  readonly symbol: string;
  readonly stats: MarketStats;
  private readonly m: SymbolModels;
  private readonly orders = new Map<string, Working>();
  private readonly finished: string[] = [];
  private finishedHead = 0;
  private readonly retainFinished: number;
  private readonly active: Working[] = [];
  private readonly out = newFilterOutcome();
  private readonly slip = newSlippageInput();
  private lastBarEnd = Number.NEGATIVE_INFINITY;
  private matching = false;
  private sweepDue = false;
  private lastBarTs = Number.NEGATIVE_INFINITY;
  private fillSeq = 0;
  /** Latest quote spread in bps (NaN = none). */
  quoteSpreadBps = Number.NaN;

  constructor(
    models: SymbolModels,
    private readonly listener: EngineListener = {},
    options: MatchingEngineOptions = {},
  ) {
    this.retainFinished = options.retainFinished ?? 1_000;
    this.m = models;
    this.symbol = models.symbol;
    this.stats = new MarketStats(models.statsHalfLifeBars);
  }

  /** Close time of the last processed bar (orders may not be submitted before it). */
  get lastBarClose(): number {
    return this.lastBarEnd;
  }

  /**
   * Submits an order at `ts`. Malformed orders (negative quantity, NaN price, wrong symbol) throw
   * ORDER_INVALID; filter failures, timeouts and missing prices are returned as coded errors.
   * Resubmitting a known clientOrderId returns the existing order.
   */
  submit(req: OrderRequest, ts: number, opts: SubmitOptions = {}): Result<Order, TradelabError> {
    validateOrderRequest(req);
    if (req.symbol !== this.symbol) {
      throw new OrderError("ORDER_INVALID", `order ${req.clientOrderId}: symbol ${req.symbol} sent to the ${this.symbol} engine`, { details: { symbol: req.symbol } });
    }
    if (!Number.isFinite(ts)) throw new InvariantError(`order ${req.clientOrderId}: submission time ${ts} is not finite`);
    if (ts < this.lastBarEnd) {
      throw new InvariantError(`order ${req.clientOrderId} submitted at ${ts}, before the last processed bar closed (${this.lastBarEnd})`, { symbol: this.symbol });
    }
    const known = this.orders.get(req.clientOrderId);
    if (known !== undefined) return ok(known.order);
    const market = req.type === "market";
    // built directly in state "submitted" (created -> submitted), with one stable object shape
    const order: Order = {
      clientOrderId: req.clientOrderId,
      symbol: req.symbol,
      side: req.side,
      type: req.type,
      qty: req.qty,
      price: req.price,
      timeInForce: req.timeInForce,
      reduceOnly: req.reduceOnly,
      status: "submitted",
      filledQty: 0,
      avgPrice: 0,
      createdTs: ts,
      updatedTs: ts,
      venueOrderId: undefined,
      rejectReason: undefined,
    };
    const f = this.m.filters;
    if (f !== null) {
      const ref = this.stats.lastClose;
      if (market && !(ref > 0)) return this.reject(order, ts, new TradelabError("ORDER_REJECTED", `no market price for ${this.symbol} yet: a market order needs at least one bar`, { details: { symbol: this.symbol } }));
      if (!f.conform(req.side, market, req.qty, req.price ?? Number.NaN, ref, this.out)) {
        return this.reject(order, ts, filterError(this.symbol, req.side, this.out, req.clientOrderId));
      }
      order.qty = this.out.qty;
      if (!market) order.price = this.out.price;
    }
    const latency = this.m.latency.sample(ts);
    if (latency === Number.POSITIVE_INFINITY) {
      return this.reject(order, ts, new TradelabError("VENUE_TIMEOUT", `order ${req.clientOrderId}: every attempt timed out`, { retryable: true, details: { symbol: this.symbol } }));
    }
    const quoteQty = market && opts.quoteQty !== undefined && opts.quoteQty > 0 ? opts.quoteQty : Number.NaN;
    const w: Working = { order, submitTs: ts, arrivalTs: ts + latency, arrived: false, queueAhead: 0, postOnly: opts.postOnly === true && !market, quoteQty };
    this.orders.set(req.clientOrderId, w);
    this.active.push(w);
    this.listener.onOrder?.(order);
    return ok(order);
  }

  /** Cancels an open order at `ts` (an order still in flight is cancelled before it arrives). */
  cancel(clientOrderId: string, ts: number): Result<Order, TradelabError> {
    const w = this.orders.get(clientOrderId);
    if (w === undefined) return err(new TradelabError("ORDER_NOT_FOUND", `unknown order ${clientOrderId} in ${this.symbol}`, { details: { clientOrderId, symbol: this.symbol } }));
    if (isTerminal(w.order.status)) {
      return err(new TradelabError("ORDER_REJECTED", `order ${clientOrderId} is already ${w.order.status}`, { details: { clientOrderId, status: w.order.status } }));
    }
    this.update(w, transition(w.order, "canceled", Math.max(ts, w.order.updatedTs)));
    if (this.matching) this.sweepDue = true;
    else this.sweep();
    return ok(w.order);
  }

  getOrder(clientOrderId: string): Order | undefined {
    return this.orders.get(clientOrderId)?.order;
  }

  openOrders(): Order[] {
    return this.active.map((w) => w.order);
  }

  /** Processes one closed bar: matches working orders against it, then updates market statistics. */
  onBar(ts: number, open: number, high: number, low: number, close: number, volume: number): void {
    if (!(open > 0 && high > 0 && low > 0 && close > 0 && volume >= 0) || !(high >= low) || !Number.isFinite(high) || !Number.isFinite(volume)) {
      throw new DataError(`${this.symbol} bar at ${ts}: invalid OHLCV (${open}, ${high}, ${low}, ${close}, ${volume})`, { symbol: this.symbol, ts });
    }
    if (!(ts > this.lastBarTs)) throw new DataError(`${this.symbol} bar at ${ts} does not come after the previous bar (${this.lastBarTs})`, { symbol: this.symbol, ts });
    const end = ts + this.m.timeframeMs;
    if (this.active.length > 0) this.matchBar(ts, end, open, high, low, close, volume);
    this.stats.update(high, low, close, volume);
    this.lastBarTs = ts;
    this.lastBarEnd = end;
  }

  private matchBar(ts: number, end: number, open: number, high: number, low: number, close: number, volume: number): void {
    let used = 0;
    let anyDone = false;
    // listeners may submit or cancel while we match: new orders wait for the next bar, and the
    // working list is only compacted after the loop
    this.matching = true;
    const n = this.active.length;
    for (let j = 0; j < n; j++) {
      const w = this.active[j]!;
      if (w.arrivalTs >= end || isTerminal(w.order.status)) continue;
      const firstBar = !w.arrived;
      const fillTs = w.arrivalTs > ts ? w.arrivalTs : ts;
      const o = w.order;
      if (firstBar) {
        w.arrived = true;
        const frac = (fillTs - ts) / this.m.timeframeMs;
        const px = this.m.intrabar.priceAt(open, high, low, close, frac);
        const marketable = o.type === "market" || (o.side === "buy" ? o.price! >= px : o.price! <= px);
        if (marketable && w.postOnly) {
          this.update(w, transition(o, "expired", fillTs));
        } else if (marketable) {
          used += this.take(w, fillTs, px, volume, used);
        } else if (o.timeInForce === "GTC") {
          this.update(w, transition(o, "accepted", fillTs));
          w.queueAhead = this.m.fill.initialQueue(volume);
          used += this.rest(w, fillTs, open, high, low, volume, used, true);
        }
      } else if (o.type === "market") {
        used += this.take(w, ts, this.m.intrabar.priceAt(open, high, low, close, 0), volume, used);
      } else {
        used += this.rest(w, ts, open, high, low, volume, used, false);
      }
      if (!isTerminal(w.order.status) && (w.order.timeInForce !== "GTC" || (w.order.type === "market" && !this.m.fill.carryRemainder))) {
        this.update(w, transition(w.order, "expired", fillTs));
      }
      if (isTerminal(w.order.status)) anyDone = true;
    }
    this.matching = false;
    if (anyDone || this.sweepDue) this.sweep();
  }

  /** Drops finished orders from the working list and forgets the oldest beyond the retention limit. */
  private sweep(): void {
    this.sweepDue = false;
    const a = this.active;
    let k = 0;
    for (let j = 0; j < a.length; j++) {
      const w = a[j]!;
      if (isTerminal(w.order.status)) this.finished.push(w.order.clientOrderId);
      else a[k++] = w;
    }
    a.length = k;
    while (this.finished.length - this.finishedHead > this.retainFinished) this.orders.delete(this.finished[this.finishedHead++]!);
    if (this.finishedHead > 4096 && this.finishedHead * 2 > this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
  }

  /** Takes liquidity at `ref` plus slippage, up to the bar's remaining capacity. Returns the quantity filled. */
  private take(w: Working, ts: number, ref: number, volume: number, used: number): number {
    let o = w.order;
    if (w.quoteQty === w.quoteQty && o.filledQty === 0) {
      o = w.order = this.sizeFromQuote(o, w.quoteQty, ts, ref);
      if (!(o.qty > 0)) return 0;
    }
    const remaining = remainingQty(o);
    const cap = this.m.fill.capacity(volume, used);
    if (o.timeInForce === "FOK" && cap < remaining) return 0;
    let q = remaining <= cap ? remaining : cap;
    if (q < remaining && this.m.filters !== null) q = this.m.filters.roundQty(q, o.type === "market");
    if (!(q > 0)) return 0;
    let price = this.takerPriceFor(o.side, q, ts, ref);
    if (o.type === "limit") price = o.side === "buy" ? Math.min(price, o.price!) : Math.max(price, o.price!);
    this.emitFill(w, ts, q, ref, price, "taker");
    return q;
  }

  /** The price a taker of `qty` gets at `ref`: slippage, then the tick grid against the taker. */
  private takerPriceFor(side: Order["side"], qty: number, ts: number, ref: number): number {
    const s = this.slip;
    s.side = side;
    s.qty = qty;
    s.price = ref;
    s.hourOfWeek = hourOfWeek(ts);
    s.sigma = this.stats.sigma;
    s.volume = this.stats.volume;
    s.lastRangeBps = this.stats.lastRangeBps;
    s.quoteSpreadBps = this.quoteSpreadBps;
    const price = applySlippage(side, ref, this.m.slippage.bps(s));
    return this.m.filters !== null ? this.m.filters.takerPrice(side, price) : price;
  }

  /**
   * A quote-sized market order gets its base quantity where it meets the market: the largest step
   * multiple whose notional at the execution price does not exceed the quote amount (the price
   * is that of the first estimate, quote / ref; slippage barely moves with a one-step change).
   */
  private sizeFromQuote(o: Order, quoteQty: number, ts: number, ref: number): Order {
    const px = this.takerPriceFor(o.side, quoteQty / ref, ts, ref);
    let q = quoteQty / px;
    if (this.m.filters !== null) q = this.m.filters.roundQty(q, true);
    return { ...o, qty: q > 0 ? q : 0 };
  }

  /** A resting limit order against one bar (maker). Returns the quantity filled. */
  private rest(w: Working, ts: number, open: number, high: number, low: number, volume: number, used: number, arrivalBar: boolean): number {
    const o = w.order;
    const fm = this.m.fill;
    const limit = o.price!;
    if (!fm.reached(o.side, limit, high, low)) return 0;
    let avail = fm.capacity(volume, used);
    if (fm.queueAware) {
      const level = fm.levelVolume(o.side, limit, high, low, volume, this.m.filters?.instrument.tickSize ?? 0);
      const eaten = Math.min(w.queueAhead, level);
      w.queueAhead -= eaten;
      avail = Math.min(avail, level - eaten);
    }
    const remaining = remainingQty(o);
    let q = remaining <= avail ? remaining : avail;
    if (q < remaining && this.m.filters !== null) q = this.m.filters.roundQty(q, false);
    if (!(q > 0)) return 0;
    const price = arrivalBar ? limit : fm.limitPrice(o.side, limit, open);
    this.emitFill(w, ts, q, limit, price, "maker");
    return q;
  }

  private emitFill(w: Working, ts: number, qty: number, requested: number, price: number, liquidity: Liquidity): void {
    const o = w.order;
    const fromBase = o.side === "buy" && this.m.buyFeeFromBase;
    const fee = fromBase ? this.m.fees.baseFee(qty, price, liquidity) : this.m.fees.fee(o.side, qty, price, liquidity);
    const slippageCost = o.side === "buy" ? (price - requested) * qty : (requested - price) * qty;
    const fill: Fill = {
      ts,
      symbol: this.symbol,
      clientOrderId: o.clientOrderId,
      side: o.side,
      qty,
      requestedPrice: requested,
      price,
      fee,
      feeAsset: fromBase ? this.m.baseAsset : this.m.feeAsset,
      feeFromBase: fromBase || undefined,
      slippageCost,
      latencyMs: ts - w.submitTs,
      liquidity,
      tradeId: `${this.symbol}-${++this.fillSeq}`,
    };
    w.order = orderAfterFill(o, qty, price, ts);
    this.listener.onFill?.(fill, w.order);
    this.listener.onOrder?.(w.order);
  }

  private update(w: Working, next: Order): void {
    w.order = next;
    this.listener.onOrder?.(next);
  }

  private reject(order: Order, ts: number, e: TradelabError): Result<Order, TradelabError> {
    // like a venue, a rejected order is not kept: resubmitting its id is a new attempt
    this.listener.onOrder?.(transition(order, "rejected", ts, { rejectReason: e.message }));
    return err(e);
  }
}
