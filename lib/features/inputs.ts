import type { Bar, BarColumns } from "../core/bar";

/**
 * Bar columns plus the logarithms several steps share, computed once per bar by `deriveInputs` (the
 * same function for batch blocks and for single streamed bars): lnClose = ln(close), lnRange =
 * ln(high / low), lnBody = ln(close / open), lnVolume = ln(1 + volume). A derived column a pipeline
 * does not need holds zeros.
 */
export interface BarInputs extends BarColumns {
  lnClose: Float64Array;
  lnRange: Float64Array;
  lnBody: Float64Array;
  lnVolume: Float64Array;
}

/** Bit flags a step sets for the derived inputs it reads. */
export const NEEDS_LN_CLOSE = 1;
export const NEEDS_LN_RANGE = 2;
export const NEEDS_LN_BODY = 4;
export const NEEDS_LN_VOLUME = 8;

/** Reusable input buffers for up to `capacity` bars. */
export class InputBlock {
  private readonly ts: Float64Array;
  private readonly o: Float64Array;
  private readonly h: Float64Array;
  private readonly l: Float64Array;
  private readonly c: Float64Array;
  private readonly v: Float64Array;
  private readonly lnC: Float64Array;
  private readonly lnHL: Float64Array;
  private readonly lnCO: Float64Array;
  private readonly lnV: Float64Array;
  /** The single-bar view used by the streaming form. */
  readonly one: BarInputs;

  constructor(
    readonly capacity: number,
    private readonly needs: number,
  ) {
    const a = () => new Float64Array(capacity);
    const a1 = () => new Float64Array(1); // bar columns are only copied for single bars
    this.ts = a1();
    this.o = a1();
    this.h = a1();
    this.l = a1();
    this.c = a1();
    this.v = a1();
    this.lnC = a();
    this.lnHL = a();
    this.lnCO = a();
    this.lnV = a();
    this.one = this.view(1);
  }

  private view(n: number): BarInputs {
    return {
      ts: this.ts.subarray(0, n),
      open: this.o.subarray(0, n),
      high: this.h.subarray(0, n),
      low: this.l.subarray(0, n),
      close: this.c.subarray(0, n),
      volume: this.v.subarray(0, n),
      lnClose: this.lnC.subarray(0, n),
      lnRange: this.lnHL.subarray(0, n),
      lnBody: this.lnCO.subarray(0, n),
      lnVolume: this.lnV.subarray(0, n),
      length: n,
    };
  }

  /** Inputs for bars [start, end) of `bars` (end - start <= capacity). The bar columns are views, not copies. */
  fromColumns(bars: BarColumns, start: number, end: number): BarInputs {
    const n = end - start;
    const x: BarInputs = {
      ts: bars.ts.subarray(start, end),
      open: bars.open.subarray(start, end),
      high: bars.high.subarray(start, end),
      low: bars.low.subarray(start, end),
      close: bars.close.subarray(start, end),
      volume: bars.volume.subarray(start, end),
      lnClose: this.lnC.subarray(0, n),
      lnRange: this.lnHL.subarray(0, n),
      lnBody: this.lnCO.subarray(0, n),
      lnVolume: this.lnV.subarray(0, n),
      length: n,
    };
    deriveInputs(x, this.needs);
    return x;
  }

  /** The single-bar inputs of one bar. */
  fromBar(bar: Bar): BarInputs {
    const x = this.one;
    x.ts[0] = bar.ts;
    x.open[0] = bar.open;
    x.high[0] = bar.high;
    x.low[0] = bar.low;
    x.close[0] = bar.close;
    x.volume[0] = bar.volume;
    deriveInputs(x, this.needs);
    return x;
  }
}

/** Fills the derived columns selected by `needs` from the bar columns of `x`. */
export function deriveInputs(x: BarInputs, needs: number): void {
  const n = x.length;
  if (needs & NEEDS_LN_CLOSE) {
    const c = x.close;
    const out = x.lnClose;
    for (let i = 0; i < n; i++) out[i] = Math.log(c[i]!);
  }
  if (needs & NEEDS_LN_RANGE) {
    const h = x.high;
    const l = x.low;
    const out = x.lnRange;
    for (let i = 0; i < n; i++) out[i] = lnRatio(h[i]!, l[i]!);
  }
  if (needs & NEEDS_LN_BODY) {
    const o = x.open;
    const c = x.close;
    const out = x.lnBody;
    for (let i = 0; i < n; i++) out[i] = lnRatio(c[i]!, o[i]!);
  }
  if (needs & NEEDS_LN_VOLUME) {
    const v = x.volume;
    const out = x.lnVolume;
    for (let i = 0; i < n; i++) out[i] = Math.log1p(v[i]!);
  }
}

/**
 * ln(a / b) for positive a, b. Near 1 (|a - b| < 2% of a + b), ln(a/b) = 2 atanh(s) with
 * s = (a - b) / (a + b), summed to s^11 (truncation below 1e-25 relative): this is exact to rounding
 * even for tiny ranges, where Math.log(a / b) keeps only the digits the rounded ratio has left, and
 * it avoids a library call on the common path.
 */
export function lnRatio(a: number, b: number): number {
  const s = (a - b) / (a + b);
  if (s < 0.01 && s > -0.01) {
    const s2 = s * s;
    return 2 * s * (1 + s2 * (1 / 3 + s2 * (1 / 5 + s2 * (1 / 7 + s2 * (1 / 9 + s2 * (1 / 11))))));
  }
  return Math.log(a / b);
}
