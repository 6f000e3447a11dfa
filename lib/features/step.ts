import type { BarInputs } from "./inputs";

/**
 * One feature step. The maths lives once, in `update` (bar i of the inputs in, `names.length` values
 * out, O(1) memory); `batch` drives that same recurrence over a block of bars, and the streaming form
 * calls `update` on a one-bar block, so the two forms agree by construction. A step is stateful:
 * `batch` continues from the current state, so long series are processed block by block; `reset`
 * starts over.
 */
export interface FeatureStep {
  readonly kind: string;
  /** Output names, in order. */
  readonly names: readonly string[];
  /** Rows [0, warmup) of a fresh step are not valid; from row `warmup` on, values no longer depend
   *  (beyond a 1e-9 weight) on where the series started. */
  readonly warmup: number;
  /** The parameters that define the maths (part of the feature schema hash). */
  readonly params: Readonly<Record<string, number | boolean | readonly number[]>>;
  /** Derived inputs read (NEEDS_* flags of ./inputs). */
  readonly needs: number;
  reset(): void;
  /** Consumes bar i of `x` and writes `names.length` values at out[off...]. */
  update(x: BarInputs, i: number, out: Float64Array, off: number): void;
  /** Consumes every bar of `x`; bar i goes to out[(row + i) * stride + col ...]. */
  batch(x: BarInputs, out: Float64Array, stride: number, col: number, row: number): void;
}

/** Weight left on an exponentially weighted seed after warm-up: below this it is considered gone. */
export const EW_SEED_WEIGHT = 1e-9;

/** Bars until an EW recursion with per-bar decay `decay` (0 < decay < 1) has forgotten its seed. */
export function ewWarmup(decay: number): number {
  if (!(decay > 0 && decay < 1)) return 0;
  return Math.ceil(Math.log(EW_SEED_WEIGHT) / Math.log(decay));
}

/** EMA smoothing factor for a span (pandas `span`): 2 / (span + 1). */
export function spanAlpha(span: number): number {
  return 2 / (span + 1);
}
