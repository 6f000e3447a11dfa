import { InvariantError } from "../core/errors";

/**
 * The maths of split conformal prediction with conformalised quantile regression (CQR, Romano,
 * Patterson & Candes 2019). Pure functions over numbers and typed arrays.
 */

/** An interval forecast [lo, hi] in forecast units (e.g. a log return). */
export interface Band {
  lo: number;
  hi: number;
}

/**
 * CQR conformity score of outcome y against the band [lo, hi]: max(lo - y, y - hi). Negative when y
 * lies strictly inside the band (by its distance to the nearer edge), positive outside it.
 */
export function cqrScore(lo: number, hi: number, y: number): number {
  return Math.max(lo - y, y - hi);
}

/** CQR scores for whole columns; writes into `out` when given (same length), else allocates. */
export function cqrScores(lo: ArrayLike<number>, hi: ArrayLike<number>, y: ArrayLike<number>, out?: Float64Array): Float64Array {
  const n = y.length;
  if (lo.length !== n || hi.length !== n) throw new RangeError(`cqrScores: length mismatch lo=${lo.length} hi=${hi.length} y=${n}`);
  const s = out ?? new Float64Array(n);
  if (s.length !== n) throw new RangeError(`cqrScores: out has length ${s.length}, expected ${n}`);
  for (let i = 0; i < n; i++) {
    const v = Math.max(lo[i]! - y[i]!, y[i]! - hi[i]!);
    if (!Number.isFinite(v)) throw new InvariantError("cqrScores: non-finite score", { index: i, lo: lo[i], hi: hi[i], y: y[i] });
    s[i] = v;
  }
  return s;
}

// (n + 1)(1 - alpha) is computed in floating point: 10 * (1 - 0.1) may land a few ulps above 9,
// and ceil would then ask for one order statistic too many. A relative 1e-12 nudge absorbs that.
const RANK_REL_EPS = 1e-12;

/**
 * The finite-sample conformal rank k = ceil((n + 1)(1 - alpha)): the k-th smallest of n exchangeable
 * calibration scores bounds a new score with probability >= 1 - alpha. May fall outside [1, n]:
 * k > n (too few scores for this alpha, or alpha <= 0) means the interval is the whole line;
 * k <= 0 (alpha >= 1, reachable under adaptive updates) means the empty set.
 */
export function conformalRank(n: number, alpha: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`conformalRank: n must be a non-negative integer, got ${n}`);
  if (!Number.isFinite(alpha)) throw new RangeError(`conformalRank: alpha must be finite, got ${alpha}`);
  const x = (n + 1) * (1 - alpha);
  return Math.ceil(x - Math.abs(x) * RANK_REL_EPS);
}

/**
 * The quantile level ceil((n + 1)(1 - alpha)) / n of the empirical score distribution that split
 * conformal uses; a level above 1 means no finite quantile exists (infinite interval).
 */
export function conformalQuantileLevel(n: number, alpha: number): number {
  if (n === 0) return Number.POSITIVE_INFINITY;
  return conformalRank(n, alpha) / n;
}

/** Smallest calibration size for which a finite interval exists at miscoverage alpha in (0, 1). */
export function minCalibrationSize(alpha: number): number {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`minCalibrationSize: alpha must be in (0, 1), got ${alpha}`);
  let n = Math.max(0, Math.ceil(1 / alpha - 1) - 1);
  while (conformalRank(n, alpha) > n) n++;
  return n;
}

/**
 * The conformal quantile q-hat of ascending `sorted` scores at miscoverage alpha: the k-th smallest
 * score, +Infinity when k > n (interval = whole line), -Infinity when k <= 0 (empty set).
 */
export function conformalQuantile(sorted: ArrayLike<number>, alpha: number): number {
  const n = sorted.length;
  const k = conformalRank(n, alpha);
  if (k > n) return Number.POSITIVE_INFINITY;
  if (k <= 0) return Number.NEGATIVE_INFINITY;
  return sorted[k - 1]!;
}

/** The CQR interval [lo - qhat, hi + qhat]. */
export function cqrInterval(lo: number, hi: number, qhat: number): Band {
  return { lo: lo - qhat, hi: hi + qhat };
}

/** Width of an interval: +Infinity when unbounded, 0 when empty or crossed (lo > hi). */
export function intervalWidth(lo: number, hi: number): number {
  if (lo === Number.NEGATIVE_INFINITY || hi === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
  return hi > lo ? hi - lo : 0;
}

/**
 * The band [q(alpha/2), q(1 - alpha/2)] read off a quantile critic's outputs, where output i is the
 * quantile at tau_i = (i + 0.5) / N. Crossed outputs are rearranged (sorted) first, which can only
 * improve them as quantile estimates (Chernozhukov et al. 2010); between taus the quantile function is
 * interpolated linearly; beyond the outermost taus it is held at the end value (conformal calibration
 * corrects the band's width, so no tail extrapolation is needed).
 */
export function quantileBand(quantiles: ArrayLike<number>, alpha: number): Band {
  const n = quantiles.length;
  if (n === 0) throw new RangeError("quantileBand: no quantiles");
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`quantileBand: alpha must be in (0, 1), got ${alpha}`);
  const q = Float64Array.from(quantiles);
  for (let i = 0; i < n; i++) if (!Number.isFinite(q[i]!)) throw new InvariantError("quantileBand: non-finite quantile", { index: i, value: q[i] });
  q.sort();
  return { lo: interpolateQuantile(q, alpha / 2), hi: interpolateQuantile(q, 1 - alpha / 2) };
}

/** Value at level tau of the piecewise-linear quantile function through (tau_i, q_i), tau_i = (i + 0.5) / N. */
export function interpolateQuantile(sortedQuantiles: ArrayLike<number>, tau: number): number {
  const n = sortedQuantiles.length;
  const pos = tau * n - 0.5; // fractional index of tau among the tau_i
  if (pos <= 0) return sortedQuantiles[0]!;
  if (pos >= n - 1) return sortedQuantiles[n - 1]!;
  const i = Math.floor(pos);
  const w = pos - i;
  return sortedQuantiles[i]! * (1 - w) + sortedQuantiles[i + 1]! * w;
}
