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
   * Diagnostic: exponent d of the average impact curve, impact ~ (q / V)^d, from binned means of the
   * cost above the half-spread (0.5 = the square-root law; 1 = linear). Null when too few bins have a positive mean impact.
   */
  exponent: { value: number; stdErr: number; n: number; bins: number; r2: number } | null;
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
      exponent: exponentDiagnostic(obs, h),
      binnedR2: binnedR2(buckets),
      buckets,
    },
    x,
    fitted: ls.fitted,
  };
}

/**
 * The average impact curve: observations binned by q / V (16 log-spaced bins), mean cost above the
 * half-spread per bin, and log(mean impact / (1e4 sigma)) regressed on log(mean q / V) across bins.
 * Binning first keeps the zero-impact fills (orders filled at the touch) in the averages, which a
 * point-by-point log-log fit would have to drop.
 */
function exponentDiagnostic(obs: ImpactObservations, h: number): SqrtImpactFit["exponent"] {
  const n = obs.costBps.length;
  const u = new Float64Array(n);
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let i = 0; i < n; i++) {
    u[i] = obs.qty[i]! / obs.volume[i]!;
    lo = Math.min(lo, u[i]!);
    hi = Math.max(hi, u[i]!);
  }
  if (!(lo > 0 && hi > lo * 1.5)) return null;
  const bins = 16;
  const edges = logSpace(lo, hi * (1 + 1e-12), bins + 1);
  const acc = Array.from({ length: bins }, () => ({ n: 0, impact: 0, u: 0, sigma: 0 }));
  for (let i = 0; i < n; i++) {
    let b = 0;
    while (b < bins - 1 && u[i]! >= edges[b + 1]!) b++;
    const hs = obs.halfSpreadBps && Number.isFinite(obs.halfSpreadBps[i]!) ? obs.halfSpreadBps[i]! : h;
    const a = acc[b]!;
    a.n++;
    a.impact += obs.costBps[i]! - hs;
    a.u += u[i]!;
    a.sigma += obs.sigma[i]!;
  }
  const lx: number[] = [];
  const ly: number[] = [];
  let used = 0;
  for (const a of acc) {
    if (a.n < 5 || !(a.impact > 0) || !(a.sigma > 0)) continue;
    lx.push(Math.log(a.u / a.n));
    ly.push(Math.log(a.impact / (10_000 * a.sigma)));
    used += a.n;
  }
  if (lx.length < 4) return null;
  const ls = leastSquares([Float64Array.from(lx)], Float64Array.from(ly), { intercept: true, names: ["d"] });
  if (!Number.isFinite(ls.coef[1]!)) return null;
  return { value: ls.coef[1]!, stdErr: ls.stdErr[1]!, n: used, bins: lx.length, r2: ls.r2 };
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
