import type { Fill } from "./fill";
import { baseDelta, feeValue } from "./fill";
import { InvariantError } from "./errors";

/** A net position in one symbol. `qty` > 0 is long, < 0 short. */
export interface Position {
  symbol: string;
  qty: number;
  /** Average entry price of the open quantity (0 when flat). */
  avgPrice: number;
  realizedPnl: number;
  feesPaid: number;
}

export function flatPosition(symbol: string): Position {
  return { symbol, qty: 0, avgPrice: 0, realizedPnl: 0, feesPaid: 0 };
}

const EPS = 1e-12;

/** Applies a fill to a position: increases average in, reductions realise PnL, flips reset the average. */
export function applyFillToPosition(p: Position, f: Fill): Position {
  if (f.symbol !== p.symbol) throw new InvariantError(`fill for ${f.symbol} applied to position in ${p.symbol}`);
  const dq = baseDelta(f);
  const q0 = p.qty;
  const q1 = q0 + dq;
  let avg = p.avgPrice;
  let realized = p.realizedPnl;
  if (Math.abs(q0) < EPS || Math.sign(q0) === Math.sign(dq)) {
    avg = (Math.abs(q0) * p.avgPrice + Math.abs(dq) * f.price) / Math.abs(q1);
  } else {
    const closed = Math.min(Math.abs(q0), Math.abs(dq));
    realized += closed * (f.price - p.avgPrice) * Math.sign(q0);
    if (Math.abs(q1) < EPS) avg = 0;
    else if (Math.sign(q1) !== Math.sign(q0)) avg = f.price;
  }
  return { symbol: p.symbol, qty: Math.abs(q1) < EPS ? 0 : q1, avgPrice: avg, realizedPnl: realized, feesPaid: p.feesPaid + feeValue(f) };
}

export function unrealizedPnl(p: Position, markPrice: number): number {
  return p.qty === 0 ? 0 : p.qty * (markPrice - p.avgPrice);
}
