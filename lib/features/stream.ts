import type { Bar } from "../core/bar";
import { InvariantError } from "../core/errors";
import type { FeatureStep } from "./step";
import type { Normaliser } from "./normaliser";
import { validateBar } from "./validate";
import { InputBlock } from "./inputs";

/**
 * Streaming form: one bar in, the features of that bar out, O(1) memory. Runs the very same step
 * objects as the batch form, one `update` per bar. Buffers are reused: copy `raw`/`observation()` to keep them.
 */
export class FeatureStream {
  /** Raw features of the latest bar. */
  readonly raw: Float64Array;
  private readonly obs: Float32Array;
  private prevTs = -Infinity;
  private n = 0;
  private readonly offsets: Int32Array;
  private readonly inputs: InputBlock;

  constructor(
    private readonly steps: readonly FeatureStep[],
    readonly width: number,
    readonly warmup: number,
    private readonly normaliser: () => Normaliser | null,
    private readonly symbol?: string,
  ) {
    this.raw = new Float64Array(width);
    this.obs = new Float32Array(width);
    this.inputs = new InputBlock(1, steps.reduce((a, s) => a | s.needs, 0));
    this.offsets = new Int32Array(steps.length);
    let off = 0;
    steps.forEach((s, i) => {
      this.offsets[i] = off;
      off += s.names.length;
    });
  }

  /** Bars consumed. */
  get count(): number {
    return this.n;
  }

  /** True once the latest bar is past the warm-up (its features are valid). */
  get ready(): boolean {
    return this.n > this.warmup;
  }

  /** ts of the latest bar (-Infinity before the first). */
  get lastTs(): number {
    return this.prevTs;
  }

  /** Consumes one closed bar; returns `ready`. Throws DataError (naming the ts) on a bad bar. */
  push(bar: Bar): boolean {
    validateBar(bar, this.prevTs, this.symbol);
    const x = this.inputs.fromBar(bar);
    for (let k = 0; k < this.steps.length; k++) this.steps[k]!.update(x, 0, this.raw, this.offsets[k]!);
    this.prevTs = bar.ts;
    this.n++;
    return this.n > this.warmup;
  }

  /** Normalised, clipped features of the latest bar (the model's market input). */
  observation(): Float32Array {
    const norm = this.normaliser();
    if (!norm) throw new InvariantError("feature stream has no normaliser: fit the pipeline or load its statistics first");
    if (!this.ready) throw new InvariantError(`feature stream is warming up (${this.n} of ${this.warmup + 1} bars)`);
    norm.applyRows(this.raw, 0, 1, this.obs);
    return this.obs;
  }

  /** Starts over (as after construction). */
  reset(): void {
    for (const s of this.steps) s.reset();
    this.prevTs = -Infinity;
    this.n = 0;
    this.raw.fill(0);
  }
}
