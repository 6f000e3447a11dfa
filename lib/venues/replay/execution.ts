import type { Fill } from "../../core/fill";
import type { Order } from "../../core/order";
import type { SimulatedVenue } from "../../sim/simulated-venue";
import { wire, wireErrorOf, type WireError } from "./errors";
import type { ReplayExchangeInfo } from "./exchange-info";
import { failedFilter, units, unitsOfNumber, unitsToString } from "./order-filters";
import { STATUS, cancelView, dec8, executionReport, isOpen, newOrderView, queryView, type OrderRecord, type TradeRecord } from "./order-views";
import { dec, type ParsedOrder } from "./parse";

export type { OrderRecord, TradeRecord } from "./order-views";

export type Reply = { status: number; body: unknown } | WireError;

/** How a new order is answered: at once, or (MARKET, IOC, FOK) once the simulator has decided its fate. */
export interface NewOrderOptions {
  /** Validate only (POST /api/v3/order/test): answers {} or the commission rates, sends nothing. */
  test?: boolean;
  computeCommissionRates?: boolean;
  /** Called when the answer is held for the simulated fill (the request then no longer blocks the replay). */
  onHold?: () => void;
}

const ZERO = BigInt(0);

/**
 * Order entry of the replay exchange, in Binance terms, over the simulator's SimulatedVenue (which
 * does every fill, fee, slippage, latency and filter calculation). Validates like Binance (exact
 * decimal filters, never rounding), answers MARKET/IOC/FOK orders synchronously with their final
 * state and fills (the answer is held until the simulated fill in a later bar), and turns the
 * simulator's order and fill events into executionReport / outboundAccountPosition events.
 */
export class ReplayOrders {
  private readonly byId = new Map<number, OrderRecord>();
  private readonly bySimId = new Map<string, OrderRecord>();
  /** Newest order per client id (lookups by origClientOrderId). */
  private readonly latestByClientId = new Map<string, OrderRecord>();
  private readonly trades: TradeRecord[] = [];
  private readonly pendingFills = new Map<string, Fill[]>();
  /** Answers held until the order is final, by orderId. */
  private readonly waiting = new Map<number, () => void>();
  private orderSeq = 0;
  private tradeSeq = 0;
  private cancelSeq = 0;
  private genSeq = 0;
  private ended = false;
  private holding = false;
  /** Simulator events of orders whose submission has not returned yet (held back until it is accepted). */
  private readonly held = new Map<string, Order[]>();

  constructor(
    private readonly venue: SimulatedVenue,
    private readonly info: ReplayExchangeInfo,
    private readonly now: () => number,
    private readonly emit: (event: Record<string, unknown>) => void,
  ) {}

  async start(): Promise<void> {
    await this.venue.subscribe({ onOrder: (e) => this.onOrder(e.order), onFill: (e) => this.onFill(e.fill) });
  }

  get counts(): { orders: number; trades: number } {
    return { orders: this.byId.size, trades: this.trades.length };
  }

  newClientOrderId(): string {
    return `replay-${++this.genSeq}`;
  }

  /**
   * Whether answers may wait for a later bar: only while the replay moves on by itself. A paused
   * replay (manual stepping, or not started yet) cannot reach the fill, so it answers at once with
   * the order's state; pausing releases the answers held so far.
   */
  setHolding(on: boolean): void {
    this.holding = on && !this.ended;
    if (!this.holding) this.releaseAll();
  }

  /** No more bars will come: every held answer is given now with the order's state, and later orders are answered at once. */
  endOfReplay(): void {
    this.ended = true;
    this.setHolding(false);
  }

  private releaseAll(): void {
    for (const release of [...this.waiting.values()]) release();
  }

  async newOrder(p: ParsedOrder, o: NewOrderOptions = {}): Promise<Reply> {
    const { req } = p;
    const entry = this.info.symbol(req.symbol);
    if (!entry) return wire.badSymbol();
    const lastPrice = this.venue.lastPrice(req.symbol);
    const ref = lastPrice > 0 ? unitsOfNumber(lastPrice) : undefined;
    const failed = failedFilter(entry, { side: req.side === "buy" ? "BUY" : "SELL", market: p.type === "MARKET", price: p.price, quantity: p.quantity, quoteOrderQty: p.quoteOrderQty, ref });
    if (failed) return wire.filter(failed);
    if (p.type === "LIMIT_MAKER" && ref !== undefined && p.price !== undefined && (req.side === "buy" ? p.price >= ref : p.price <= ref)) return wire.wouldTake();
    let qty = req.qty;
    if (p.quoteOrderQty !== undefined) {
      if (ref === undefined) return wire.rejected("Order book liquidity is less than symbol minimum quantity.");
      qty = this.estimateQty(entry.filters, p.quoteOrderQty, ref);
      if (!(qty > 0)) return wire.rejected("Order book liquidity is less than `LOT_SIZE` filter minimum quantity.");
    }
    if (o.test) return { status: 200, body: o.computeCommissionRates ? await this.commissionRates(req.symbol) : {} };
    if (this.isOpenId(req.clientOrderId)) return wire.duplicate();

    const t = this.now();
    const orderId = ++this.orderSeq;
    // the simulator keeps finished orders by id: a reused (closed) client id gets a fresh one there
    const simId = this.bySimId.has(req.clientOrderId) ? `${req.clientOrderId}#${orderId}` : req.clientOrderId;
    const rec: OrderRecord = {
      orderId, clientOrderId: req.clientOrderId, simId, symbol: req.symbol, side: req.side === "buy" ? "BUY" : "SELL", type: p.type,
      timeInForce: p.type === "LIMIT" ? req.timeInForce : "GTC", price: req.price ?? 0, origQty: qty,
      origQuoteOrderQty: p.quoteOrderQty !== undefined ? Number(unitsToString(p.quoteOrderQty, 20)) : 0, executedQty: 0, cumQuote: 0, status: "NEW", time: t, updateTime: t,
    };
    this.byId.set(orderId, rec);
    this.bySimId.set(simId, rec);
    const previous = this.latestByClientId.get(rec.clientOrderId);
    this.latestByClientId.set(rec.clientOrderId, rec);
    this.held.set(simId, []);
    const quoteQty = p.quoteOrderQty !== undefined ? Number(unitsToString(p.quoteOrderQty, 20)) : undefined;
    const r = await this.venue.submit({ ...req, clientOrderId: simId, qty }, { postOnly: p.type === "LIMIT_MAKER", quoteQty });
    const events = this.held.get(simId) ?? [];
    this.held.delete(simId);
    if (!r.ok) {
      // like Binance, a rejected order is not kept
      this.byId.delete(orderId);
      this.bySimId.delete(simId);
      if (previous) this.latestByClientId.set(rec.clientOrderId, previous);
      else this.latestByClientId.delete(rec.clientOrderId);
      return wireErrorOf(r.error, entry.filters.some((f) => f.filterType === "NOTIONAL"));
    }
    for (const e of events) this.onOrder(e);
    const answersNow = p.respType === "ACK" || !this.holding || !isOpen(rec.status) || (req.type === "limit" && req.timeInForce === "GTC");
    if (!answersNow) {
      o.onHold?.();
      await new Promise<void>((resolve) => this.waiting.set(orderId, resolve));
      this.waiting.delete(orderId);
    }
    const transactTime = answersNow ? t : rec.updateTime;
    return { status: 200, body: newOrderView(rec, p.respType, transactTime, this.trades.filter((x) => x.orderId === orderId)) };
  }

  /** The base quantity a quote amount buys at `ref`, on the LOT_SIZE (and MARKET_LOT_SIZE) step grid. */
  private estimateQty(filters: readonly { filterType: string }[], quote: bigint, ref: bigint): number {
    const unit = BigInt(10) ** BigInt(20);
    let q = (quote * unit) / ref;
    for (const f of filters as readonly Record<string, unknown>[]) {
      if (f.filterType !== "LOT_SIZE" && f.filterType !== "MARKET_LOT_SIZE") continue;
      const step = typeof f.stepSize === "string" ? (units(f.stepSize) ?? ZERO) : ZERO;
      if (step > ZERO) q -= q % step;
    }
    return Number(unitsToString(q, 20));
  }

  private isOpenId(clientOrderId: string): boolean {
    const rec = this.latestByClientId.get(clientOrderId);
    return rec !== undefined && isOpen(rec.status);
  }

  private async commissionRates(symbol: string): Promise<Record<string, unknown>> {
    const f = await this.venue.fees(symbol);
    const rate = (bps: number) => dec(bps / 10_000);
    return {
      standardCommissionForOrder: { maker: rate(f.makerBps), taker: rate(f.takerBps) },
      specialCommissionForOrder: { maker: dec(0), taker: dec(0) },
      taxCommissionForOrder: { maker: dec(0), taker: dec(0) },
      discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: "BNB", discount: dec(0) },
    };
  }

  /** Binance lookup: orderId first (and origClientOrderId must then match it), else the newest order with that client id. */
  private find(symbol: string, orderId?: string, origClientOrderId?: string): OrderRecord | undefined {
    let rec: OrderRecord | undefined;
    if (orderId !== undefined) {
      rec = this.byId.get(Number(orderId));
      if (rec && origClientOrderId !== undefined && rec.clientOrderId !== origClientOrderId) return undefined;
    } else if (origClientOrderId !== undefined) rec = this.latestByClientId.get(origClientOrderId);
    return rec && rec.symbol === symbol ? rec : undefined;
  }

  query(symbol: string, orderId?: string, origClientOrderId?: string): Reply {
    if (orderId === undefined && origClientOrderId === undefined) return wire.eitherParam("orderId", "origClientOrderId");
    const rec = this.find(symbol, orderId, origClientOrderId);
    return rec ? { status: 200, body: queryView(rec) } : wire.noSuchOrder();
  }

  async cancel(q: { symbol: string; orderId?: string; origClientOrderId?: string; newClientOrderId?: string; cancelRestrictions?: string }): Promise<Reply> {
    if (q.orderId === undefined && q.origClientOrderId === undefined) return wire.eitherParam("orderId", "origClientOrderId");
    if (q.cancelRestrictions !== undefined && q.cancelRestrictions !== "ONLY_NEW" && q.cancelRestrictions !== "ONLY_PARTIALLY_FILLED") return wire.badCancelRestrictions();
    const rec = this.find(q.symbol, q.orderId, q.origClientOrderId);
    if (!rec || !isOpen(rec.status)) return wire.unknownOrder();
    if ((q.cancelRestrictions === "ONLY_NEW" && rec.status !== "NEW") || (q.cancelRestrictions === "ONLY_PARTIALLY_FILLED" && rec.status !== "PARTIALLY_FILLED")) return wire.cancelRestricted();
    const cancelId = q.newClientOrderId ?? `replay-cancel-${++this.cancelSeq}`;
    const before = rec.cancelClientId;
    rec.cancelClientId = cancelId;
    const r = await this.venue.cancel(q.symbol, rec.simId);
    if (!r.ok) {
      rec.cancelClientId = before;
      return wireErrorOf(r.error, false);
    }
    return { status: 200, body: cancelView(rec, cancelId, this.now()) };
  }

  openOrders(symbol?: string): Reply {
    const list = [...this.byId.values()].filter((o) => isOpen(o.status) && (symbol === undefined || o.symbol === symbol));
    return { status: 200, body: list.map(queryView) };
  }

  myTrades(symbol: string, q: { orderId?: number; startTime?: number; endTime?: number; fromId?: number; limit: number }): Reply {
    const out = this.trades.filter(
      (t) =>
        t.symbol === symbol &&
        (q.orderId === undefined || t.orderId === q.orderId) &&
        (q.fromId === undefined || t.id >= q.fromId) &&
        (q.startTime === undefined || t.time >= q.startTime) &&
        (q.endTime === undefined || t.time <= q.endTime),
    );
    return {
      status: 200,
      body: out.slice(0, q.limit).map((t) => ({
        symbol: t.symbol, id: t.id, orderId: t.orderId, orderListId: -1, price: dec(t.price), qty: dec(t.qty), quoteQty: dec8(t.price * t.qty),
        commission: dec(t.commission), commissionAsset: t.commissionAsset, time: t.time, isBuyer: t.isBuyer, isMaker: t.isMaker, isBestMatch: true,
      })),
    };
  }

  async account(omitZero: boolean, symbols: readonly string[]): Promise<Reply> {
    const fees = await this.venue.fees(symbols[0]!);
    const balances = (await this.venue.balances()).filter((b) => !omitZero || b.free + b.locked > 0);
    const rate = (bps: number) => dec(bps / 10_000);
    return {
      status: 200,
      body: {
        makerCommission: Math.round(fees.makerBps), takerCommission: Math.round(fees.takerBps), buyerCommission: 0, sellerCommission: 0,
        commissionRates: { maker: rate(fees.makerBps), taker: rate(fees.takerBps), buyer: dec(0), seller: dec(0) },
        canTrade: true, canWithdraw: false, canDeposit: false, brokered: false, requireSelfTradePrevention: false, preventSor: false,
        updateTime: this.now(), accountType: "SPOT",
        balances: balances.map((b) => ({ asset: b.asset, free: dec8(b.free), locked: dec8(b.locked) })),
        permissions: ["SPOT"], uid: 1,
      },
    };
  }

  private onFill(f: Fill): void {
    const list = this.pendingFills.get(f.clientOrderId) ?? [];
    list.push(f);
    this.pendingFills.set(f.clientOrderId, list);
  }

  /** Each simulator order update becomes one executionReport per fill (x=TRADE), or one status report. */
  private onOrder(o: Order): void {
    const held = this.held.get(o.clientOrderId);
    if (held) return void held.push(o);
    const rec = this.bySimId.get(o.clientOrderId);
    if (!rec) return; // a rejected submission: answered as an error, never reported
    const fills = this.pendingFills.get(o.clientOrderId) ?? [];
    this.pendingFills.delete(o.clientOrderId);
    const before = rec.status;
    rec.status = STATUS[o.status];
    rec.updateTime = o.updatedTs;
    rec.origQty = o.qty; // a quoteOrderQty order's quantity is set where it fills
    for (const f of fills) {
      const trade: TradeRecord = { id: ++this.tradeSeq, orderId: rec.orderId, symbol: rec.symbol, price: f.price, qty: f.qty, commission: f.fee, commissionAsset: f.feeAsset, time: f.ts, isBuyer: f.side === "buy", isMaker: f.liquidity === "maker" };
      this.trades.push(trade);
      rec.executedQty += f.qty;
      rec.cumQuote += f.qty * f.price;
      this.emit(executionReport(rec, "TRADE", this.now(), f.ts, trade));
    }
    if (fills.length > 0) this.emitBalances();
    else if (rec.status !== before || (before === "NEW" && o.status === "submitted")) {
      const x = rec.status === "PARTIALLY_FILLED" || rec.status === "FILLED" || rec.status === "PENDING_CANCEL" ? undefined : rec.status;
      if (x) this.emit(executionReport(rec, x, this.now(), o.updatedTs));
    }
    if (!isOpen(rec.status)) this.waiting.get(rec.orderId)?.();
  }

  private emitBalances(): void {
    const bs = this.venue.account.balances();
    this.emit({ e: "outboundAccountPosition", E: this.now(), u: this.now(), B: bs.map((b) => ({ a: b.asset, f: dec8(b.free), l: dec8(b.locked) })) });
  }
}
