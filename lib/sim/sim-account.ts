import type { Fill } from "../core/fill";
import type { Position } from "../core/position";
import { applyFillToPosition, flatPosition } from "../core/position";
import type { Balance, VenuePosition } from "../core/ports/execution.port";

/** `cash`: spot rules (no shorting, no borrowing, funds locked by open orders); `margin`: no balance checks. */
export type AccountMode = "cash" | "margin";

const DUST = 1e-12;

/**
 * Balances per asset (total and locked by open orders) and net positions per symbol, in the
 * simulated venue. Fees are charged in the fill's fee asset.
 */
export class SimAccount {
  private readonly total = new Map<string, number>();
  private readonly locked = new Map<string, number>();
  private readonly pos = new Map<string, Position>();

  constructor(
    initial: Readonly<Record<string, number>>,
    readonly mode: AccountMode,
  ) {
    for (const [asset, v] of Object.entries(initial)) {
      if (!Number.isFinite(v) || v < 0) throw new RangeError(`initial balance of ${asset} must be a finite number >= 0, got ${v}`);
      this.total.set(asset, v);
    }
  }

  /** Total balance of an asset (free + locked). */
  balance(asset: string): number {
    return this.total.get(asset) ?? 0;
  }

  free(asset: string): number {
    return (this.total.get(asset) ?? 0) - (this.locked.get(asset) ?? 0);
  }

  /** Reserves funds for an order; in cash mode false when the free balance is short. */
  lock(asset: string, amount: number): boolean {
    if (this.mode === "margin") return true;
    if (amount > this.free(asset) + DUST) return false;
    this.locked.set(asset, (this.locked.get(asset) ?? 0) + amount);
    return true;
  }

  unlock(asset: string, amount: number): void {
    if (this.mode === "margin" || amount <= 0) return;
    const left = (this.locked.get(asset) ?? 0) - amount;
    this.locked.set(asset, left > DUST ? left : 0);
  }

  /** Moves balances for a fill: the buyer pays quote and receives base; the fee leaves the fee asset. */
  applyFill(f: Fill, baseAsset: string, quoteAsset: string): void {
    const notional = f.qty * f.price;
    const sign = f.side === "buy" ? 1 : -1;
    this.add(baseAsset, sign * f.qty);
    this.add(quoteAsset, -sign * notional);
    this.add(f.feeAsset, -f.fee);
    this.pos.set(f.symbol, applyFillToPosition(this.pos.get(f.symbol) ?? flatPosition(f.symbol), f));
  }

  position(symbol: string): Position {
    return this.pos.get(symbol) ?? flatPosition(symbol);
  }

  positions(): VenuePosition[] {
    const out: VenuePosition[] = [];
    for (const p of this.pos.values()) if (p.qty !== 0) out.push({ symbol: p.symbol, qty: p.qty, avgPrice: p.avgPrice });
    return out;
  }

  balances(): Balance[] {
    const out: Balance[] = [];
    for (const [asset, t] of this.total) {
      const l = this.locked.get(asset) ?? 0;
      out.push({ asset, free: t - l, locked: l });
    }
    return out.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
  }

  private add(asset: string, v: number): void {
    const t = (this.total.get(asset) ?? 0) + v;
    this.total.set(asset, Math.abs(t) < DUST ? 0 : t);
  }
}
