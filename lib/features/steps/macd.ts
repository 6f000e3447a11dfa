import type { FeatureStep } from "../step";
import { ewWarmup, spanAlpha } from "../step";
import type { BarInputs } from "../inputs";

/**
 * MACD with EMAs of the close (alpha = 2 / (span + 1), seeded with the first close): line = EMA_fast -
 * EMA_slow, signal = EMA of the line, histogram = line - signal; all three divided by the close so the
 * features do not scale with the price level.
 */
export class MacdStep implements FeatureStep {
  readonly kind = "macd";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { fast: number; slow: number; signal: number };
  readonly needs = 0;
  private readonly af: number;
  private readonly as: number;
  private readonly ag: number;
  private fast = 0;
  private slow = 0;
  private sig = 0;
  private n = 0;

  constructor(fast: number, slow: number, signal: number) {
    if (!(Number.isInteger(fast) && Number.isInteger(slow) && Number.isInteger(signal) && fast >= 1 && signal >= 1 && fast < slow)) {
      throw new RangeError(`macd needs integers 1 <= fast < slow and signal >= 1, got ${fast}/${slow}/${signal}`);
    }
    this.af = spanAlpha(fast);
    this.as = spanAlpha(slow);
    this.ag = spanAlpha(signal);
    this.params = { fast, slow, signal };
    this.names = [`macd_${fast}_${slow}`, `macd_signal_${fast}_${slow}_${signal}`, `macd_hist_${fast}_${slow}_${signal}`];
    this.warmup = ewWarmup(1 - this.as) + ewWarmup(1 - this.ag);
  }

  reset(): void {
    this.fast = 0;
    this.slow = 0;
    this.sig = 0;
    this.n = 0;
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const c = x.close[i]!;
    if (this.n === 0) {
      this.fast = c;
      this.slow = c;
    } else {
      this.fast += this.af * (c - this.fast);
      this.slow += this.as * (c - this.slow);
    }
    const line = this.fast - this.slow;
    this.sig = this.n === 0 ? line : this.sig + this.ag * (line - this.sig);
    this.n++;
    const inv = 1 / c;
    out[off] = line * inv;
    out[off + 1] = this.sig * inv;
    out[off + 2] = (line - this.sig) * inv;
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
