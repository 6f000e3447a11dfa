import type { ConformalPredictor } from "./predictor";

/** Per-step output of running a predictor over a series: for plots and backtest reports. */
export interface ConformalTrace {
  /** Calibrated interval bounds issued before each outcome (+-Infinity while calibrating). */
  lower: Float64Array;
  upper: Float64Array;
  /** 1 when the outcome fell inside its interval. */
  covered: Uint8Array;
  /** Miscoverage level each interval used (alpha_t for the adaptive method). */
  alpha: Float64Array;
  /** Share of covered outcomes over the whole series (NaN when empty). */
  coverage: number;
  /** Mean width of the bounded intervals (NaN when none; empty sets count as width 0). */
  meanWidth: number;
  /** Number of intervals that were the whole line. */
  infinite: number;
}

/**
 * Runs a predictor over aligned columns: for each i, issues the interval for band [lo[i], hi[i]], then
 * observes y[i]. The predictor's state advances (call `calibrate` first to warm it up). No allocation
 * per step.
 */
export function runConformal(p: ConformalPredictor, lo: ArrayLike<number>, hi: ArrayLike<number>, y: ArrayLike<number>): ConformalTrace {
  const n = y.length;
  if (lo.length !== n || hi.length !== n) throw new RangeError(`runConformal: length mismatch lo=${lo.length} hi=${hi.length} y=${n}`);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const covered = new Uint8Array(n);
  const alpha = new Float64Array(n);
  let hits = 0;
  let widthSum = 0;
  let finite = 0;
  for (let i = 0; i < n; i++) {
    const q = p.qhat();
    const a = lo[i]! - q;
    const b = hi[i]! + q;
    lower[i] = a;
    upper[i] = b;
    alpha[i] = p.currentAlpha;
    const c = p.observe(lo[i]!, hi[i]!, y[i]!);
    covered[i] = c ? 1 : 0;
    hits += covered[i]!;
    if (q !== Number.POSITIVE_INFINITY) {
      widthSum += b > a ? b - a : 0; // an empty set (q = -Infinity) has width 0
      finite++;
    }
  }
  return {
    lower,
    upper,
    covered,
    alpha,
    coverage: n === 0 ? Number.NaN : hits / n,
    meanWidth: finite === 0 ? Number.NaN : widthSum / finite,
    infinite: n - finite,
  };
}

/** Trailing-window empirical coverage at each step (NaN until the window is full). */
export function rollingCoverage(covered: ArrayLike<number>, window: number): Float64Array {
  if (!Number.isInteger(window) || window < 1) throw new RangeError(`rollingCoverage: window must be a positive integer, got ${window}`);
  const out = new Float64Array(covered.length);
  let sum = 0;
  for (let i = 0; i < covered.length; i++) {
    sum += covered[i]!;
    if (i >= window) sum -= covered[i - window]!;
    out[i] = i + 1 >= window ? sum / window : Number.NaN;
  }
  return out;
}

/** Coverage of a slice [from, to) of a covered column. */
export function coverageOf(covered: ArrayLike<number>, from = 0, to = covered.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += covered[i]!;
  return to > from ? s / (to - from) : Number.NaN;
}
