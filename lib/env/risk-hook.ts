import type { RiskLimits } from "../risk/risk-guard";
import { RiskGuard } from "../risk/risk-guard";
import { targetDelta } from "../sim/vector-kernel";

/** What a risk hook sees at a decision (bar close). */
export interface EnvRiskState {
  /** Open time of the bar that just closed. */
  ts: number;
  timeframeMs: number;
  symbol: string;
  equity: number;
  positionQty: number;
  price: number;
  /** |position notional| / equity at a target of 1. */
  leverage: number;
}

/**
 * Optional risk limits inside the env, between the policy and the simulator. A hook sees every
 * decision and returns the target the env may pursue: the policy's, a smaller one, or NaN to send
 * nothing this bar (hold). One hook per env (hooks are stateful).
 */
export interface EnvRiskHook {
  /** Called at each episode start. */
  reset(ts: number, equity: number): void;
  filterTarget(desired: number, s: EnvRiskState): number;
}

/**
 * The live risk guard's limits inside the env: targets are clipped to the position limits; an
 * order the guard denies (halted, reduce-only, order notional, rate, price band) is not sent.
 */
export class RiskGuardHook implements EnvRiskHook {
  private guard: RiskGuard;

  constructor(private readonly limits: RiskLimits) {
    this.guard = new RiskGuard(limits);
  }

  reset(ts: number, equity: number): void {
    this.guard = new RiskGuard(this.limits);
    this.guard.onEquity(ts, equity);
  }

  filterTarget(desired: number, s: EnvRiskState): number {
    const g = this.guard;
    if (g.onEquity(s.ts, s.equity) === "halted") return Number.NaN;
    let t = desired;
    const maxQty = g.maxPositionQty(s.price);
    if (maxQty < Number.POSITIVE_INFINITY && s.equity > 0) {
      const maxFrac = (maxQty * s.price) / (s.equity * s.leverage);
      if (t > maxFrac) t = maxFrac;
      else if (t < -maxFrac) t = -maxFrac;
    }
    const delta = targetDelta(t, s.equity, s.leverage, s.price, s.positionQty);
    if (delta === 0) return t;
    const now = s.ts + s.timeframeMs;
    const d = g.check(
      { symbol: s.symbol, side: delta > 0 ? "buy" : "sell", qty: Math.abs(delta), price: s.price },
      { now, lastBarTs: s.ts, timeframeMs: s.timeframeMs, lastPrice: s.price, positionQty: s.positionQty },
    );
    if (!d.allowed) return Number.NaN;
    g.recordOrder(now);
    return t;
  }
}

/** A hook factory for `risk:` limits (each env gets its own guard). */
export function riskGuardHooks(limits: RiskLimits): () => EnvRiskHook {
  return () => new RiskGuardHook(limits);
}
