import { DataError } from "../../core/errors";

/** A fitted linear model y = sum_j coef[j] * X[j] (+ residual), with its fit statistics. */
export interface LinearFit {
  /** Regressor names, in the order of `coef` ("intercept" first when one was fitted). */
  names: string[];
  coef: Float64Array;
  /** Standard errors (NaN for coefficients held at a bound, or when n <= p). */
  stdErr: Float64Array;
  /** Whether each coefficient sits at its lower bound 0 (non-negative fits only). */
  atBound: boolean[];
  n: number;
  /** Free parameters (coefficients not at a bound). */
  p: number;
  fitted: Float64Array;
  residuals: Float64Array;
  /** Sum of squared residuals. */
  sse: number;
  /** Total sum of squares around the mean of y. */
  tss: number;
  /** 1 - SSE / TSS (NaN when y is constant). */
  r2: number;
  /** 1 - (1 - R^2) (n - 1) / (n - p). */
  adjR2: number;
  /** sqrt(SSE / n). */
  rmse: number;
  /** Mean absolute residual. */
  mae: number;
}

export interface LeastSquaresOptions {
  /** Add an intercept column of ones in front. Default true. */
  intercept?: boolean;
  /** Names of the regressor columns (without the intercept). Default x1, x2, ... */
  names?: readonly string[];
  /** Constrain every coefficient (intercept included) to be >= 0. Default false. */
  nonNegative?: boolean;
}

/**
 * Ordinary least squares over a handful of regressors, solved by Householder QR (no normal
 * equations, so near-collinear columns keep their precision). With `nonNegative` the exact
 * constrained optimum is found by trying every set of free coefficients (2^p small solves), which is
 * exact and cheap for the few parameters calibration fits.
 */
export function leastSquares(columns: readonly ArrayLike<number>[], y: ArrayLike<number>, opts: LeastSquaresOptions = {}): LinearFit {
  const n = y.length;
  const intercept = opts.intercept ?? true;
  const names = [...(intercept ? ["intercept"] : []), ...columns.map((_, j) => opts.names?.[j] ?? `x${j + 1}`)];
  const cols: ArrayLike<number>[] = intercept ? [new Float64Array(n).fill(1), ...columns] : [...columns];
  const p = cols.length;
  if (p === 0) throw new RangeError("least squares needs at least one regressor");
  for (let j = 0; j < p; j++) if (cols[j]!.length !== n) throw new RangeError(`regressor ${names[j]} has ${cols[j]!.length} rows, y has ${n}`);
  if (n < p) throw new DataError(`least squares needs at least ${p} observations, got ${n}`, { n, p });
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(y[i]!)) throw new DataError(`least squares: y is not finite at row ${i} (${y[i]})`, { row: i });
    for (let j = 0; j < p; j++) if (!Number.isFinite(cols[j]![i]!)) throw new DataError(`least squares: ${names[j]} is not finite at row ${i} (${cols[j]![i]})`, { row: i });
  }
  if (!opts.nonNegative) return finish(names, cols, y, solveSubset(cols, y, allOnes(p)), allOnes(p));
  let best: { coef: Float64Array; free: boolean[]; sse: number } | undefined;
  for (let mask = (1 << p) - 1; mask >= 0; mask--) {
    const free = Array.from({ length: p }, (_, j) => (mask & (1 << j)) !== 0);
    const coef = solveSubset(cols, y, free);
    if (coef.some((c) => c < 0 || Number.isNaN(c))) continue;
    const sse = sumSquares(cols, y, coef);
    if (best === undefined || sse < best.sse - 1e-12 * Math.max(1, best.sse)) best = { coef, free, sse };
  }
  return finish(names, cols, y, best!.coef, best!.free);
}

const allOnes = (p: number): boolean[] => Array.from({ length: p }, () => true);

function sumSquares(cols: readonly ArrayLike<number>[], y: ArrayLike<number>, coef: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    let f = 0;
    for (let j = 0; j < cols.length; j++) f += coef[j]! * cols[j]![i]!;
    const r = y[i]! - f;
    s += r * r;
  }
  return s;
}

/** Least squares over the free columns (the others fixed at 0) by Householder QR. */
function solveSubset(cols: readonly ArrayLike<number>[], y: ArrayLike<number>, free: readonly boolean[]): Float64Array {
  const idx = free.flatMap((f, j) => (f ? [j] : []));
  const coef = new Float64Array(cols.length);
  if (idx.length === 0) return coef;
  const n = y.length;
  const k = idx.length;
  const a = idx.map((j) => Float64Array.from(cols[j]!));
  const b = Float64Array.from(y);
  for (let c = 0; c < k; c++) {
    const col = a[c]!;
    let norm = 0;
    for (let i = c; i < n; i++) norm += col[i]! * col[i]!;
    norm = Math.sqrt(norm);
    if (norm === 0) {
      coef.fill(Number.NaN);
      return coef;
    }
    const alpha = col[c]! > 0 ? -norm : norm;
    const v = new Float64Array(n - c);
    for (let i = c; i < n; i++) v[i - c] = col[i]!;
    v[0]! -= alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i]! * v[i]!;
    if (vv === 0) continue;
    const reflect = (x: Float64Array) => {
      let d = 0;
      for (let i = c; i < n; i++) d += v[i - c]! * x[i]!;
      const s = (2 * d) / vv;
      for (let i = c; i < n; i++) x[i]! -= s * v[i - c]!;
    };
    for (let c2 = c; c2 < k; c2++) reflect(a[c2]!);
    reflect(b);
  }
  // back substitution on the k x k upper triangle
  const x = new Float64Array(k);
  for (let r = k - 1; r >= 0; r--) {
    let s = b[r]!;
    for (let c = r + 1; c < k; c++) s -= a[c]![r]! * x[c]!;
    const d = a[r]![r]!;
    if (Math.abs(d) < 1e-300) {
      coef.fill(Number.NaN);
      return coef;
    }
    x[r] = s / d;
  }
  idx.forEach((j, c) => (coef[j] = x[c]!));
  return coef;
}

/** Inverse of the small symmetric matrix X'X over the free columns (Gauss-Jordan), for standard errors. */
function xtxInverse(cols: readonly ArrayLike<number>[], idx: readonly number[]): Float64Array[] | undefined {
  const k = idx.length;
  const m = Array.from({ length: k }, () => new Float64Array(2 * k));
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < k; c++) {
      let s = 0;
      const a = cols[idx[r]!]!;
      const b = cols[idx[c]!]!;
      for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
      m[r]![c] = s;
    }
    m[r]![k + r] = 1;
  }
  for (let c = 0; c < k; c++) {
    let piv = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[piv]![c]!)) piv = r;
    if (Math.abs(m[piv]![c]!) < 1e-300) return undefined;
    [m[c], m[piv]] = [m[piv]!, m[c]!];
    const d = m[c]![c]!;
    for (let j = 0; j < 2 * k; j++) m[c]![j]! /= d;
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r]![c]!;
      if (f !== 0) for (let j = 0; j < 2 * k; j++) m[r]![j]! -= f * m[c]![j]!;
    }
  }
  return m.map((row) => row.subarray(k));
}

function finish(names: string[], cols: readonly ArrayLike<number>[], y: ArrayLike<number>, coef: Float64Array, free: readonly boolean[]): LinearFit {
  const n = y.length;
  const fitted = new Float64Array(n);
  const residuals = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let sse = 0;
  let tss = 0;
  let sae = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let j = 0; j < cols.length; j++) f += coef[j]! * cols[j]![i]!;
    fitted[i] = f;
    const r = y[i]! - f;
    residuals[i] = r;
    sse += r * r;
    sae += Math.abs(r);
    tss += (y[i]! - mean) * (y[i]! - mean);
  }
  const idx = free.flatMap((f, j) => (f ? [j] : []));
  const p = idx.length;
  const stdErr = new Float64Array(cols.length).fill(Number.NaN);
  const inv = n > p && p > 0 ? xtxInverse(cols, idx) : undefined;
  if (inv !== undefined) {
    const s2 = sse / (n - p);
    idx.forEach((j, c) => (stdErr[j] = Math.sqrt(Math.max(0, s2 * inv[c]![c]!))));
  }
  const r2 = tss > 0 ? 1 - sse / tss : Number.NaN;
  return {
    names,
    coef,
    stdErr,
    atBound: free.map((f) => !f),
    n,
    p,
    fitted,
    residuals,
    sse,
    tss,
    r2,
    adjR2: n > p && tss > 0 ? 1 - ((1 - r2) * (n - 1)) / (n - p) : Number.NaN,
    rmse: Math.sqrt(sse / n),
    mae: sae / n,
  };
}
