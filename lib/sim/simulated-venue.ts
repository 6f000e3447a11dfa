import type { Bar } from "../core/bar";
import type { Fill } from "../core/fill";
import type { Instrument } from "../core/instrument";
import type { Quote } from "../core/market";
import { spreadBps } from "../core/market";
import type { Order, OrderRequest } from "../core/order";
import { isTerminal, remainingQty, validateOrderRequest } from "../core/order";
import type { Result } from "../core/result";
import { err, ok } from "../core/result";
import { TradelabError, isTradelabError } from "../core/errors";
import type { Subscription } from "../core/ports/market-data.port";
import type { Balance, ExecutionHandlers, ExecutionPort, VenuePosition } from "../core/ports/execution.port";
import type { ExchangeInfoPort, FeeRates } from "../core/ports/exchange-info.port";
import type { ExecutionModels } from "./execution-models";
import { MatchingEngine, type SubmitOptions } from "./matching";
import type { ReplayClock } from "./replay-clock";
import type { AccountMode } from "./sim-account";
import { SimAccount } from "./sim-account";

export interface SimulatedVenueOptions {
  /** Venue name reported by the ports. Default "sim". */
  venue?: string;
  models: ExecutionModels;
  /** Virtual time; the venue moves it to each bar's close as bars arrive. */
  clock: ReplayClock;
  /** Length of the bars fed to `onBar`, ms. */
  timeframeMs: number;
  /** Starting balances per asset, e.g. { USDT: 10000 }. */
  balances: Readonly<Record<string, number>>;
  /** Default "cash" (spot: no shorting or borrowing). */
  accountMode?: AccountMode;
}

interface Lock {
  asset: string;
  perUnit: number;
  qty: number;
}

/**
 * A venue made of the simulator: ExecutionPort + ExchangeInfoPort over one MatchingEngine per
 * symbol, an account with balances and positions, and a replay clock. Feed it closed bars with
 * `onBar` (and quotes with `onQuote`); orders submitted after a bar closes trade in later bars.
 */
export class SimulatedVenue implements ExecutionPort, ExchangeInfoPort {
  readonly venue: string;
  readonly account: SimAccount;
  private readonly engines = new Map<string, MatchingEngine>();
  private readonly locks = new Map<string, Lock>();
  private readonly handlers = new Set<ExecutionHandlers>();
  private readonly fills: Fill[] = [];

  constructor(private readonly opts: SimulatedVenueOptions) {
    this.venue = opts.venue ?? "sim";
    this.account = new SimAccount(opts.balances, opts.accountMode ?? "cash");
  }

  /** Processes a closed bar of `symbol`: the clock moves to its close, then working orders match against it. */
  onBar(symbol: string, bar: Bar): void {
    const end = bar.ts + this.opts.timeframeMs;
    if (this.opts.clock.now() < end) this.opts.clock.advanceTo(end);
    this.engine(symbol).onBar(bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume);
  }

  /** Latest best bid/ask: the slippage models use its spread instead of an estimate. */
  onQuote(q: Quote): void {
    this.engine(q.symbol).quoteSpreadBps = spreadBps(q);
  }

  /** Last close of `symbol` the venue has seen (NaN before its first bar). */
  lastPrice(symbol: string): number {
    const e = this.engines.get(symbol);
    return e !== undefined && e.stats.lastClose > 0 ? e.stats.lastClose : Number.NaN;
  }

  /** Submits an order; `opts` carries venue features beyond the core request (post-only, quote-sized market orders). */
  async submit(req: OrderRequest, opts: SubmitOptions = {}): Promise<Result<Order, TradelabError>> {
    validateOrderRequest(req);
    // client order ids are unique per symbol, as on Binance; a known id returns the existing order
    const known = this.engines.get(req.symbol)?.getOrder(req.clientOrderId);
    if (known !== undefined) return ok(known);
    let engine: MatchingEngine;
    try {
      engine = this.engine(req.symbol);
    } catch (e) {
      if (isTradelabError(e) && e.code === "UNKNOWN_SYMBOL") return err(e);
      throw e;
    }
    if (req.reduceOnly === true) {
      const pos = this.account.position(req.symbol).qty;
      const reduces = req.side === "buy" ? pos < 0 : pos > 0;
      if (!reduces || req.qty > Math.abs(pos) * (1 + 1e-12)) {
        return err(new TradelabError("ORDER_REJECTED", `ReduceOnly Order is rejected: ${req.side} ${req.qty} ${req.symbol} would not only reduce the position ${pos}`, {
          details: { clientOrderId: req.clientOrderId, symbol: req.symbol, position: pos },
        }));
      }
    }
    const { base, quote } = this.assets(req.symbol);
    const ref = req.price ?? engine.stats.lastClose;
    // a limit buy locks price * qty of quote, as Binance does (the fee is charged at the fill); a
    // market buy's price is unknown, so it reserves the last close plus the taker fee until it fills
    const buyPerUnit = req.price !== undefined ? req.price : ref * (1 + this.opts.models.fees.rates(req.symbol).takerBps / 10_000);
    const lock: Lock = req.side === "buy" ? { asset: quote, perUnit: buyPerUnit, qty: req.qty } : { asset: base, perUnit: 1, qty: req.qty };
    const locking = this.account.mode === "cash" && lock.perUnit > 0;
    if (locking && !this.account.lock(lock.asset, lock.qty * lock.perUnit)) {
      return err(new TradelabError("ORDER_REJECTED", `Account has insufficient balance for requested action (${req.side} ${req.qty} ${req.symbol}: needs ${lock.qty * lock.perUnit} ${lock.asset}, free ${this.account.free(lock.asset)})`, {
        details: { clientOrderId: req.clientOrderId, symbol: req.symbol, asset: lock.asset },
      }));
    }
    if (locking) this.locks.set(req.clientOrderId, lock);
    const r = engine.submit(req, this.opts.clock.now(), opts);
    if (!r.ok) {
      this.release(req.clientOrderId);
      return r;
    }
    if (locking && r.value.qty < lock.qty) {
      this.account.unlock(lock.asset, (lock.qty - r.value.qty) * lock.perUnit);
      lock.qty = r.value.qty;
    }
    return ok(engine.getOrder(req.clientOrderId) ?? r.value);
  }

  async cancel(symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>> {
    const e = this.engines.get(symbol);
    if (e === undefined || e.getOrder(clientOrderId) === undefined) {
      return err(new TradelabError("ORDER_NOT_FOUND", `unknown order ${clientOrderId} in ${symbol}`, { details: { symbol, clientOrderId } }));
    }
    return e.cancel(clientOrderId, this.opts.clock.now());
  }

  async getOrder(symbol: string, clientOrderId: string): Promise<Result<Order, TradelabError>> {
    const o = this.engines.get(symbol)?.getOrder(clientOrderId);
    return o === undefined ? err(new TradelabError("ORDER_NOT_FOUND", `unknown order ${clientOrderId} in ${symbol}`, { details: { symbol, clientOrderId } })) : ok(o);
  }

  async openOrders(symbol?: string): Promise<Order[]> {
    if (symbol !== undefined) return this.engines.get(symbol)?.openOrders() ?? [];
    return [...this.engines.values()].flatMap((e) => e.openOrders());
  }

  async positions(): Promise<VenuePosition[]> {
    return this.account.positions();
  }

  async balances(): Promise<Balance[]> {
    return this.account.balances();
  }

  async subscribe(handlers: ExecutionHandlers): Promise<Subscription> {
    this.handlers.add(handlers);
    handlers.onConnection?.({ type: "connection", state: "connected" });
    return { close: async () => void this.handlers.delete(handlers) };
  }

  async fillsSince(symbol: string, ts: number): Promise<Fill[]> {
    return this.fills.filter((f) => f.symbol === symbol && f.ts >= ts);
  }

  /** Every fill so far, in order (for cost attribution and journals). */
  allFills(): readonly Fill[] {
    return this.fills;
  }

  async instruments(symbols?: readonly string[]): Promise<Instrument[]> {
    const table = this.opts.models.data.instruments;
    if (symbols === undefined) return table === undefined ? [] : [...table.values()];
    return symbols.map((s) => {
      const inst = table?.get(s);
      if (inst === undefined) throw new TradelabError("UNKNOWN_SYMBOL", `no instrument ${s} at ${this.venue}`, { details: { symbol: s } });
      return inst;
    });
  }

  async fees(symbol: string): Promise<FeeRates> {
    return this.opts.models.fees.rates(symbol);
  }

  private assets(symbol: string): { base: string; quote: string } {
    const inst = this.opts.models.instrument(symbol);
    if (inst !== undefined) return { base: inst.baseAsset, quote: inst.quoteAsset };
    const quote = this.opts.models.quoteAsset(symbol);
    return { base: symbol.endsWith(quote) && symbol.length > quote.length ? symbol.slice(0, -quote.length) : symbol, quote };
  }

  private engine(symbol: string): MatchingEngine {
    let e = this.engines.get(symbol);
    if (e === undefined) {
      const models = this.opts.models.forSymbol(symbol, this.opts.timeframeMs);
      const { base, quote } = this.assets(symbol);
      e = new MatchingEngine(models, {
        onOrder: (o) => this.onOrder(o),
        onFill: (f) => this.onFill(f, base, quote),
      });
      this.engines.set(symbol, e);
    }
    return e;
  }

  private onFill(f: Fill, base: string, quote: string): void {
    const lock = this.locks.get(f.clientOrderId);
    if (lock !== undefined) {
      const q = Math.min(f.qty, lock.qty);
      this.account.unlock(lock.asset, q * lock.perUnit);
      lock.qty -= q;
    }
    this.account.applyFill(f, base, quote);
    this.fills.push(f);
    for (const h of this.handlers) h.onFill?.({ type: "fill", fill: f });
  }

  private onOrder(o: Order): void {
    if (isTerminal(o.status) || remainingQty(o) === 0) this.release(o.clientOrderId);
    for (const h of this.handlers) h.onOrder?.({ type: "order", order: o });
  }

  private release(clientOrderId: string): void {
    const lock = this.locks.get(clientOrderId);
    if (lock === undefined) return;
    this.account.unlock(lock.asset, lock.qty * lock.perUnit);
    this.locks.delete(clientOrderId);
  }
}
