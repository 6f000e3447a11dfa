import { DataError } from "../core/errors";
import { leastSquares } from "./calibration/least-squares";
import { type BucketStats, logSpace, residualsByBucket } from "./calibration/fit-stats";

/** Cost measurements of individual market orders (or fills), one row each. */
export interface ImpactObservations {
  /** Adverse cost in bps of the reference (mid, or the requested price). */
  costBps: Float64Array;
  /** Order (fill) size, base units. */
  qty: Float64Array;
  /** Order notional, quote units (bucketing and plots). */
  notional: Float64Array;
  /** Per-bar volatility (fraction) the simulator would read at that time. */
  sigma: Float64Array;
  /** Bar volume (base units) the simulator would read at that time. */
  volume: Float64Array;
  /** The half-spread at the time, bps, when known: the exponent diagnostic subtracts it. */
  halfSpreadBps?: Float64Array;
}

/** Least-squares fit of cost = halfSpreadBps + k * 1e4 * sigma * sqrt(q / V), both parameters >= 0. */
export interface SqrtImpactFit {
  halfSpreadBps: number;
  k: number;
  stdErr: { halfSpreadBps: number; k: number };
  /** Parameters held at 0 by the non-negativity constraint. */
  atBound: { halfSpreadBps: boolean; k: boolean };
  n: number;
  r2: number;
  adjR2: number;
  rmse: number;
  mae: number;
  /**
   * Diagnostic: the best exponent d in cost = h + c * sigma * (q / V)^d by profile least squares
   * (0.5 = the square-root law; 1 = linear impact). Null when no positive impact term fits.
   */
  exponent: { value: number; stdErr: number; n: number; r2: number } | null;
  /** R^2 of the mean cost per notional bucket against the mean fit (the average cost curve). */
  binnedR2: number;
  /** Residuals by order-notional bucket. */
  buckets: BucketStats[];
}

export interface SqrtImpactFitResult {
  fit: SqrtImpactFit;
  /** The regressor 1e4 * sigma * sqrt(q / V) per observation. */
  x: Float64Array;
  fitted: Float64Array;
}

export interface FitOptions {
  /** Number of notional buckets for the residual table. Default 8. */
  buckets?: number;
  /** Quote currency label for bucket names. Default "". */
  quote?: string;
}

/** 1e4 * sigma * sqrt(q / V): the square-root impact term in bps per unit of k. */
export function impactRegressor(sigma: ArrayLike<number>, volume: ArrayLike<number>, qty: ArrayLike<number>): Float64Array {
  const x = new Float64Array(qty.length);
  for (let i = 0; i < x.length; i++) x[i] = 10_000 * sigma[i]! * Math.sqrt(qty[i]! / volume[i]!);
  return x;
}

/** Short notional label: 950, 12.5k, 3.2M. */
export function formatNotional(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

export function fitSqrtImpact(obs: ImpactObservations, opts: FitOptions = {}): SqrtImpactFitResult {
  const n = obs.costBps.length;
  if (n < 3) throw new DataError(`slippage fit needs at least 3 measurements, got ${n}`, { n });
  const x = impactRegressor(obs.sigma, obs.volume, obs.qty);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(x[i]!) || !Number.isFinite(obs.costBps[i]!)) {
      throw new DataError(`slippage measurement ${i + 1}: cost ${obs.costBps[i]} bps, sigma ${obs.sigma[i]}, volume ${obs.volume[i]}, qty ${obs.qty[i]}: not finite`, { row: i + 1 });
    }
  }
  const ls = leastSquares([x], obs.costBps, { intercept: true, names: ["k"], nonNegative: true });
  const h = ls.coef[0]!;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, obs.notional[i]!);
    hi = Math.max(hi, obs.notional[i]!);
  }
  const k = Math.max(1, opts.buckets ?? 8);
  const edges = lo > 0 && hi > lo ? logSpace(lo, hi, k + 1) : Float64Array.of(lo, hi);
  const q = opts.quote ? ` ${opts.quote}` : "";
  const buckets = residualsByBucket(obs.notional, obs.costBps, ls.fitted, edges, (a, b) => `${formatNotional(a)}-${formatNotional(b)}${q}`);
  return {
    fit: {
      halfSpreadBps: h,
      k: ls.coef[1]!,
      stdErr: { halfSpreadBps: ls.stdErr[0]!, k: ls.stdErr[1]! },
      atBound: { halfSpreadBps: ls.atBound[0]!, k: ls.atBound[1]! },
      n,
      r2: ls.r2,
      adjR2: ls.adjR2,
      rmse: ls.rmse,
      mae: ls.mae,
      exponent: exponentDiagnostic(obs),
      binnedR2: binnedR2(buckets),
      buckets,
    },
    x,
    fitted: ls.fitted,
  };
}

/**
 * Profile least squares for the exponent: for each d, cost (above the quoted half-spread when known)
 * = h + c * 1e4 * sigma * (q / V)^d is a non-negative linear fit; d minimises its residual sum of
 * squares (golden section on [0.05, 2]). The standard error comes from the curvature of that sum.
 */
function exponentDiagnostic(obs: ImpactObservations): SqrtImpactFit["exponent"] {
  const n = obs.costBps.length;
  if (n < 10) return null;
  const y = new Float64Array(n);
  const lu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const hs = obs.halfSpreadBps && Number.isFinite(obs.halfSpreadBps[i]!) ? obs.halfSpreadBps[i]! : 0;
    y[i] = obs.costBps[i]! - hs;
    lu[i] = Math.log(obs.qty[i]! / obs.volume[i]!);
  }
  const x = new Float64Array(n);
  const sse = (d: number): number => {
    for (let i = 0; i < n; i++) x[i] = 10_000 * obs.sigma[i]! * Math.exp(d * lu[i]!);
    return leastSquares([x], y, { nonNegative: true }).sse;
  };
  let a = 0.05;
  let b = 2;
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = sse(c);
  let fd = sse(d);
  for (let k = 0; k < 40 && b - a > 1e-4; k++) {
    if (fc < fd) {
      [b, d, fd] = [d, c, fc];
      c = b - g * (b - a);
      fc = sse(c);
    } else {
      [a, c, fc] = [c, d, fd];
      d = a + g * (b - a);
      fd = sse(d);
    }
  }
  const best = (a + b) / 2;
  for (let i = 0; i < n; i++) x[i] = 10_000 * obs.sigma[i]! * Math.exp(best * lu[i]!);
  const fit = leastSquares([x], y, { nonNegative: true });
  if (fit.coef[1]! <= 0) return null;
  const h = 0.01;
  const curv = (sse(best + h) - 2 * fit.sse + sse(best - h)) / (h * h);
  const s2 = fit.sse / Math.max(1, n - 3);
  return { value: best, stdErr: curv > 0 ? Math.sqrt((2 * s2) / curv) : Number.NaN, n, r2: fit.r2 };
}

/** R^2 of the bucket means: how well the fitted curve matches the average cost per size bucket (weighted by count). */
function binnedR2(buckets: readonly BucketStats[]): number {
  let n = 0;
  let m = 0;
  for (const b of buckets) if (b.n > 0) {
    n += b.n;
    m += b.n * b.meanObserved;
  }
  if (n === 0) return Number.NaN;
  m /= n;
  let sse = 0;
  let tss = 0;
  for (const b of buckets) if (b.n > 0) {
    sse += b.n * (b.meanObserved - b.meanFitted) ** 2;
    tss += b.n * (b.meanObserved - m) ** 2;
  }
  return tss > 0 ? 1 - sse / tss : Number.NaN;
}
