import type { z } from "zod";
import type { BarColumns } from "../core/bar";
import { ConfigError, InvariantError } from "../core/errors";
import { featuresSchema } from "../config/schemas/features";
import type { FeaturesConfig, StateFeature } from "../config/schemas/features";
import type { FeatureStep } from "./step";
import { createStep } from "./registry";
import { buildFeatureSchema, featureSchemaHash } from "./schema";
import type { FeatureSchema } from "./schema";
import type { FeatureMatrix } from "./matrix";
import { rowAtOrAfter } from "./matrix";
import { Normaliser } from "./normaliser";
import type { NormaliserStats } from "./normaliser";
import { CheckpointError } from "./errors";
import { FeatureBatcher } from "./batcher";
import { FeatureStream } from "./stream";

export type FeaturesConfigInput = z.input<typeof featuresSchema>;

/** What a checkpoint stores about its features: enough to rebuild the exact pipeline and check it. */
export interface FeatureManifest {
  /** The resolved `features:` config. */
  config: FeaturesConfig;
  schema: FeatureSchema;
  hash: string;
  normaliser: NormaliserStats;
}

/**
 * The feature pipeline of one config: ordered steps, a schema with a stable hash, a normaliser fitted
 * on training rows only. Immutable apart from the normaliser, which `fit` (or a checkpoint) sets once;
 * every compute/stream call gets fresh step state.
 */
export class FeaturePipeline {
  readonly config: Readonly<FeaturesConfig>;
  readonly schema: Readonly<FeatureSchema>;
  /** sha256 of the schema's canonical JSON. */
  readonly hash: string;
  readonly names: readonly string[];
  readonly stateNames: readonly StateFeature[];
  /** Market features per bar. */
  readonly width: number;
  readonly warmup: number;
  private norm: Normaliser | null = null;

  private constructor(cfg: FeaturesConfig) {
    this.config = Object.freeze(cfg);
    const steps = this.createSteps();
    this.schema = Object.freeze(buildFeatureSchema(cfg, steps));
    this.hash = featureSchemaHash(this.schema);
    this.names = this.schema.names;
    const dup = this.names.find((n, i) => this.names.indexOf(n) !== i);
    if (dup !== undefined) throw new ConfigError(`features.steps: feature ${dup} is produced twice`, { path: "features.steps" });
    this.stateNames = this.schema.state;
    this.width = this.names.length;
    this.warmup = this.schema.warmup;
  }

  /** Builds a pipeline from a `features:` config (defaults applied); bad config is a ConfigError naming the key path. */
  static fromConfig(cfg: FeaturesConfigInput = {}, opts: { normaliser?: Normaliser | NormaliserStats } = {}): FeaturePipeline {
    const r = featuresSchema.safeParse(cfg);
    if (!r.success) {
      const i = r.error.issues[0]!;
      const path = ["features", ...i.path.map(String)].join(".");
      throw new ConfigError(`${path}: ${i.message}`, { path });
    }
    const p = new FeaturePipeline(r.data);
    if (opts.normaliser) p.setNormaliser(opts.normaliser);
    return p;
  }

  /** Fresh step instances, in order. */
  createSteps(): FeatureStep[] {
    return this.config.steps.map(createStep);
  }

  /** Raw features of every bar (batch form). Throws DataError naming the ts of a bad bar. */
  compute(bars: BarColumns, symbol?: string): FeatureMatrix {
    const values = new Float64Array(bars.length * this.width);
    this.batcher(symbol).computeInto(bars, values);
    return { values, ts: bars.ts.slice(), rows: bars.length, cols: this.width, names: this.names, warmup: this.warmup };
  }

  /** Batch computation in chunks that continue one another (for series too large for one matrix). */
  batcher(symbol?: string): FeatureBatcher {
    return new FeatureBatcher(this.createSteps(), this.width, () => this.norm, symbol);
  }

  /** Streaming form: one bar in, the same features out. */
  stream(symbol?: string): FeatureStream {
    return new FeatureStream(this.createSteps(), this.width, this.warmup, () => this.norm, symbol);
  }

  /**
   * Fits the normaliser on the rows whose ts is in [from, to) (the training split; warm-up rows are
   * always left out) and keeps it. Returns it so the statistics can be saved.
   */
  fit(raw: FeatureMatrix, range: { from?: number; to?: number } = {}): Normaliser {
    this.checkMatrix(raw);
    const rowStart = Math.max(raw.warmup, range.from === undefined ? 0 : rowAtOrAfter(raw.ts, range.from));
    const rowEnd = range.to === undefined ? raw.rows : rowAtOrAfter(raw.ts, range.to);
    if (rowEnd - rowStart < 2) {
      throw new InvariantError(`normaliser fit range has ${Math.max(0, rowEnd - rowStart)} usable rows (after ${raw.warmup} warm-up rows)`, { range });
    }
    this.norm = Normaliser.fit({
      values: raw.values,
      ts: raw.ts,
      cols: raw.cols,
      names: this.names,
      rowStart,
      rowEnd,
      kind: this.config.normalise.kind,
      clip: this.config.normalise.clip,
      scaled: this.config.steps.flatMap((s, i) => this.schema.steps[i]!.names.map(() => s.normalise)),
      schemaHash: this.hash,
    });
    return this.norm;
  }

  get fitted(): boolean {
    return this.norm !== null;
  }

  get normaliser(): Normaliser {
    if (!this.norm) throw new InvariantError("feature pipeline is not fitted: call fit() or load normaliser statistics");
    return this.norm;
  }

  /** Installs saved statistics; refuses ones fitted for a different schema. */
  setNormaliser(n: Normaliser | NormaliserStats): void {
    const norm = n instanceof Normaliser ? n : Normaliser.fromJSON(n);
    if (norm.stats.schemaHash !== this.hash) {
      throw new CheckpointError(`normaliser statistics were fitted for feature schema ${norm.stats.schemaHash.slice(0, 12)}, this pipeline is ${this.hash.slice(0, 12)}`, {
        expected: this.hash,
        got: norm.stats.schemaHash,
      });
    }
    this.norm = norm;
  }

  /** Normalised, clipped float32 features of every bar straight from the bars (blocked; no raw matrix). */
  transformBars(bars: BarColumns, symbol?: string, out?: Float32Array): Float32Array {
    const dst = out ?? new Float32Array(bars.length * this.width);
    this.batcher(symbol).transformInto(bars, dst);
    return dst;
  }

  /** Normalised, clipped features of every row as float32, row-major (rows x width). */
  transform(raw: FeatureMatrix, out?: Float32Array): Float32Array {
    this.checkMatrix(raw);
    const dst = out ?? new Float32Array(raw.rows * this.width);
    if (dst.length < raw.rows * this.width) throw new RangeError(`transform output holds ${dst.length} values, needs ${raw.rows * this.width}`);
    this.normaliser.applyRows(raw.values, 0, raw.rows, dst);
    return dst;
  }

  /** The features part of a checkpoint manifest (requires a fitted normaliser). */
  toManifest(): FeatureManifest {
    return { config: structuredClone(this.config) as FeaturesConfig, schema: structuredClone(this.schema) as FeatureSchema, hash: this.hash, normaliser: this.normaliser.toJSON() };
  }

  /**
   * Rebuilds a checkpoint's pipeline with its fitted statistics. Refuses a manifest whose hash this
   * code does not reproduce (the feature maths or the schema changed since it was saved).
   */
  static fromManifest(m: FeatureManifest): FeaturePipeline {
    if (m === null || typeof m !== "object" || typeof m.hash !== "string") throw new CheckpointError("feature manifest is missing or has no hash");
    const p = FeaturePipeline.fromConfig(m.config as FeaturesConfigInput);
    if (p.hash !== m.hash) {
      throw new CheckpointError(`feature schema hash mismatch: the checkpoint was saved with ${m.hash.slice(0, 12)}, this code builds ${p.hash.slice(0, 12)} from the same config`, {
        expected: m.hash,
        got: p.hash,
      });
    }
    p.setNormaliser(m.normaliser);
    return p;
  }

  private checkMatrix(raw: FeatureMatrix): void {
    if (raw.cols !== this.width || raw.names.some((n, i) => n !== this.names[i])) {
      throw new InvariantError(`feature matrix columns [${raw.names.join(", ")}] do not match the pipeline [${this.names.join(", ")}]`);
    }
  }
}
