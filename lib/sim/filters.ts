import type { Instrument } from "../core/instrument";
import type { Side } from "../core/market";
import { InvariantError, TradelabError } from "../core/errors";
import { snap, stepDecimals } from "./time";

/** Why an order failed the exchange filters (named after the Binance filter that rejects it). */
export type FilterReason =
  | "PRICE_FILTER"
  | "LOT_SIZE"
  | "MARKET_LOT_SIZE"
  | "MIN_NOTIONAL"
  | "MAX_NOTIONAL"
  | "PERCENT_PRICE_BY_SIDE";

/**
 * What `conform` made of an order. Mutable and reused by hot loops; read it right after the call.
 * On success `qty`/`price` are the rounded values; on failure `reason` names the filter and `bound`
 * the limit that was crossed.
 */
export interface FilterOutcome {
  ok: boolean;
  qty: number;
  price: number;
  reason: FilterReason | null;
  bound: number;
}

export function newFilterOutcome(): FilterOutcome {
  return { ok: true, qty: 0, price: 0, reason: null, bound: 0 };
}

const EPS = 1e-9;

/** Largest grid point base + n*step that is <= x (toward zero for positive x), float noise removed. */
export function floorToStep(x: number, step: number, base: number, scale: number): number {
  if (!(step > 0)) return x;
  const n = Math.floor((x - base) / step + EPS);
  return snap(base + n * step, scale);
}

/** Smallest grid point base + n*step that is >= x. */
export function ceilToStep(x: number, step: number, base: number, scale: number): number {
  if (!(step > 0)) return x;
  const n = Math.ceil((x - base) / step - EPS);
  return snap(base + n * step, scale);
}

/**
 * An instrument's filters, precompiled for speed. Binance semantics: prices on the tick grid from
 * minPrice, quantities on the step grid from minQty, notional = price * qty (reference price for
 * market orders), PERCENT_PRICE_BY_SIDE against a reference price. Rounding never increases risk:
 * quantities round toward zero, buy limits round down and sell limits round up.
 */
export class OrderFilters {
  readonly instrument: Instrument;
  /** Smallest notional a market order may have (0 when MIN_NOTIONAL does not apply to market orders). */
  readonly minMarketNotional: number;
  /** Smallest market quantity that does not round to zero: `roundQty(q, true) > 0` exactly when q >= dustQty. */
  readonly dustQty: number;
  // every bound as an own number field (0 = none), so hot loops read one monomorphic shape
  private readonly tick: number;
  private readonly minPrice: number;
  private readonly maxPrice: number;
  private readonly step: number;
  private readonly minQty: number;
  private readonly maxQty: number;
  private readonly mStep: number;
  private readonly mMinQty: number;
  private readonly mMaxQty: number;
  private readonly minNotional: number;
  private readonly maxNotional: number;
  private readonly maxMarketNotional: number;
  private readonly bidUp: number;
  private readonly bidDown: number;
  private readonly askUp: number;
  private readonly askDown: number;
  private readonly qtyScale: number;
  private readonly marketQtyScale: number;
  private readonly priceScale: number;

  constructor(instrument: Instrument) {
    for (const k of ["tickSize", "stepSize", "minQty", "minNotional"] as const) {
      const v = instrument[k];
      if (!Number.isFinite(v) || v < 0) {
        throw new TradelabError("DATA_INVALID", `instrument ${instrument.symbol}: ${k} must be a finite number >= 0, got ${v}`, {
          details: { symbol: instrument.symbol, key: k },
        });
      }
    }
    const i = instrument;
    this.instrument = i;
    this.tick = i.tickSize;
    this.minPrice = i.minPrice ?? 0;
    this.maxPrice = i.maxPrice ?? 0;
    this.step = i.stepSize;
    this.minQty = i.minQty;
    this.maxQty = i.maxQty > 0 ? i.maxQty : 0;
    this.mStep = i.marketStepSize ?? 0;
    this.mMinQty = i.marketMinQty ?? 0;
    this.mMaxQty = i.marketMaxQty ?? 0;
    this.minNotional = i.minNotional;
    this.minMarketNotional = i.applyMinToMarket === false ? 0 : i.minNotional;
    this.maxNotional = i.maxNotional ?? 0;
    this.maxMarketNotional = i.applyMaxToMarket === true ? this.maxNotional : 0;
    this.bidUp = i.percentPrice?.bidUp ?? 0;
    this.bidDown = i.percentPrice?.bidDown ?? 0;
    this.askUp = i.percentPrice?.askUp ?? 0;
    this.askDown = i.percentPrice?.askDown ?? 0;
    this.qtyScale = 10 ** Math.max(stepDecimals(this.step), stepDecimals(this.minQty));
    this.marketQtyScale = 10 ** Math.max(stepDecimals(this.mStep), stepDecimals(this.mMinQty), stepDecimals(this.step));
    this.priceScale = 10 ** Math.max(stepDecimals(this.tick), stepDecimals(this.minPrice));
    this.dustQty = this.findDust();
  }

  /** Bisection on the monotone roundQty down to adjacent doubles (once, at construction). */
  private findDust(): number {
    let lo = 0;
    let hi = Math.max(this.step, this.minQty, this.mStep, this.mMinQty) * 2;
    if (!(hi > 0)) return Number.MIN_VALUE; // no lot rules: any positive quantity is an order
    for (let k = 0; k < 2000; k++) {
      const mid = lo + (hi - lo) / 2;
      if (mid <= lo || mid >= hi) break;
      if (this.roundQty(mid, true) > 0) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  get symbol(): string {
    return this.instrument.symbol;
  }

  /** Rounds a limit price to the tick grid on the side that never pays more (buy down, sell up). */
  roundPrice(side: Side, price: number): number {
    if (!(this.tick > 0)) return price;
    return side === "buy" ? floorToStep(price, this.tick, this.minPrice, this.priceScale) : ceilToStep(price, this.tick, this.minPrice, this.priceScale);
  }

  /**
   * A taker's execution price on the tick grid, rounded against the taker (a buy pays the tick
   * above, a sell receives the tick below): a real trade prints on the grid, never between ticks.
   */
  takerPrice(side: Side, price: number): number {
    if (!(this.tick > 0)) return price;
    return side === "buy" ? ceilToStep(price, this.tick, this.minPrice, this.priceScale) : floorToStep(price, this.tick, this.minPrice, this.priceScale);
  }

  /** Rounds a quantity toward zero to the LOT_SIZE step (and MARKET_LOT_SIZE step for market orders). */
  roundQty(qty: number, market: boolean): number {
    let q = floorToStep(qty, this.step, qty >= this.minQty ? this.minQty : 0, this.qtyScale);
    if (market && this.mStep > 0) q = floorToStep(q, this.mStep, q >= this.mMinQty ? this.mMinQty : 0, this.marketQtyScale);
    return q;
  }

  /**
   * The largest market quantity the filters allow at `refPrice` (LOT_SIZE and MARKET_LOT_SIZE max,
   * max notional when it applies to market orders): callers sizing toward a target send this much
   * rather than an order the venue would reject.
   */
  clampMarketQty(qty: number, refPrice: number): number {
    let q = qty;
    if (this.maxQty > 0 && q > this.maxQty) q = this.maxQty;
    if (this.mMaxQty > 0 && q > this.mMaxQty) q = this.mMaxQty;
    if (this.maxMarketNotional > 0 && q * refPrice > this.maxMarketNotional) q = this.maxMarketNotional / refPrice;
    return q;
  }

  /**
   * Rounds and checks an order; writes the result into `out` and returns `out.ok`. `price` is the
   * limit price (ignored for market orders); `refPrice` is the current market price used for the
   * notional of market orders and for PERCENT_PRICE_BY_SIDE. Allocates nothing.
   */
  conform(side: Side, market: boolean, qty: number, price: number, refPrice: number, out: FilterOutcome): boolean {
    out.ok = false;
    out.reason = null;
    out.bound = 0;
    out.price = market ? refPrice : price;
    const q = this.roundQty(qty, market);
    out.qty = q;
    if (!market) {
      const p = this.roundPrice(side, price);
      out.price = p;
      if (!(p > 0)) return this.reject(out, "PRICE_FILTER", this.tick);
      if (this.minPrice > 0 && p < this.minPrice) return this.reject(out, "PRICE_FILTER", this.minPrice);
      if (this.maxPrice > 0 && p > this.maxPrice) return this.reject(out, "PRICE_FILTER", this.maxPrice);
    }
    if (!(q > 0) || q < this.minQty) return this.reject(out, "LOT_SIZE", this.minQty);
    if (this.maxQty > 0 && q > this.maxQty) return this.reject(out, "LOT_SIZE", this.maxQty);
    if (market) {
      if (this.mMinQty > 0 && q < this.mMinQty) return this.reject(out, "MARKET_LOT_SIZE", this.mMinQty);
      if (this.mMaxQty > 0 && q > this.mMaxQty) return this.reject(out, "MARKET_LOT_SIZE", this.mMaxQty);
    }
    const px = market ? refPrice : out.price;
    if (!(px > 0)) throw new InvariantError(`filters ${this.instrument.symbol}: no positive reference price for a market order (got ${refPrice})`);
    const notional = q * px;
    const minN = market ? this.minMarketNotional : this.minNotional;
    if (minN > 0 && notional < minN) return this.reject(out, "MIN_NOTIONAL", minN);
    const maxN = market ? this.maxMarketNotional : this.maxNotional;
    if (maxN > 0 && notional > maxN) return this.reject(out, "MAX_NOTIONAL", maxN);
    if (!market && refPrice > 0) {
      const up = side === "buy" ? this.bidUp : this.askUp;
      const down = side === "buy" ? this.bidDown : this.askDown;
      if (up > 0 && out.price > refPrice * up) return this.reject(out, "PERCENT_PRICE_BY_SIDE", refPrice * up);
      if (out.price < refPrice * down) return this.reject(out, "PERCENT_PRICE_BY_SIDE", refPrice * down);
    }
    out.ok = true;
    return true;
  }

  private reject(out: FilterOutcome, reason: FilterReason, bound: number): false {
    out.ok = false;
    out.reason = reason;
    out.bound = bound;
    return false;
  }
}

/** A readable message for a failed outcome (built only when needed, never in hot loops). */
export function describeRejection(symbol: string, side: Side, out: FilterOutcome): string {
  const what = `${side} ${out.qty} ${symbol} @ ${out.price}`;
  switch (out.reason) {
    case "PRICE_FILTER":
      return `Filter failure: PRICE_FILTER (${what}; bound ${out.bound})`;
    case "LOT_SIZE":
    case "MARKET_LOT_SIZE":
      return `Filter failure: ${out.reason} (${what}; quantity outside limit ${out.bound} after rounding to the step)`;
    case "MIN_NOTIONAL":
      return `Filter failure: MIN_NOTIONAL (${what}; notional ${out.qty * out.price} < ${out.bound})`;
    case "MAX_NOTIONAL":
      return `Filter failure: NOTIONAL (${what}; notional ${out.qty * out.price} > ${out.bound})`;
    case "PERCENT_PRICE_BY_SIDE":
      return `Filter failure: PERCENT_PRICE_BY_SIDE (${what}; bound ${out.bound})`;
    default:
      return `order passed the filters (${what})`;
  }
}

/** The filter error returned to a caller whose order was rejected. */
export function filterError(symbol: string, side: Side, out: FilterOutcome, clientOrderId?: string): TradelabError {
  return new TradelabError("FILTER_REJECTED", describeRejection(symbol, side, out), {
    details: { symbol, side, reason: out.reason, qty: out.qty, price: out.price, bound: out.bound, clientOrderId },
  });
}
