import type { Fill } from "../../core/fill";
import type { Order, OrderRequest, OrderStatus } from "../../core/order";
import type { SimulatedVenue } from "../../sim/simulated-venue";
import { wire, wireErrorOf, type WireError } from "./errors";
import type { ReplayExchangeInfo } from "./exchange-info";
import { dec } from "./parse";

type WireStatus = "NEW" | "PARTIALLY_FILLED" | "FILLED" | "CANCELED" | "PENDING_CANCEL" | "REJECTED" | "EXPIRED";

const STATUS: Record<OrderStatus, WireStatus> = {
  created: "NEW",
  submitted: "NEW",
  accepted: "NEW",
  partially_filled: "PARTIALLY_FILLED",
  filled: "FILLED",
  cancelling: "PENDING_CANCEL",
  canceled: "CANCELED",
  rejected: "REJECTED",
  expired: "EXPIRED",
};

/** An order as the exchange keeps it (Binance fields, numbers unformatted). */
export interface OrderRecord {
  orderId: number;
  clientOrderId: string;
  symbol: string;
  side: "BUY" | "SELL";
  type: "MARKET" | "LIMIT";
  timeInForce: string;
  price: number;
  origQty: number;
  executedQty: number;
  cumQuote: number;
  status: WireStatus;
  time: number;
  updateTime: number;
}

export interface TradeRecord {
  id: number;
  orderId: number;
  symbol: string;
  price: number;
  qty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export type Reply = { status: number; body: unknown } | WireError;

/**
 * Order entry of the replay exchange, in Binance terms, over the simulator's SimulatedVenue (which
 * does every fill, fee, slippage, latency and filter calculation). Turns the simulator's order and
 * fill events into executionReport / outboundAccountPosition user-data events.
 */
export class ReplayOrders {
  private readonly byClientId = new Map<string, OrderRecord>();
  private readonly byId = new Map<number, OrderRecord>();
  private readonly trades: TradeRecord[] = [];
  private readonly pendingFills = new Map<string, Fill[]>();
  private orderSeq = 0;
  private tradeSeq = 0;
  private cancelSeq = 0;
  private genSeq = 0;
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

  async newOrder(req: OrderRequest, respType: "ACK" | "RESULT" | "FULL"): Promise<Reply> {
    if (!this.info.symbol(req.symbol)) return wire.badSymbol();
    // Client ids are unique for the whole replay (Binance only requires it among open orders: stricter is safe).
    if (this.byClientId.has(req.clientOrderId)) return wire.duplicate();
    const t = this.now();
    const rec: OrderRecord = {
      orderId: ++this.orderSeq,
      clientOrderId: req.clientOrderId,
      symbol: req.symbol,
      side: req.side === "buy" ? "BUY" : "SELL",
      type: req.type === "market" ? "MARKET" : "LIMIT",
      timeInForce: req.timeInForce,
      price: req.price ?? 0,
      origQty: req.qty,
      executedQty: 0,
      cumQuote: 0,
      status: "NEW",
      time: t,
      updateTime: t,
    };
    this.byClientId.set(rec.clientOrderId, rec);
    this.byId.set(rec.orderId, rec);
    this.held.set(rec.clientOrderId, []);
    const r = await this.venue.submit(req);
    const held = this.held.get(rec.clientOrderId) ?? [];
    this.held.delete(rec.clientOrderId);
    if (!r.ok) {
      // Like Binance, a rejected order is not kept.
      this.byClientId.delete(rec.clientOrderId);
      this.byId.delete(rec.orderId);
      const usesNotional = this.info.symbol(req.symbol)!.filters.some((f) => f.filterType === "NOTIONAL");
      return wireErrorOf(r.error, usesNotional);
    }
    rec.origQty = r.value.qty; // the filters may have rounded it
    if (rec.type === "LIMIT" && r.value.price !== undefined) rec.price = r.value.price;
    for (const o of held) this.onOrder(o);
    return { status: 200, body: this.view(rec, respType) };
  }

  private find(symbol: string, orderId?: string, origClientOrderId?: string): OrderRecord | undefined {
    const rec = origClientOrderId !== undefined ? this.byClientId.get(origClientOrderId) : orderId !== undefined ? this.byId.get(Number(orderId)) : undefined;
    return rec && rec.symbol === symbol ? rec : undefined;
  }

  query(symbol: string, orderId?: string, origClientOrderId?: string): Reply {
    if (orderId === undefined && origClientOrderId === undefined) return wire.mandatory("orderId");
    const rec = this.find(symbol, orderId, origClientOrderId);
    return rec ? { status: 200, body: this.view(rec, "RESULT") } : wire.noSuchOrder();
  }

  async cancel(symbol: string, orderId?: string, origClientOrderId?: string): Promise<Reply> {
    if (orderId === undefined && origClientOrderId === undefined) return wire.mandatory("orderId");
    const rec = this.find(symbol, orderId, origClientOrderId);
    if (!rec || (rec.status !== "NEW" && rec.status !== "PARTIALLY_FILLED")) return wire.unknownOrder();
    const r = await this.venue.cancel(symbol, rec.clientOrderId);
    if (!r.ok) return wireErrorOf(r.error, false);
    return { status: 200, body: { ...this.view(rec, "RESULT"), origClientOrderId: rec.clientOrderId } };
  }

  openOrders(symbol?: string): Reply {
    const list = [...this.byId.values()].filter((o) => (o.status === "NEW" || o.status === "PARTIALLY_FILLED") && (symbol === undefined || o.symbol === symbol));
    return { status: 200, body: list.map((o) => this.view(o, "RESULT")) };
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
        symbol: t.symbol, id: t.id, orderId: t.orderId, orderListId: -1, price: dec(t.price), qty: dec(t.qty), quoteQty: dec(t.price * t.qty),
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
        balances: balances.map((b) => ({ asset: b.asset, free: dec(b.free), locked: dec(b.locked) })),
        permissions: ["SPOT"], uid: 1,
      },
    };
  }

  /** Order JSON as POST/GET /api/v3/order return it (ACK, RESULT or FULL). */
  view(o: OrderRecord, kind: "ACK" | "RESULT" | "FULL"): Record<string, unknown> {
    const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.updateTime };
    if (kind === "ACK") return ack;
    const result = {
      ...ack, price: dec(o.price), origQty: dec(o.origQty), executedQty: dec(o.executedQty), origQuoteOrderQty: dec(0), cummulativeQuoteQty: dec(o.cumQuote),
      status: o.status, timeInForce: o.timeInForce, type: o.type, side: o.side, time: o.time, updateTime: o.updateTime, workingTime: o.time,
      selfTradePreventionMode: "NONE",
    };
    if (kind === "RESULT") return result;
    const fills = this.trades.filter((t) => t.orderId === o.orderId).map((t) => ({ price: dec(t.price), qty: dec(t.qty), commission: dec(t.commission), commissionAsset: t.commissionAsset, tradeId: t.id }));
    return { ...result, fills };
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
    const rec = this.byClientId.get(o.clientOrderId);
    if (!rec) return; // a rejected submission: answered as an error, never reported
    const fills = this.pendingFills.get(o.clientOrderId) ?? [];
    this.pendingFills.delete(o.clientOrderId);
    const before = rec.status;
    rec.status = STATUS[o.status];
    rec.updateTime = o.updatedTs;
    for (const f of fills) {
      const trade: TradeRecord = { id: ++this.tradeSeq, orderId: rec.orderId, symbol: rec.symbol, price: f.price, qty: f.qty, commission: f.fee, commissionAsset: f.feeAsset, time: f.ts, isBuyer: f.side === "buy", isMaker: f.liquidity === "maker" };
      this.trades.push(trade);
      rec.executedQty += f.qty;
      rec.cumQuote += f.qty * f.price;
      this.emit(this.report(rec, "TRADE", f.ts, trade));
    }
    if (fills.length > 0) {
      this.emitBalances();
      return;
    }
    if (rec.status === before && !(before === "NEW" && o.status === "submitted")) return;
    const x = rec.status === "PARTIALLY_FILLED" || rec.status === "FILLED" ? undefined : rec.status === "PENDING_CANCEL" ? undefined : rec.status;
    if (x) this.emit(this.report(rec, x, o.updatedTs));
  }

  private report(o: OrderRecord, x: string, ts: number, trade?: TradeRecord): Record<string, unknown> {
    const canceled = x === "CANCELED";
    return {
      e: "executionReport", E: this.now(), s: o.symbol, c: canceled ? `replay-cancel-${++this.cancelSeq}` : o.clientOrderId, S: o.side, o: o.type, f: o.timeInForce,
      q: dec(o.origQty), p: dec(o.price), P: dec(0), F: dec(0), g: -1, C: canceled ? o.clientOrderId : "", x, X: o.status, r: "NONE", i: o.orderId,
      l: dec(trade?.qty ?? 0), z: dec(o.executedQty), L: dec(trade?.price ?? 0), n: dec(trade?.commission ?? 0), N: trade ? trade.commissionAsset : null,
      T: ts, t: trade?.id ?? -1, I: 0, w: o.status === "NEW" || o.status === "PARTIALLY_FILLED", m: trade?.isMaker ?? false, M: false, O: o.time,
      Z: dec(o.cumQuote), Y: dec(trade ? trade.qty * trade.price : 0), Q: dec(0), W: o.time, V: "NONE",
    };
  }

  private emitBalances(): void {
    const bs = this.venue.account.balances();
    this.emit({ e: "outboundAccountPosition", E: this.now(), u: this.now(), B: bs.map((b) => ({ a: b.asset, f: dec(b.free), l: dec(b.locked) })) });
  }
}
