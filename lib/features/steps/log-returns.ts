import type { FeatureStep } from "../step";
import type { BarInputs } from "../inputs";
import { NEEDS_LN_CLOSE } from "../inputs";
import { Lags } from "../rolling";

/** ln(close_t / close_{t-h}) for each horizon h, from a ring of log closes. Warm-up: max horizon. */
export class LogReturnsStep implements FeatureStep {
  readonly kind = "logReturns";
  readonly names: readonly string[];
  readonly warmup: number;
  readonly params: { horizons: readonly number[] };
  readonly needs = NEEDS_LN_CLOSE;
  private readonly hs: Int32Array;
  private readonly lags: Lags;

  constructor(horizons: readonly number[]) {
    if (horizons.length === 0 || horizons.some((h) => !Number.isInteger(h) || h < 1)) {
      throw new RangeError(`logReturns horizons must be positive integers, got [${horizons.join(", ")}]`);
    }
    this.hs = Int32Array.from(horizons);
    this.params = { horizons: [...horizons] };
    this.names = horizons.map((h) => `logret_${h}`);
    this.warmup = Math.max(...horizons);
    this.lags = new Lags(this.warmup);
  }

  reset(): void {
    this.lags.reset();
  }

  update(x: BarInputs, i: number, out: Float64Array, off: number): void {
    const lc = x.lnClose[i]!;
    const lags = this.lags;
    lags.push(lc);
    const hs = this.hs;
    for (let j = 0; j < hs.length; j++) out[off + j] = lc - lags.ago(hs[j]!);
  }

  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void {
    for (let i = 0; i < x.length; i++) this.update(x, i, out, (row + i) * stride + col);
  }
}
