import type { FeatureStep } from "../step";
import type { BarInputs } from "../inputs";
import { NEEDS_LN_VOLUME } from "../inputs";
import { RollingMean, RollingStats } from "../rolling";
import { zScore } from "./z-score";

/** z-score of ln(1 + volume) against the window (heavy-tailed volumes are compared in logs). Warm-up: window - 1. */
export class VolumeZStep implements FeatureStep {
  readonly kind = "volumeZ";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { window: number };
  readonly needs = NEEDS_LN_VOLUME;
  private readonly stats: RollingStats;

  constructor(window: number) {
    this.stats = new RollingStats(window);
    this.params = { window };
    this.names = [`volume_z_${window}`];
    this.warmup = window - 1;
  }

  reset(): void {
    this.stats.reset();
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const lv = x.lnVolume[i]!;
    const s = this.stats;
    s.push(lv);
    out[off] = zScore(lv, s.mean, s.variance);
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}

/** volume / mean volume of the window including this bar (1 when the window traded nothing). Warm-up: window - 1. */
export class RelativeVolumeStep implements FeatureStep {
  readonly kind = "relativeVolume";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { window: number };
  readonly needs = 0;
  private readonly avg: RollingMean;

  constructor(window: number) {
    this.avg = new RollingMean(window);
    this.params = { window };
    this.names = [`rel_volume_${window}`];
    this.warmup = window - 1;
  }

  reset(): void {
    this.avg.reset();
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const v = x.volume[i]!;
    this.avg.push(v);
    const m = this.avg.mean;
    // a window mean below 1e-12 of this bar's volume is rounding residue of a zero-volume window
    out[off] = m > 1e-12 * v && m > 0 ? v / m : 1;
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
