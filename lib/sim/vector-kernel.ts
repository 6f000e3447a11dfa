import type { BarColumns } from "../core/bar";
import { emptyBarColumns } from "../core/bar";
import { DataError, InvariantError } from "../core/errors";
import type { Side } from "../core/market";
import type { SymbolFees } from "./fee-model";
import type { OrderFilters } from "./filters";
import { newFilterOutcome } from "./filters";
import type { FillModel } from "./fill-model";
import type { IntrabarPriceModel } from "./intrabar";
import type { LatencyModel } from "./latency-model";
import { MarketStats } from "./market-stats";
import type { SymbolSlippage } from "./slippage-model";
import { applySlippage, newSlippageInput } from "./slippage-model";
import type { SymbolModels } from "./symbol-models";
import { hourOfWeek } from "./time";

export interface KernelOptions {
  initialCash: number;
  /** |position notional| / equity at a target of +-1. Default 1. */
  leverage?: number;
  /** Skip rebalances whose notional is at most this fraction of equity. Default 0. */
  rebalanceBand?: number;
}

/** Per-bar output columns (length >= bars). Optional ones are written only when given. */
export interface KernelOutputs {
  /** Position (base units) after bar i's fill. */
  position: Float64Array;
  /** Equity at bar i's close, net of every fee and slippage so far. */
  equity: Float64Array;
  cash?: Float64Array;
  /** Signed quantity filled in bar i (0 = none). */
  fillQty?: Float64Array;
  fillPrice?: Float64Array;
  requestedPrice?: Float64Array;
  fee?: Float64Array;
  slippageCost?: Float64Array;
  latencyMs?: Float64Array;
}

export interface KernelSummary {
  bars: number;
  fills: number;
  /** Decisions whose order failed the exchange filters (MIN_NOTIONAL, LOT_SIZE...). */
  filterRejections: number;
  timeouts: number;
  fees: number;
  slippage: number;
  /** Sum of filled notional. */
  turnover: number;
  finalCash: number;
  finalPosition: number;
  finalEquity: number;
}

const POS_EPS = 1e-12;

/** Order size toward a target: target * equity * leverage / price - position (signed, base units). */
export function targetDelta(target: number, equity: number, leverage: number, price: number, position: number): number {
  const want = equity > 0 ? (target * equity * leverage) / price : 0;
  return want - position;
}

/**
 * The vectorised execution kernel for target positions over one symbol's bars. A target decided
 * at bar i's close becomes an IOC market order: filters, latency, then a fill in the bar containing
 * the arrival at the intrabar price plus slippage, capped by participation (an order above the
 * venue's maximum quantity or notional is sent at that maximum); what cannot fill is
 * re-decided at the next close. Same models and arithmetic as the MatchingEngine (an IOC market
 * order per decision, open orders cancelled before each new decision), over typed arrays with no
 * allocation per bar. Use `step` from an env, `run` for a whole series.
 */
export class VectorKernel {
  cash = 0;
  position = 0;
  equity = 0;
  /** Fill of the last step (0 when none). */
  lastFillQty = 0;
  lastFillPrice = 0;
  lastRequestedPrice = 0;
  /** Fee of the last fill, worth in quote currency. */
  lastFee = 0;
  /** The part of the last buy's quantity taken as commission (base units; 0 when the fee was in quote). */
  lastBaseFee = 0;
  lastSlippageCost = 0;
  lastLatencyMs = 0;
  private readonly summary: KernelSummary;
  private readonly stats: MarketStats;
  private readonly leverage: number;
  private readonly band: number;
  private readonly out = newFilterOutcome();
  private readonly slip = newSlippageInput();
  private readonly tf: number;
  private readonly trackStats: boolean;
  private readonly filters: OrderFilters | null;
  private readonly fees: SymbolFees;
  private readonly buyFeeFromBase: boolean;
  private readonly slippage: SymbolSlippage;
  private readonly intrabar: IntrabarPriceModel;
  private readonly latency: LatencyModel;
  private readonly fillModel: FillModel;
  private bars = 0;
  private pendingQty = 0;
  private pendingSubmitTs = 0;
  private pendingArrivalTs = 0;
  private lastTs = Number.NEGATIVE_INFINITY;
  private markedClose = Number.NaN;
  private markedEnd = Number.NaN;
  private barSpread = Number.NaN;
  private orderSize = 0.5;
  private orderBuy = false;
  private readonly rowScratch: BarColumns = emptyBarColumns(1);
  private readonly spreadScratch = new Float64Array(1);

  constructor(
    private readonly m: SymbolModels,
    private readonly opts: KernelOptions,
  ) {
    this.stats = new MarketStats(m.statsHalfLifeBars);
    this.tf = m.timeframeMs;
    this.trackStats = m.slippage.usesMarketStats;
    this.filters = m.filters;
    this.fees = m.fees;
    this.buyFeeFromBase = m.buyFeeFromBase;
    this.slippage = m.slippage;
    this.intrabar = m.intrabar;
    this.latency = m.latency;
    this.fillModel = m.fill;
    this.leverage = opts.leverage ?? 1;
    this.band = opts.rebalanceBand ?? 0;
    if (!(opts.initialCash > 0) || !(this.leverage > 0) || !(this.band >= 0)) {
      throw new InvariantError(`kernel needs initialCash > 0, leverage > 0, rebalanceBand >= 0 (got ${opts.initialCash}, ${this.leverage}, ${this.band})`);
    }
    this.summary = { bars: 0, fills: 0, filterRejections: 0, timeouts: 0, fees: 0, slippage: 0, turnover: 0, finalCash: 0, finalPosition: 0, finalEquity: 0 };
    this.reset();
  }

  reset(cash = this.opts.initialCash): void {
    this.cash = cash;
    this.position = 0;
    this.equity = cash;
    this.pendingQty = 0;
    this.lastTs = Number.NEGATIVE_INFINITY;
    this.bars = 0;
    this.stats.reset();
    const s = this.summary;
    s.bars = s.fills = s.filterRejections = s.timeouts = s.fees = s.slippage = s.turnover = 0;
  }

  /**
   * Bar i: fills the order decided at the previous close, updates market statistics, marks equity
   * at the close, then decides toward `target` (NaN = keep position and any order in flight).
   * Returns the equity at bar i's close. `quoteSpreadBps` is NaN when no quote is known.
   */
  step(c: BarColumns, i: number, target: number, quoteSpreadBps = Number.NaN): number {
    this.spreadScratch[0] = quoteSpreadBps;
    const eq = this.markAt(c, i, this.spreadScratch, 0);
    this.decideTarget(target);
    return eq;
  }

  /**
   * The first half of `step` (for callers that must see the state at a close before deciding, such
   * as an RL env): fills the order in flight, updates statistics and marks equity at bar i's close.
   * Follow it with `decideTarget`. `spreads[k]` is the quote spread in bps (NaN = none). Takes
   * columns and indices rather than prices so the hot loop passes no boxed numbers.
   */
  markAt(c: BarColumns, i: number, spreads?: Float64Array, k = i): number {
    const ts = c.ts[i]!;
    const high = c.high[i]!;
    const low = c.low[i]!;
    const close = c.close[i]!;
    const volume = c.volume[i]!;
    if (!(ts > this.lastTs && low > 0 && high >= low && c.open[i]! > 0 && close > 0 && volume >= 0 && high + volume < Number.POSITIVE_INFINITY)) this.badBar(c, i);
    this.lastTs = ts;
    const end = ts + this.tf;
    this.lastFillQty = 0;
    if (this.pendingQty !== 0 && this.pendingArrivalTs < end) {
      this.barSpread = spreads === undefined ? Number.NaN : spreads[k]!;
      this.fill(c, i);
    }
    if (this.trackStats) this.stats.update(high, low, close, volume);
    const eq = this.cash + this.position * close;
    this.equity = eq;
    this.markedClose = close;
    this.markedEnd = end;
    this.bars++;
    return eq;
  }

  /** `markAt` for one bar given as numbers. */
  markBar(ts: number, open: number, high: number, low: number, close: number, volume: number, quoteSpreadBps: number): number {
    const r = this.rowScratch;
    r.ts[0] = ts;
    r.open[0] = open;
    r.high[0] = high;
    r.low[0] = low;
    r.close[0] = close;
    r.volume[0] = volume;
    this.spreadScratch[0] = quoteSpreadBps;
    return this.markAt(r, 0, this.spreadScratch, 0);
  }

  /** The decision at the close of the bar last marked (NaN = keep position and any order in flight). */
  decideTarget(target: number): void {
    if (target === target) this.decide(target);
  }

  private badBar(c: BarColumns, i: number): never {
    const row = `(${c.open[i]}, ${c.high[i]}, ${c.low[i]}, ${c.close[i]}, ${c.volume[i]})`;
    throw new DataError(`${this.m.symbol} bar at ${c.ts[i]}: invalid or out-of-order OHLCV ${row}`, { symbol: this.m.symbol, ts: c.ts[i], index: i });
  }

  // Methods below take no number arguments: values travel in fields, so a call that is not
  // inlined boxes nothing (no allocation on any bar).
  private fill(c: BarColumns, i: number): void {
    const ts = c.ts[i]!;
    const volume = c.volume[i]!;
    const side: Side = this.pendingQty > 0 ? "buy" : "sell";
    const remaining = side === "buy" ? this.pendingQty : -this.pendingQty;
    this.pendingQty = 0; // IOC: whatever does not fill now is dropped
    const fillTs = this.pendingArrivalTs > ts ? this.pendingArrivalTs : ts;
    const ref = this.intrabar.priceAt(c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, (fillTs - ts) / this.tf);
    const cap = this.fillModel.capacity(volume, 0);
    let q = remaining <= cap ? remaining : cap;
    if (q < remaining && this.filters !== null) q = this.filters.roundQty(q, true);
    if (!(q > 0)) return;
    const s = this.slip;
    s.side = side;
    s.qty = q;
    s.price = ref;
    s.hourOfWeek = hourOfWeek(fillTs);
    s.sigma = this.stats.sigma;
    s.volume = this.stats.volume;
    s.lastRangeBps = this.stats.lastRangeBps;
    s.quoteSpreadBps = this.barSpread;
    const slipped = applySlippage(side, ref, this.slippage.bps(s));
    const price = this.filters !== null ? this.filters.takerPrice(side, slipped) : slipped;
    // a buy's commission comes out of the base received when the venue charges it there (Binance spot)
    const baseFee = side === "buy" && this.buyFeeFromBase ? this.fees.baseFee(q, price, "taker") : 0;
    const fee = baseFee !== 0 ? baseFee * price : this.fees.fee(side, q, price, "taker");
    const dq = side === "buy" ? q : -q;
    this.cash = baseFee !== 0 ? this.cash - dq * price : this.cash - dq * price - fee;
    const pos = this.position + (dq - baseFee);
    this.position = Math.abs(pos) < POS_EPS ? 0 : pos;
    const slipCost = side === "buy" ? (price - ref) * q : (ref - price) * q;
    this.lastFillQty = dq;
    this.lastFillPrice = price;
    this.lastRequestedPrice = ref;
    this.lastFee = fee;
    this.lastBaseFee = baseFee;
    this.lastSlippageCost = slipCost;
    this.lastLatencyMs = fillTs - this.pendingSubmitTs;
    const sm = this.summary;
    sm.fills++;
    sm.fees += fee;
    sm.slippage += slipCost;
    sm.turnover += q * price;
  }

  /** Kept small so it inlines into the bar loop next to the statistics update; `place` is the rarer part. */
  private decide(target: number): void {
    this.pendingQty = 0; // a new decision replaces any order still in flight
    const eq = this.equity;
    const close = this.markedClose;
    const delta = targetDelta(target, eq, this.leverage, close, this.position);
    const size = delta < 0 ? -delta : delta;
    if (!(size * close > this.band * (eq > 0 ? eq : 0))) return;
    const f = this.filters;
    if (f !== null && size * close < f.minMarketNotional) {
      // fails MIN_NOTIONAL whatever the rounding; an order that rounds to nothing is not a rejection
      if (size >= f.dustQty) this.summary.filterRejections++;
      return;
    }
    this.orderSize = size;
    this.orderBuy = delta > 0;
    this.place();
  }

  /** Filters and latency for the order sized by `decide` at the marked close; sets it in flight. */
  private place(): void {
    const buy = this.orderBuy;
    const now = this.markedEnd;
    let qty = this.orderSize;
    const f = this.filters;
    if (f !== null) {
      qty = f.clampMarketQty(qty, this.markedClose);
      if (!f.conform(buy ? "buy" : "sell", true, qty, Number.NaN, this.markedClose, this.out)) {
        if (!(this.out.reason === "LOT_SIZE" && this.out.qty === 0)) this.summary.filterRejections++;
        return;
      }
      qty = this.out.qty;
    }
    const lat = this.latency.sample(now);
    if (lat === Number.POSITIVE_INFINITY) {
      this.summary.timeouts++;
      return;
    }
    this.pendingQty = buy ? qty : -qty;
    this.pendingSubmitTs = now;
    this.pendingArrivalTs = now + lat;
  }

  private record(o: KernelOutputs, i: number): void {
    const filled = this.lastFillQty !== 0;
    if (o.fillQty !== undefined) o.fillQty[i] = this.lastFillQty;
    if (o.fillPrice !== undefined) o.fillPrice[i] = filled ? this.lastFillPrice : 0;
    if (o.requestedPrice !== undefined) o.requestedPrice[i] = filled ? this.lastRequestedPrice : 0;
    if (o.fee !== undefined) o.fee[i] = filled ? this.lastFee : 0;
    if (o.slippageCost !== undefined) o.slippageCost[i] = filled ? this.lastSlippageCost : 0;
    if (o.latencyMs !== undefined) o.latencyMs[i] = filled ? this.lastLatencyMs : 0;
  }

  /** Runs every bar with `targets[i]` decided at bar i's close; fills `out` (allocated when absent). */
  run(c: BarColumns, targets: Float64Array, out?: KernelOutputs, quoteSpreadBps?: Float64Array): { outputs: KernelOutputs; summary: KernelSummary } {
    const n = c.length;
    if (targets.length < n) throw new InvariantError(`targets has ${targets.length} values for ${n} bars`);
    const o = out ?? { position: new Float64Array(n), equity: new Float64Array(n) };
    if (o.position.length < n || o.equity.length < n) throw new InvariantError(`kernel outputs shorter than ${n} bars`);
    const { cash, fillQty, fillPrice, requestedPrice, fee, slippageCost, latencyMs } = o;
    const detail = fillQty !== undefined || fillPrice !== undefined || requestedPrice !== undefined || fee !== undefined || slippageCost !== undefined || latencyMs !== undefined;
    const eqOut = o.equity;
    const posOut = o.position;
    for (let i = 0; i < n; i++) {
      eqOut[i] = this.markAt(c, i, quoteSpreadBps);
      this.decideTarget(targets[i]!);
      posOut[i] = this.position;
      if (cash !== undefined) cash[i] = this.cash;
      if (detail) this.record(o, i);
    }
    return { outputs: o, summary: this.summarize() };
  }

  /** Counters and totals since the last reset, with the current cash, position and equity. */
  summarize(): KernelSummary {
    return { ...this.summary, bars: this.bars, finalCash: this.cash, finalPosition: this.position, finalEquity: this.equity };
  }
}
