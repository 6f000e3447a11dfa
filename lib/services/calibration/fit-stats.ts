/** Small statistics helpers shared by the calibrations (pure, allocation only at the edges). */

/** Sorted copy (ascending) of finite values. */
export function sortedFinite(xs: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i]!)) out.push(xs[i]!);
  return Float64Array.from(out).sort();
}

/** Linear-interpolated quantile (type 7) of ascending data; NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); NaN for fewer than two values. */
export function stdDev(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < n; i++) s += (xs[i]! - m) * (xs[i]! - m);
  return Math.sqrt(s / (n - 1));
}

export function median(xs: ArrayLike<number>): number {
  return quantileSorted(sortedFinite(xs), 0.5);
}

/** Median absolute deviation scaled to a normal's sigma (1.4826 MAD). */
export function robustSigma(xs: ArrayLike<number>): number {
  const m = median(xs);
  const dev = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) dev[i] = Math.abs(xs[i]! - m);
  return 1.4826 * median(dev);
}

/** `n` points spaced evenly in log between lo and hi (both > 0), inclusive. */
export function logSpace(lo: number, hi: number, n: number): Float64Array {
  if (!(lo > 0 && hi >= lo && n >= 1)) throw new RangeError(`logSpace needs 0 < lo <= hi and n >= 1 (got ${lo}, ${hi}, ${n})`);
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = lo;
    return out;
  }
  const a = Math.log(lo);
  const step = (Math.log(hi) - a) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = Math.exp(a + step * i);
  out[n - 1] = hi; // exact end points: exp(log(hi)) may differ from hi in the last bit
  out[0] = lo;
  return out;
}

/** Residual statistics of one bucket of a fit. */
export interface BucketStats {
  label: string;
  /** Bucket bounds on the bucketing variable: lo inclusive, hi exclusive (the last bucket includes hi). */
  lo: number;
  hi: number;
  n: number;
  meanResidual: number;
  stdResidual: number;
  meanAbsResidual: number;
  /** Mean of the measured values in the bucket. */
  meanObserved: number;
  /** Mean of the fitted values in the bucket. */
  meanFitted: number;
}

/**
 * Residuals grouped by a variable (e.g. order notional) into buckets with the given ascending edges
 * (length buckets + 1). Values outside [edges[0], edges[last]] are ignored.
 */
export function residualsByBucket(
  by: ArrayLike<number>,
  observed: ArrayLike<number>,
  fitted: ArrayLike<number>,
  edges: ArrayLike<number>,
  label: (lo: number, hi: number) => string,
): BucketStats[] {
  const k = edges.length - 1;
  const acc = Array.from({ length: k }, () => ({ n: 0, r: 0, r2: 0, abs: 0, obs: 0, fit: 0 }));
  for (let i = 0; i < by.length; i++) {
    const v = by[i]!;
    if (!(v >= edges[0]! && v <= edges[k]!)) continue;
    let b = 0;
    while (b < k - 1 && v >= edges[b + 1]!) b++;
    const r = observed[i]! - fitted[i]!;
    const a = acc[b]!;
    a.n++;
    a.r += r;
    a.r2 += r * r;
    a.abs += Math.abs(r);
    a.obs += observed[i]!;
    a.fit += fitted[i]!;
  }
  return acc.map((a, b) => {
    const m = a.n > 0 ? a.r / a.n : Number.NaN;
    return {
      label: label(edges[b]!, edges[b + 1]!),
      lo: edges[b]!,
      hi: edges[b + 1]!,
      n: a.n,
      meanResidual: m,
      stdResidual: a.n > 1 ? Math.sqrt(Math.max(0, (a.r2 - a.n * m * m) / (a.n - 1))) : Number.NaN,
      meanAbsResidual: a.n > 0 ? a.abs / a.n : Number.NaN,
      meanObserved: a.n > 0 ? a.obs / a.n : Number.NaN,
      meanFitted: a.n > 0 ? a.fit / a.n : Number.NaN,
    };
  });
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

/** Inverse standard normal CDF (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? Number.NEGATIVE_INFINITY : p === 1 ? Number.POSITIVE_INFINITY : Number.NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Fixed-precision rounding for parameters written to files (no float noise like 0.30000000000000004). */
export function roundTo(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Significant-digit rounding for parameters of any scale. */
export function roundSig(x: number, sig = 6): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(sig));
}
