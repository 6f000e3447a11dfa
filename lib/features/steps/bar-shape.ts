import type { FeatureStep } from "../step";
import type { BarInputs } from "../inputs";
import { NEEDS_LN_RANGE } from "../inputs";

/**
 * Shape of the bar itself: range = ln(high / low); body = (close - open) / (high - low) in [-1, 1];
 * upper and lower wick as fractions of the range in [0, 1]. A bar with no range has body and wicks 0.
 */
export class BarShapeStep implements FeatureStep {
  readonly kind = "barShape";
  readonly names: readonly string[] = ["range", "body", "upper_wick", "lower_wick"];
  readonly warmup = 0;
  readonly params = {};
  readonly needs = NEEDS_LN_RANGE;

  reset(): void {}

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const o = x.open[i]!;
    const h = x.high[i]!;
    const l = x.low[i]!;
    const c = x.close[i]!;
    const r = h - l;
    out[off] = x.lnRange[i]!;
    if (r > 0) {
      const inv = 1 / r;
      out[off + 1] = (c - o) * inv;
      out[off + 2] = (h - (o > c ? o : c)) * inv;
      out[off + 3] = ((o < c ? o : c) - l) * inv;
    } else {
      out[off + 1] = 0;
      out[off + 2] = 0;
      out[off + 3] = 0;
    }
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
