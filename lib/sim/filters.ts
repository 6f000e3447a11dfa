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
  private readonly qtyScale: number;
  private readonly marketQtyScale: number;
  private readonly priceScale: number;
  private readonly priceBase: number;

  constructor(instrument: Instrument) {
    for (const k of ["tickSize", "stepSize", "minQty", "minNotional"] as const) {
      const v = instrument[k];
      if (!Number.isFinite(v) || v < 0) {
        throw new TradelabError("DATA_INVALID", `instrument ${instrument.symbol}: ${k} must be a finite number >= 0, got ${v}`, {
          details: { symbol: instrument.symbol, key: k },
        });
      }
    }
    this.instrument = instrument;
    this.qtyScale = 10 ** Math.max(stepDecimals(instrument.stepSize), stepDecimals(instrument.minQty));
    this.marketQtyScale = 10 ** Math.max(stepDecimals(instrument.marketStepSize ?? 0), stepDecimals(instrument.marketMinQty ?? 0), stepDecimals(instrument.stepSize));
    this.priceBase = instrument.minPrice ?? 0;
    this.priceScale = 10 ** Math.max(stepDecimals(instrument.tickSize), stepDecimals(this.priceBase));
  }

  get symbol(): string {
    return this.instrument.symbol;
  }

  /** Rounds a limit price to the tick grid on the side that never pays more (buy down, sell up). */
  roundPrice(side: Side, price: number): number {
    const t = this.instrument.tickSize;
    if (!(t > 0)) return price;
    return side === "buy" ? floorToStep(price, t, this.priceBase, this.priceScale) : ceilToStep(price, t, this.priceBase, this.priceScale);
  }

  /** Rounds a quantity toward zero to the LOT_SIZE step (and MARKET_LOT_SIZE step for market orders). */
  roundQty(qty: number, market: boolean): number {
    const i = this.instrument;
    let q = qty >= i.minQty ? floorToStep(qty, i.stepSize, i.minQty, this.qtyScale) : floorToStep(qty, i.stepSize, 0, this.qtyScale);
    const ms = i.marketStepSize ?? 0;
    if (market && ms > 0) {
      const base = i.marketMinQty ?? 0;
      q = q >= base ? floorToStep(q, ms, base, this.marketQtyScale) : floorToStep(q, ms, 0, this.marketQtyScale);
    }
    return q;
  }

  /**
   * Rounds and checks an order; writes the result into `out` and returns `out.ok`. `price` is the
   * limit price (ignored for market orders); `refPrice` is the current market price used for the
   * notional of market orders and for PERCENT_PRICE_BY_SIDE. Allocates nothing.
   */
  conform(side: Side, market: boolean, qty: number, price: number, refPrice: number, out: FilterOutcome): boolean {
    const i = this.instrument;
    out.ok = false;
    out.reason = null;
    out.bound = 0;
    out.price = market ? refPrice : price;
    out.qty = this.roundQty(qty, market);
    if (!market) {
      const p = this.roundPrice(side, price);
      out.price = p;
      if (!(p > 0)) return this.reject(out, "PRICE_FILTER", i.tickSize);
      if ((i.minPrice ?? 0) > 0 && p < i.minPrice!) return this.reject(out, "PRICE_FILTER", i.minPrice!);
      if ((i.maxPrice ?? 0) > 0 && p > i.maxPrice!) return this.reject(out, "PRICE_FILTER", i.maxPrice!);
    }
    const q = out.qty;
    if (!(q > 0) || q < i.minQty) return this.reject(out, "LOT_SIZE", i.minQty);
    if (i.maxQty > 0 && q > i.maxQty) return this.reject(out, "LOT_SIZE", i.maxQty);
    if (market) {
      if ((i.marketMinQty ?? 0) > 0 && q < i.marketMinQty!) return this.reject(out, "MARKET_LOT_SIZE", i.marketMinQty!);
      if ((i.marketMaxQty ?? 0) > 0 && q > i.marketMaxQty!) return this.reject(out, "MARKET_LOT_SIZE", i.marketMaxQty!);
    }
    const px = market ? refPrice : out.price;
    if (!(px > 0)) throw new InvariantError(`filters ${i.symbol}: no positive reference price for a market order (got ${refPrice})`);
    const notional = q * px;
    if (i.minNotional > 0 && (!market || i.applyMinToMarket !== false) && notional < i.minNotional) {
      return this.reject(out, "MIN_NOTIONAL", i.minNotional);
    }
    const maxN = i.maxNotional ?? 0;
    if (maxN > 0 && (!market || i.applyMaxToMarket === true) && notional > maxN) return this.reject(out, "MAX_NOTIONAL", maxN);
    const pp = i.percentPrice;
    if (!market && pp !== undefined && refPrice > 0) {
      const up = side === "buy" ? pp.bidUp : pp.askUp;
      const down = side === "buy" ? pp.bidDown : pp.askDown;
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
