import type { BarColumns } from "../../core/bar";

/** What a policy sees when bar `i` has just closed. */
export interface PolicyContext {
  /** Index of the bar that just closed (its close is the latest known price). */
  i: number;
  bars: BarColumns;
  symbol: string;
  cash: number;
  /** The holding, base units (including any dust below one lot step). */
  positionQty: number;
  /**
   * Holdings smaller than this cannot be sold: they are below one lot step (dust, e.g. what a buy's
   * base-asset commission leaves after the exit). A rule strategy counts them as flat. Default 0.
   */
  dustQty?: number;
  equity: number;
  /** Volume-weighted price of this symbol's fills since its previous decision (absent or NaN when none). */
  fillPrice?: number;
}

/** -1, 0 or 1: the side of the holding, with dust (see PolicyContext.dustQty) counted as flat. */
export function heldSide(c: PolicyContext): number {
  const q = c.positionQty;
  return q === 0 || Math.abs(q) < (c.dustQty ?? 0) ? 0 : q > 0 ? 1 : -1;
}

/**
 * A trading policy behind one interface for rule baselines and trained agents: after each closed bar it
 * returns the position it wants (in base units), or null to leave things as they are. The engine turns a
 * change into a market order filled at the NEXT bar's open, never the signal bar.
 */
export interface Policy {
  readonly name: string;
  /** Bars needed before the first decision. */
  readonly warmup: number;
  /** Called once with the whole series before the run (batch indicators). Must not look ahead when deciding. */
  prepare(bars: BarColumns, symbol: string): void;
  decide(ctx: PolicyContext): number | null;
}

/** Quantity that spends `fraction` of cash at `price` (long entries sized on the signal bar's close). */
export function qtyForCash(cash: number, fraction: number, price: number): number {
  return cash > 0 && price > 0 ? (cash * fraction) / price : 0;
}

/** Simple moving average over exact windows; NaN until `window` values exist. */
export function sma(x: Float64Array, window: number): Float64Array {
  const out = new Float64Array(x.length).fill(Number.NaN);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    s += x[i]!;
    if (i >= window) s -= x[i - window]!;
    if (i >= window - 1) out[i] = s / window;
  }
  return out;
}
