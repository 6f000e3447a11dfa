import type { ConformalPredictor } from "./predictor";

/** Per-step output of running a predictor over a series: for plots and backtest reports. */
export interface ConformalTrace {
  /** Calibrated interval bounds issued for each forecast (+-Infinity while calibrating). */
  lower: Float64Array;
  upper: Float64Array;
  /** 1 when the outcome fell inside its interval. */
  covered: Uint8Array;
  /** Miscoverage level each interval used (alpha_t for the adaptive method). */
  alpha: Float64Array;
  /** Targets after uncertainty-aware sizing (only when targets were given). */
  sizedTargets?: Float64Array;
  /** Share of covered outcomes over the whole series (NaN when empty). */
  coverage: number;
  /** Mean width of the bounded intervals (NaN when none; empty sets count as width 0). */
  meanWidth: number;
  /** Number of intervals that were the whole line. */
  infinite: number;
}

export interface RunConformalOptions {
  /** Bars between forecast i and its outcome y[i]; default the predictor's `horizon`. */
  horizon?: number;
  /** Target positions to size with each step's interval and the predictor's sizing config. */
  targets?: ArrayLike<number>;
}

/**
 * Runs a predictor over aligned columns, causally: forecast i (band [lo[i], hi[i]]) gets its interval
 * at step i, and its outcome y[i] is observed only at step i + horizon, before that step's interval is
 * issued (the outcomes still pending at the end are observed last). With `targets`, each target is
 * sized against its own interval before any later outcome is seen. The predictor's state advances
 * (call `calibrate` first to warm it up).
 */
export function runConformal(p: ConformalPredictor, lo: ArrayLike<number>, hi: ArrayLike<number>, y: ArrayLike<number>, opts: RunConformalOptions = {}): ConformalTrace {
  const n = y.length;
  if (lo.length !== n || hi.length !== n) throw new RangeError(`runConformal: length mismatch lo=${lo.length} hi=${hi.length} y=${n}`);
  const h = opts.horizon ?? p.config.horizon;
  if (!Number.isInteger(h) || h < 1) throw new RangeError(`runConformal: horizon must be a positive integer, got ${h}`);
  const targets = opts.targets;
  if (targets && targets.length !== n) throw new RangeError(`runConformal: ${targets.length} targets for ${n} forecasts`);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const covered = new Uint8Array(n);
  const alpha = new Float64Array(n);
  const sized = targets ? new Float64Array(n) : undefined;
  const issued = { lo: 0, hi: 0 };
  const observe = (j: number) => {
    issued.lo = lower[j]!;
    issued.hi = upper[j]!;
    covered[j] = p.observe(lo[j]!, hi[j]!, y[j]!, issued) ? 1 : 0;
  };
  let widthSum = 0;
  let bounded = 0;
  for (let i = 0; i < n; i++) {
    if (i - h >= 0) observe(i - h);
    const q = p.qhat();
    const a = lo[i]! - q;
    const b = hi[i]! + q;
    lower[i] = a;
    upper[i] = b;
    alpha[i] = p.currentAlpha;
    if (sized) {
      issued.lo = a;
      issued.hi = b;
      sized[i] = p.size(targets![i]!, issued).target;
    }
    if (q !== Number.POSITIVE_INFINITY) {
      widthSum += b > a ? b - a : 0; // an empty set (q = -Infinity) has width 0
      bounded++;
    }
  }
  for (let j = Math.max(0, n - h); j < n; j++) observe(j);
  let hits = 0;
  for (let i = 0; i < n; i++) hits += covered[i]!;
  return {
    lower,
    upper,
    covered,
    alpha,
    ...(sized ? { sizedTargets: sized } : {}),
    coverage: n === 0 ? Number.NaN : hits / n,
    meanWidth: bounded === 0 ? Number.NaN : widthSum / bounded,
    infinite: n - bounded,
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
