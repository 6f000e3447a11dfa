import type { Side } from "./market";

/** Whether the fill added liquidity (maker) or took it (taker). */
export type Liquidity = "maker" | "taker";

/**
 * One execution. Every fill records what was asked for and what it cost, so backtests and the live
 * journal can attribute PnL to fees, slippage and latency.
 */
export interface Fill {
  ts: number;
  symbol: string;
  clientOrderId: string;
  side: Side;
  qty: number;
  /** Price the decision was made at (the reference for slippage): e.g. the signal bar's close or the next open. */
  requestedPrice: number;
  price: number;
  /**
   * Commission, in `feeAsset` (quote currency unless `feeFromBase`; rebates are negative). Use
   * feeValue() for its worth in quote currency.
   */
  fee: number;
  feeAsset: string;
  /**
   * The commission was taken out of the base asset the buy received (Binance spot's default): `fee`
   * is in base units and the position grows by qty - fee.
   */
  feeFromBase?: boolean;
  /** Slippage cost in quote currency: (price - requestedPrice) * qty for buys, the negative for sells. */
  slippageCost: number;
  /** Delay between order submission and fill, ms. */
  latencyMs: number;
  liquidity: Liquidity;
  tradeId?: string;
}

/** The fee's worth in quote currency (a fee taken from the received base asset is valued at the fill price). */
export function feeValue(f: Fill): number {
  return f.feeFromBase === true ? f.fee * f.price : f.fee;
}

/** Signed change of the base-asset holding: a buy receives qty less any fee taken from it; a sell gives qty. */
export function baseDelta(f: Fill): number {
  return f.side === "buy" ? f.qty - (f.feeFromBase === true ? f.fee : 0) : -f.qty;
}

export function fillNotional(f: Fill): number {
  return f.qty * f.price;
}

export function signedQty(side: Side, qty: number): number {
  return side === "buy" ? qty : -qty;
}
