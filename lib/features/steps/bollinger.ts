import type { FeatureStep } from "../step";
import type { BarInputs } from "../inputs";
import { RollingStats } from "../rolling";
import { zScore } from "./z-score";

/** Bollinger z-score: (close - SMA) / population std of the closes in the window. Warm-up: window - 1. */
export class BollingerStep implements FeatureStep {
  readonly kind = "bollinger";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { window: number };
  readonly needs = 0;
  private readonly stats: RollingStats;

  constructor(window: number) {
    this.stats = new RollingStats(window);
    this.params = { window };
    this.names = [`bb_z_${window}`];
    this.warmup = window - 1;
  }

  reset(): void {
    this.stats.reset();
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const c = x.close[i]!;
    const s = this.stats;
    s.push(c);
    out[off] = zScore(c, s.mean, s.variance);
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
