import { z } from "zod";
import { CheckpointError } from "./errors";
import { InvariantError } from "../core/errors";

export type NormaliserKind = "meanstd" | "robust";

/** IQR of a standard normal: dividing an IQR by it gives a std-comparable robust scale. */
export const NORMAL_IQR = 1.3489795003921634;

/** Serialisable fitted statistics, saved in checkpoint manifests. */
export interface NormaliserStats {
  version: 1;
  kind: NormaliserKind;
  clip: number;
  /** Hash of the feature schema these statistics were fitted for. */
  schemaHash: string;
  names: string[];
  /** Whether each feature is scaled (false: centre 0, scale 1, only clipped). */
  scaled: boolean[];
  center: number[];
  scale: number[];
  /** The rows the statistics came from (training split only). */
  fittedOn: { rows: number; fromTs: number; toTs: number };
}

const statsSchema = z.strictObject({
  version: z.literal(1),
  kind: z.enum(["meanstd", "robust"]),
  clip: z.number().positive(),
  schemaHash: z.string().regex(/^[0-9a-f]{64}$/),
  names: z.array(z.string().min(1)),
  scaled: z.array(z.boolean()),
  center: z.array(z.number()),
  scale: z.array(z.number().positive()),
  fittedOn: z.strictObject({ rows: z.int().positive(), fromTs: z.number(), toTs: z.number() }),
});

export interface NormaliserFitInput {
  values: Float64Array;
  ts: Float64Array;
  cols: number;
  names: readonly string[];
  /** Rows [rowStart, rowEnd) are the training rows. */
  rowStart: number;
  rowEnd: number;
  kind: NormaliserKind;
  clip: number;
  scaled: readonly boolean[];
  schemaHash: string;
}

/** Per-feature centring and scaling, clipped to [-clip, clip], fitted once and then frozen. */
export class Normaliser {
  readonly stats: Readonly<NormaliserStats>;
  private readonly c: Float64Array;
  private readonly inv: Float64Array;
  private readonly clip: number;

  private constructor(stats: NormaliserStats) {
    const n = stats.names.length;
    if (stats.center.length !== n || stats.scale.length !== n || stats.scaled.length !== n) {
      throw new CheckpointError(`normaliser statistics: ${n} names but ${stats.center.length} centres, ${stats.scale.length} scales, ${stats.scaled.length} flags`);
    }
    this.stats = Object.freeze({ ...stats, names: [...stats.names], scaled: [...stats.scaled], center: [...stats.center], scale: [...stats.scale] });
    this.c = Float64Array.from(stats.center);
    this.inv = Float64Array.from(stats.scale, (s) => 1 / s);
    this.clip = stats.clip;
  }

  static fit(input: NormaliserFitInput): Normaliser {
    const { values, cols, rowStart, rowEnd } = input;
    const rows = rowEnd - rowStart;
    if (!(rows >= 2)) throw new InvariantError(`normaliser needs at least 2 training rows, got ${rows}`, { rowStart, rowEnd });
    const center: number[] = [];
    const scale: number[] = [];
    const col = new Float64Array(rows);
    for (let j = 0; j < cols; j++) {
      if (!input.scaled[j]) {
        center.push(0);
        scale.push(1);
        continue;
      }
      for (let i = 0; i < rows; i++) col[i] = values[(rowStart + i) * cols + j]!;
      const [c, s] = input.kind === "robust" ? robustStats(col) : meanStd(col);
      center.push(c);
      // a constant feature carries no information: leave it centred at 0 rather than divide by 0
      scale.push(s > 1e-12 * Math.max(1, Math.abs(c)) ? s : 1);
    }
    return new Normaliser({
      version: 1,
      kind: input.kind,
      clip: input.clip,
      schemaHash: input.schemaHash,
      names: [...input.names],
      scaled: [...input.scaled],
      center,
      scale,
      fittedOn: { rows, fromTs: input.ts[rowStart]!, toTs: input.ts[rowEnd - 1]! },
    });
  }

  get width(): number {
    return this.c.length;
  }

  /**
   * Normalises rows [rowStart, rowEnd) of a row-major matrix into `out` (rows packed from outOffset
   * with stride `outStride`). Throws InvariantError on a non-finite value, naming the row.
   */
  applyRows(values: Float64Array, rowStart: number, rowEnd: number, out: Float32Array, outOffset = 0, outStride = this.c.length): void {
    const bad = normaliseRows(values, rowStart, rowEnd, this.c.length, this.c, this.inv, this.clip, out, outOffset, outStride);
    if (bad >= 0) {
      const row = rowStart + Math.floor(bad / this.c.length);
      const feature = this.stats.names[bad % this.c.length];
      throw new InvariantError(`feature ${feature} is not finite at row ${row}`, { row, feature });
    }
  }

  toJSON(): NormaliserStats {
    return { ...this.stats, names: [...this.stats.names], scaled: [...this.stats.scaled], center: [...this.stats.center], scale: [...this.stats.scale] };
  }

  /** Validates saved statistics (e.g. from a checkpoint manifest). */
  static fromJSON(json: unknown): Normaliser {
    const r = statsSchema.safeParse(json);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new CheckpointError(`normaliser statistics invalid at ${i.path.join(".") || "(root)"}: ${i.message}`, { path: i.path.join(".") });
    }
    return new Normaliser(r.data);
  }
}

/** Mean and population std by Welford's running update (stable in one pass). */
function meanStd(x: Float64Array): [number, number] {
  let m = 0;
  let q = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - m;
    m += d / (i + 1);
    q += d * (x[i]! - m);
  }
  return [m, Math.sqrt(q / x.length)];
}

/** Median and IQR / 1.349 (linear-interpolated quantiles, numpy's default). Sorts `x` in place. */
function robustStats(x: Float64Array): [number, number] {
  x.sort();
  return [quantileSorted(x, 0.5), (quantileSorted(x, 0.75) - quantileSorted(x, 0.25)) / NORMAL_IQR];
}

export function quantileSorted(x: Float64Array, q: number): number {
  const pos = (x.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, x.length - 1);
  return x[lo]! + (x[hi]! - x[lo]!) * (pos - lo);
}

/**
 * The hot loop of applyRows: (x - c) * inv clipped to [-clip, clip], as float32. Returns -1, or the
 * flat index (relative to rowStart) of the first non-finite value.
 */
function normaliseRows(
  values: Float64Array,
  rowStart: number,
  rowEnd: number,
  cols: number,
  c: Float64Array,
  inv: Float64Array,
  hi: number,
  out: Float32Array,
  outOffset: number,
  outStride: number,
): number {
  const lo = -hi;
  for (let i = rowStart; i < rowEnd; i++) {
    const src = i * cols;
    const dst = outOffset + (i - rowStart) * outStride;
    for (let j = 0; j < cols; j++) {
      let z = (values[src + j]! - c[j]!) * inv[j]!;
      if (!(z <= hi)) {
        if (z !== z) return (i - rowStart) * cols + j;
        z = hi;
      } else if (z < lo) z = lo;
      out[dst + j] = z;
    }
  }
  return -1;
}
