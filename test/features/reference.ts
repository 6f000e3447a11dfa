import type { BarColumns } from "../../lib/core/bar";

/**
 * Straightforward reference implementations (full window recomputation, no running sums), for
 * checking the steps' O(1) recurrences against the textbook definitions.
 */

export function windowMean(x: ArrayLike<number>, end: number, n: number): number {
  const start = Math.max(0, end - n + 1);
  let s = 0;
  for (let k = start; k <= end; k++) s += x[k]!;
  return s / (end - start + 1);
}

export function windowStd(x: ArrayLike<number>, end: number, n: number): number {
  const start = Math.max(0, end - n + 1);
  const m = windowMean(x, end, n);
  let q = 0;
  for (let k = start; k <= end; k++) q += (x[k]! - m) ** 2;
  return Math.sqrt(q / (end - start + 1));
}

/** Column map helper: f applied to every bar. */
export function perBar(b: BarColumns, f: (i: number) => number): Float64Array {
  const out = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) out[i] = f(i);
  return out;
}

/** EMA with a given alpha seeded with x[0]. */
export function ema(x: ArrayLike<number>, alpha: number): Float64Array {
  const out = new Float64Array(x.length);
  let e = x[0]!;
  for (let i = 0; i < x.length; i++) {
    e = i === 0 ? x[0]! : e + alpha * (x[i]! - e);
    out[i] = e;
  }
  return out;
}
