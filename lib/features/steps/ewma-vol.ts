import type { FeatureStep } from "../step";
import { ewWarmup } from "../step";
import type { BarInputs } from "../inputs";
import { NEEDS_LN_CLOSE } from "../inputs";

/**
 * Close-to-close EWMA volatility per bar (RiskMetrics form): var_t = l * var_{t-1} + (1 - l) * r_t^2
 * with r_t = ln(close_t) - ln(close_{t-1}) and l = 2^(-1 / halfLife); seeded with the first r^2.
 */
export class EwmaVolStep implements FeatureStep {
  readonly kind = "ewmaVol";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { halfLife: number };
  readonly needs = NEEDS_LN_CLOSE;
  private readonly lambda: number;
  private prev = 0;
  private v = 0;
  private n = 0;

  constructor(halfLife: number) {
    if (!(halfLife >= 1)) throw new RangeError(`ewmaVol halfLife must be >= 1, got ${halfLife}`);
    this.lambda = Math.pow(2, -1 / halfLife);
    this.params = { halfLife };
    this.names = [`ewma_vol_hl${halfLife}`];
    this.warmup = 1 + ewWarmup(this.lambda);
  }

  reset(): void {
    this.prev = 0;
    this.v = 0;
    this.n = 0;
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const lc = x.lnClose[i]!;
    if (this.n > 1) {
      const r = lc - this.prev;
      this.v = this.lambda * this.v + (1 - this.lambda) * r * r;
    } else if (this.n === 1) {
      const r = lc - this.prev;
      this.v = r * r;
    }
    this.prev = lc;
    this.n++;
    out[off] = Math.sqrt(this.v);
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
