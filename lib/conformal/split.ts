import { conformalQuantile, conformalRank, cqrScores } from "./quantile";

/** The result of calibrating split conformal prediction on a held-out set. */
export interface SplitCalibration {
  /** Number of calibration scores. */
  n: number;
  /** Miscoverage the calibration targets. */
  alpha: number;
  /** Order statistic used, ceil((n + 1)(1 - alpha)); > n means the interval is the whole line. */
  rank: number;
  /** The score quantile added to both sides of the band; +Infinity when n is too small. */
  qhat: number;
}

/**
 * Split conformal calibration with CQR scores: given the forecaster's bands [lo, hi] and the realised
 * outcomes y of a calibration set held out from fitting, returns q-hat such that, for a new
 * exchangeable point, y lies in [lo - qhat, hi + qhat] with probability >= 1 - alpha
 * (and < 1 - alpha + 1 / (n + 1) when scores have no ties).
 */
export function calibrateSplit(lo: ArrayLike<number>, hi: ArrayLike<number>, y: ArrayLike<number>, alpha: number): SplitCalibration {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`calibrateSplit: alpha must be in (0, 1), got ${alpha}`);
  const scores = cqrScores(lo, hi, y);
  scores.sort();
  return { n: scores.length, alpha, rank: conformalRank(scores.length, alpha), qhat: conformalQuantile(scores, alpha) };
}

/** Coverage statistics of fixed-q-hat CQR intervals over a test set. */
export interface SplitEvaluation {
  n: number;
  covered: number;
  coverage: number;
  /** Mean width of the intervals (+Infinity when q-hat is infinite). */
  meanWidth: number;
}

/** Applies a calibrated q-hat to test bands and counts how often y falls inside. */
export function evaluateSplit(lo: ArrayLike<number>, hi: ArrayLike<number>, y: ArrayLike<number>, qhat: number): SplitEvaluation {
  const n = y.length;
  if (lo.length !== n || hi.length !== n) throw new RangeError(`evaluateSplit: length mismatch lo=${lo.length} hi=${hi.length} y=${n}`);
  let covered = 0;
  let width = 0;
  for (let i = 0; i < n; i++) {
    const a = lo[i]! - qhat;
    const b = hi[i]! + qhat;
    if (y[i]! >= a && y[i]! <= b) covered++;
    width += b > a ? b - a : 0;
  }
  return { n, covered, coverage: n === 0 ? Number.NaN : covered / n, meanWidth: n === 0 ? Number.NaN : width / n };
}
