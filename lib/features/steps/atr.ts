import type { FeatureStep } from "../step";
import { ewWarmup } from "../step";
import type { BarInputs } from "../inputs";

/**
 * Wilder ATR divided by the close: true range max(H - L, |H - C_prev|, |L - C_prev|) (H - L on the first
 * bar), smoothed with alpha = 1/period and seeded with the first true range.
 */
export class AtrStep implements FeatureStep {
  readonly kind = "atr";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { period: number };
  readonly needs = 0;
  private readonly alpha: number;
  private prev = 0;
  private atr = 0;
  private n = 0;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 2) throw new RangeError(`atr period must be an integer >= 2, got ${period}`);
    this.alpha = 1 / period;
    this.params = { period };
    this.names = [`atr_${period}`];
    this.warmup = 1 + ewWarmup(1 - this.alpha);
  }

  reset(): void {
    this.prev = 0;
    this.atr = 0;
    this.n = 0;
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const h = x.high[i]!;
    const l = x.low[i]!;
    const c = x.close[i]!;
    let tr = h - l;
    if (this.n > 0) {
      const up = Math.abs(h - this.prev);
      const dn = Math.abs(l - this.prev);
      if (up > tr) tr = up;
      if (dn > tr) tr = dn;
      this.atr += this.alpha * (tr - this.atr);
    } else {
      this.atr = tr;
    }
    this.prev = c;
    this.n++;
    out[off] = this.atr / c;
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
