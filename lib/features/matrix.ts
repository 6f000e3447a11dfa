/**
 * Raw feature values for a run of bars, row-major: row i (bar i) at values[i * cols, (i + 1) * cols).
 * Rows [0, warmup) are warm-up rows: finite, but not to be fed to a model.
 */
export interface FeatureMatrix {
  values: Float64Array;
  /** Bar open times, one per row. */
  ts: Float64Array;
  rows: number;
  cols: number;
  names: readonly string[];
  warmup: number;
}

/** Value of feature `col` at row `row`. */
export function featureAt(m: FeatureMatrix, row: number, col: number): number {
  return m.values[row * m.cols + col]!;
}

/** One feature as its own column (a copy). */
export function featureColumn(m: FeatureMatrix, nameOrCol: string | number): Float64Array {
  const col = typeof nameOrCol === "number" ? nameOrCol : m.names.indexOf(nameOrCol);
  if (col < 0 || col >= m.cols) throw new RangeError(`no feature ${String(nameOrCol)} (have: ${m.names.join(", ")})`);
  const out = new Float64Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = m.values[i * m.cols + col]!;
  return out;
}

/** First row whose ts is >= `ms` (rows.length when none): ts are strictly increasing. */
export function rowAtOrAfter(ts: Float64Array, ms: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid]! < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
