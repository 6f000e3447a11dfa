import type { BarColumns } from "../../core/bar";
import { ConfigError } from "../../core/errors";
import { heldSide, qtyForCash, sma, type Policy, type PolicyContext } from "./policy";

/** Buy once with `cashFraction` of cash on the first bar, hold to the end. */
export class BuyAndHold implements Policy {
  readonly name = "buy-and-hold";
  readonly warmup = 0;
  constructor(private readonly p: { cashFraction?: number } = {}) {}
  prepare(): void {}
  decide(c: PolicyContext): number | null {
    if (heldSide(c) !== 0) return null;
    return qtyForCash(c.cash, this.p.cashFraction ?? 0.99, c.bars.close[c.i]!);
  }
}

export interface SmaCrossParams {
  fast?: number;
  slow?: number;
  cashFraction?: number;
}

/**
 * The classic SMA crossover: long-only; a golden cross (fast moves above slow) while flat buys with
 * `cashFraction` of cash sized on the signal bar's close; a death cross while long sells everything.
 * A bar where fast equals slow neither makes nor resets a cross (the last non-zero difference carries).
 */
export class SmaCross implements Policy {
  readonly name = "sma-cross";
  readonly warmup: number;
  private fastMa: Float64Array = new Float64Array(0);
  private slowMa: Float64Array = new Float64Array(0);
  private lastSign = 0;
  private lastIndex = -1;
  private readonly fast: number;
  private readonly slow: number;

  constructor(private readonly p: SmaCrossParams = {}) {
    this.fast = p.fast ?? 10;
    this.slow = p.slow ?? 30;
    if (!(this.fast >= 1 && this.slow > this.fast)) throw new ConfigError(`sma-cross: need 1 <= fast < slow, got fast=${this.fast} slow=${this.slow}`, { path: "strategy.params" });
    this.warmup = this.slow - 1;
  }

  prepare(bars: BarColumns): void {
    this.fastMa = sma(bars.close, this.fast);
    this.slowMa = sma(bars.close, this.slow);
    this.lastSign = 0;
    this.lastIndex = -1;
  }

  decide(c: PolicyContext): number | null {
    if (c.i !== this.lastIndex + 1 && this.lastIndex !== -1) throw new RangeError(`sma-cross expects consecutive bars, got ${c.i} after ${this.lastIndex}`);
    this.lastIndex = c.i;
    const d = this.fastMa[c.i]! - this.slowMa[c.i]!;
    if (!Number.isFinite(d) || d === 0) return null;
    const sign = d > 0 ? 1 : -1;
    const prev = this.lastSign;
    this.lastSign = sign;
    if (prev === -1 && sign === 1 && heldSide(c) === 0) return qtyForCash(c.cash, this.p.cashFraction ?? 0.99, c.bars.close[c.i]!);
    if (prev === 1 && sign === -1 && heldSide(c) > 0) return 0;
    return null;
  }

}

/** Time-series momentum: long while the `lookback`-bar return exceeds `threshold`, flat (or short) otherwise. */
export class Momentum implements Policy {
  readonly name = "momentum";
  readonly warmup: number;
  constructor(private readonly p: { lookback?: number; threshold?: number; cashFraction?: number; allowShort?: boolean } = {}) {
    this.warmup = p.lookback ?? 60;
  }
  prepare(): void {}
  decide(c: PolicyContext): number | null {
    const lb = this.p.lookback ?? 60;
    const close = c.bars.close;
    const ret = close[c.i]! / close[c.i - lb]! - 1;
    const th = this.p.threshold ?? 0;
    const px = close[c.i]!;
    const size = (c.equity * (this.p.cashFraction ?? 0.99)) / px;
    const held = heldSide(c);
    if (ret > th) return held > 0 ? null : size;
    if (this.p.allowShort && ret < -th) return held < 0 ? null : -size;
    return held !== 0 ? 0 : null;
  }
}

/** Bollinger mean reversion: long when the z-score of close vs its SMA falls below -entry, exit above -exit. */
export class MeanReversion implements Policy {
  readonly name = "mean-reversion";
  readonly warmup: number;
  private mean: Float64Array = new Float64Array(0);
  private sd: Float64Array = new Float64Array(0);
  constructor(private readonly p: { window?: number; entryZ?: number; exitZ?: number; cashFraction?: number } = {}) {
    this.warmup = (p.window ?? 60) - 1;
  }
  prepare(bars: BarColumns): void {
    const w = this.p.window ?? 60;
    this.mean = sma(bars.close, w);
    const sq = new Float64Array(bars.length);
    for (let i = 0; i < bars.length; i++) sq[i] = bars.close[i]! * bars.close[i]!;
    const m2 = sma(sq, w);
    this.sd = new Float64Array(bars.length);
    for (let i = 0; i < bars.length; i++) this.sd[i] = Math.sqrt(Math.max(0, m2[i]! - this.mean[i]! ** 2));
  }
  decide(c: PolicyContext): number | null {
    const sd = this.sd[c.i]!;
    if (!(sd > 0)) return null;
    const z = (c.bars.close[c.i]! - this.mean[c.i]!) / sd;
    if (heldSide(c) === 0 && z < -(this.p.entryZ ?? 2)) return qtyForCash(c.cash, this.p.cashFraction ?? 0.99, c.bars.close[c.i]!);
    if (heldSide(c) > 0 && z > -(this.p.exitZ ?? 0)) return 0;
    return null;
  }
}

export const STRATEGY_NAMES = ["buy-and-hold", "sma-cross", "momentum", "mean-reversion"] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Builds a baseline by name; unknown names are a ConfigError listing the valid ones. */
export function createStrategy(name: string, params: Record<string, number | boolean> = {}): Policy {
  switch (name) {
    case "buy-and-hold":
      return new BuyAndHold(params);
    case "sma-cross":
      return new SmaCross(params);
    case "momentum":
      return new Momentum(params);
    case "mean-reversion":
      return new MeanReversion(params);
    default:
      throw new ConfigError(`unknown strategy "${name}"; expected one of ${STRATEGY_NAMES.join(", ")}`, { path: "strategy" });
  }
}
