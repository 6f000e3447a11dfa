import type { BarColumns } from "../core/bar";
import { InvariantError } from "../core/errors";
import type { FeatureStep } from "./step";
import type { Normaliser } from "./normaliser";
import { validateBarColumns } from "./validate";
import { InputBlock } from "./inputs";

/** Bars per block: a block's inputs and raw features stay in cache while every step passes over it. */
const BLOCK = 512;

/**
 * Batch form over columns, blocked and resumable: each call continues the series where the previous
 * one stopped, so 10M bars can be processed in chunks with reusable buffers. Within a call, steps pass
 * over blocks of BLOCK bars so their strided writes stay in cache.
 */
export class FeatureBatcher {
  private prevTs = -Infinity;
  private consumed = 0;
  private readonly offsets: number[];
  private scratch: Float64Array | null = null;
  private readonly inputs: InputBlock;

  constructor(
    private readonly steps: readonly FeatureStep[],
    readonly width: number,
    private readonly normaliser: () => Normaliser | null,
    private readonly symbol?: string,
  ) {
    this.inputs = new InputBlock(BLOCK, steps.reduce((a, s) => a | s.needs, 0));
    this.offsets = [];
    let off = 0;
    for (const s of steps) {
      this.offsets.push(off);
      off += s.names.length;
    }
  }

  /** Bars consumed so far. */
  get rows(): number {
    return this.consumed;
  }

  /** Raw features of `bars` into out[(rowOffset + i) * width ...] (row-major float64). */
  computeInto(bars: BarColumns, out: Float64Array, rowOffset = 0): void {
    const w = this.width;
    if (out.length < (rowOffset + bars.length) * w) throw new RangeError(`feature output holds ${out.length} values, needs ${(rowOffset + bars.length) * w}`);
    for (let start = 0; start < bars.length; start += BLOCK) this.block(bars, start, Math.min(bars.length, start + BLOCK), out, rowOffset + start);
  }

  /** Normalised, clipped features of `bars` into out[(rowOffset + i) * width ...] (row-major float32). */
  transformInto(bars: BarColumns, out: Float32Array, rowOffset = 0): void {
    const norm = this.normaliser();
    if (!norm) throw new InvariantError("feature pipeline is not fitted: call fit() or load normaliser statistics before transforming");
    const w = this.width;
    if (out.length < (rowOffset + bars.length) * w) throw new RangeError(`feature output holds ${out.length} values, needs ${(rowOffset + bars.length) * w}`);
    const scratch = (this.scratch ??= new Float64Array(BLOCK * w));
    for (let start = 0; start < bars.length; start += BLOCK) {
      const end = Math.min(bars.length, start + BLOCK);
      this.block(bars, start, end, scratch, 0);
      norm.applyRows(scratch, 0, end - start, out, (rowOffset + start) * w);
    }
  }

  private block(bars: BarColumns, start: number, end: number, out: Float64Array, row: number): void {
    const x = this.inputs.fromColumns(bars, start, end);
    validateBarColumns(x, this.prevTs, this.symbol, this.consumed);
    const w = this.width;
    for (let k = 0; k < this.steps.length; k++) this.steps[k]!.batch(x, out, w, this.offsets[k]!, row);
    this.prevTs = x.ts[x.length - 1]!;
    this.consumed += x.length;
  }
}
