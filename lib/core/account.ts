import type { Fill } from "./fill";
import type { Position } from "./position";
import { applyFillToPosition, flatPosition } from "./position";
import { signedQty } from "./fill";

/** Cash plus positions, in one quote currency. */
export interface Account {
  currency: string;
  cash: number;
  positions: Record<string, Position>;
}

export function newAccount(currency: string, cash: number): Account {
  return { currency, cash, positions: {} };
}

/** Returns a new account with the fill applied (cash moves by notional and a quote fee; a base fee shrinks the position). */
export function applyFillToAccount(a: Account, f: Fill): Account {
  const p = a.positions[f.symbol] ?? flatPosition(f.symbol);
  const notional = signedQty(f.side, f.qty) * f.price;
  const cash = f.feeFromBase === true ? a.cash - notional : a.cash - notional - f.fee;
  return { ...a, cash, positions: { ...a.positions, [f.symbol]: applyFillToPosition(p, f) } };
}

/** Equity = cash + sum(qty * mark). Marks missing for an open position are an error. */
export function equity(a: Account, marks: Record<string, number>): number {
  let e = a.cash;
  for (const p of Object.values(a.positions)) {
    if (p.qty === 0) continue;
    const m = marks[p.symbol];
    if (m === undefined || !Number.isFinite(m)) throw new RangeError(`no mark price for open position in ${p.symbol}`);
    e += p.qty * m;
  }
  return e;
}
