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
  /** Fee in quote currency (always >= 0; rebates are negative). */
  fee: number;
  feeAsset: string;
  /** Slippage cost in quote currency: (price - requestedPrice) * qty for buys, the negative for sells. */
  slippageCost: number;
  /** Delay between order submission and fill, ms. */
  latencyMs: number;
  liquidity: Liquidity;
  tradeId?: string;
}

export function fillNotional(f: Fill): number {
  return f.qty * f.price;
}

export function signedQty(side: Side, qty: number): number {
  return side === "buy" ? qty : -qty;
}
