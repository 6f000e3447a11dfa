import type { FeatureStep } from "../step";
import type { BarInputs } from "../inputs";
import { NEEDS_LN_BODY, NEEDS_LN_RANGE } from "../inputs";
import { RollingMean } from "../rolling";

const INV_FOUR_LN2 = 1 / (4 * Math.LN2);
const GK_C = 2 * Math.LN2 - 1;

/** Parkinson volatility per bar: sqrt(mean(ln(H/L)^2) / (4 ln 2)) over the window. Warm-up: window - 1. */
export class ParkinsonVolStep implements FeatureStep {
  readonly kind = "parkinsonVol";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { window: number };
  readonly needs = NEEDS_LN_RANGE;
  private readonly avg: RollingMean;

  constructor(window: number) {
    this.avg = new RollingMean(window);
    this.params = { window };
    this.names = [`parkinson_vol_${window}`];
    this.warmup = window - 1;
  }

  reset(): void {
    this.avg.reset();
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const hl = x.lnRange[i]!;
    this.avg.push(hl * hl);
    const m = this.avg.mean;
    out[off] = m > 0 ? Math.sqrt(m * INV_FOUR_LN2) : 0;
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}

/**
 * Garman-Klass volatility per bar: sqrt(mean(0.5 ln(H/L)^2 - (2 ln 2 - 1) ln(C/O)^2)) over the window
 * (a window mean below zero, possible on tiny ranges, gives 0). Warm-up: window - 1.
 */
export class GarmanKlassVolStep implements FeatureStep {
  readonly kind = "garmanKlassVol";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { window: number };
  readonly needs = NEEDS_LN_RANGE | NEEDS_LN_BODY;
  private readonly avg: RollingMean;

  constructor(window: number) {
    this.avg = new RollingMean(window);
    this.params = { window };
    this.names = [`gk_vol_${window}`];
    this.warmup = window - 1;
  }

  reset(): void {
    this.avg.reset();
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const hl = x.lnRange[i]!;
    const co = x.lnBody[i]!;
    this.avg.push(0.5 * hl * hl - GK_C * co * co);
    const m = this.avg.mean;
    out[off] = m > 0 ? Math.sqrt(m) : 0;
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
