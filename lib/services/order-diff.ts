import type { Side } from "../core/market";
import { InvariantError } from "../core/errors";
import { newFilterOutcome, type FilterReason, type OrderFilters } from "../sim/filters";
import { targetDelta } from "../sim/vector-kernel";

/**
 * Target position -> order, the way the RL env turns an action into an order (lib/sim VectorKernel
 * `decide`): delta = target x equity x leverage / price - position; nothing when the delta's notional
 * is within the rebalance band or under the market MIN_NOTIONAL; otherwise the exchange filters
 * round the quantity toward zero. The live runner and the checkpoint backtest both size orders here,
 * so research and live send the same quantities.
 *
 * Two limits the env does not have, because a real account has them: a target is clipped to the
 * largest position the risk limits allow, and (spot) a buy never asks for more than the free quote
 * balance pays for, a sell never for more than the free base balance holds when shorting is off.
 */
export interface OrderPlanInput {
  /** Policy target in [-1, 1] (fraction of the max position). */
  target: number;
  equity: number;
  /** |position notional| / equity at a target of 1 (env.maxPositionFraction). */
  leverage: number;
  /** Reference price: the close of the bar the decision is made on. */
  price: number;
  /** Current signed position, base units. */
  position: number;
  /** Skip rebalances whose notional is at most this fraction of equity (env.rebalanceThreshold). Default 0. */
  band?: number;
  /** The venue's filters for the symbol; null = none known (no rounding). */
  filters: OrderFilters | null;
  /** Largest |position| the risk limits allow, base units. Default unbounded. */
  maxAbsPosition?: number;
  /** Whether the position may go below zero. false clips targets at 0 and caps sells at `freeBase`. */
  allowShort: boolean;
  /** Free quote balance: buys are capped at what it pays for (with fees and `costBuffer`). Absent = no cap. */
  freeQuote?: number;
  /** Free base balance (spot sells). Absent = the position. */
  freeBase?: number;
  /** Taker fee as a fraction of notional (0.001 = 10 bps), for the buy cap. Default 0. */
  feeRate?: number;
  /** Extra fraction of notional kept back for slippage when capping buys. Default 0.002. */
  costBuffer?: number;
}

export type NoOrderReason = "no-change" | "band" | "min-notional" | "lot-size" | "no-funds" | FilterReason;

export type OrderPlan =
  | { kind: "none"; reason: NoOrderReason; target: number; delta: number }
  | { kind: "order"; side: Side; qty: number; notional: number; target: number; delta: number; capped: boolean };

/** Applies the target-side limits: short clip, then the risk limits' largest position (as a fraction). */
export function clipTarget(p: Pick<OrderPlanInput, "target" | "equity" | "leverage" | "price" | "maxAbsPosition" | "allowShort">): number {
  if (p.target !== p.target) throw new InvariantError("order plan: target is NaN");
  let t = p.target > 1 ? 1 : p.target < -1 ? -1 : p.target;
  if (!p.allowShort && t < 0) t = 0;
  const maxQty = p.maxAbsPosition ?? Number.POSITIVE_INFINITY;
  if (maxQty < Number.POSITIVE_INFINITY && p.equity > 0 && p.price > 0) {
    const maxFrac = (maxQty * p.price) / (p.equity * p.leverage);
    if (t > maxFrac) t = maxFrac;
    else if (t < -maxFrac) t = -maxFrac;
  }
  return t;
}

const scratch = newFilterOutcome();

/** The order that moves `position` toward the target, or why there is none. */
export function planOrder(p: OrderPlanInput): OrderPlan {
  if (!(p.price > 0) || !Number.isFinite(p.equity) || !Number.isFinite(p.position)) {
    throw new InvariantError(`order plan: bad inputs (price ${p.price}, equity ${p.equity}, position ${p.position})`);
  }
  const target = clipTarget(p);
  const delta = targetDelta(target, p.equity, p.leverage, p.price, p.position);
  let size = Math.abs(delta);
  if (size <= 1e-12 * Math.max(1, Math.abs(p.position))) return { kind: "none", reason: "no-change", target, delta };
  if (!(size * p.price > (p.band ?? 0) * (p.equity > 0 ? p.equity : 0))) return { kind: "none", reason: "band", target, delta };
  const side: Side = delta > 0 ? "buy" : "sell";
  let capped = false;
  if (side === "buy" && p.freeQuote !== undefined) {
    const perUnit = p.price * (1 + (p.feeRate ?? 0) + (p.costBuffer ?? 0.002));
    const afford = p.freeQuote > 0 ? p.freeQuote / perUnit : 0;
    if (afford < size) [size, capped] = [afford, true];
  }
  if (side === "sell" && !p.allowShort) {
    const held = Math.max(0, p.freeBase ?? p.position);
    if (held < size) [size, capped] = [held, true];
  }
  if (!(size > 0)) return { kind: "none", reason: "no-funds", target, delta };
  const f = p.filters;
  if (f === null) return { kind: "order", side, qty: size, notional: size * p.price, target, delta, capped };
  if (size * p.price < f.minMarketNotional) return { kind: "none", reason: "min-notional", target, delta };
  if (!f.conform(side, true, size, Number.NaN, p.price, scratch)) {
    return { kind: "none", reason: scratch.reason === "LOT_SIZE" && scratch.qty === 0 ? "lot-size" : (scratch.reason ?? "lot-size"), target, delta };
  }
  return { kind: "order", side, qty: scratch.qty, notional: scratch.qty * p.price, target, delta, capped };
}

/** Whether an order of `side` only shrinks |position| (never flips it). */
export function reducesPosition(side: Side, qty: number, position: number): boolean {
  const after = position + (side === "buy" ? qty : -qty);
  return Math.abs(after) < Math.abs(position) && (after === 0 || Math.sign(after) === Math.sign(position));
}
