import type { FeatureStep } from "../step";
import { ewWarmup } from "../step";
import type { BarInputs } from "../inputs";

/**
 * Wilder RSI in [0, 100]: average gain and loss of close-to-close changes smoothed with alpha = 1/period,
 * seeded with the first change. 50 when nothing moved.
 */
export class RsiStep implements FeatureStep {
  readonly kind = "rsi";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { period: number };
  readonly needs = 0;
  private readonly alpha: number;
  private prev = 0;
  private gain = 0;
  private loss = 0;
  private n = 0;

  constructor(period: number) {
    if (!Number.isInteger(period) || period < 2) throw new RangeError(`rsi period must be an integer >= 2, got ${period}`);
    this.alpha = 1 / period;
    this.params = { period };
    this.names = [`rsi_${period}`];
    this.warmup = 1 + ewWarmup(1 - this.alpha);
  }

  reset(): void {
    this.prev = 0;
    this.gain = 0;
    this.loss = 0;
    this.n = 0;
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const c = x.close[i]!;
    if (this.n > 0) {
      const d = c - this.prev;
      const g = d > 0 ? d : 0;
      const l = d < 0 ? -d : 0;
      if (this.n === 1) {
        this.gain = g;
        this.loss = l;
      } else {
        this.gain += this.alpha * (g - this.gain);
        this.loss += this.alpha * (l - this.loss);
      }
    }
    this.prev = c;
    this.n++;
    const gain = this.gain;
    const loss = this.loss;
    // 100 - 100 / (1 + gain / loss), written with one division
    out[off] = gain + loss > 0 ? (100 * gain) / (gain + loss) : 50;
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
