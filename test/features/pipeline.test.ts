import { describe, expect, it } from "vitest";
import { sliceBarColumns } from "../../lib/core/bar";
import { ConfigError, DataError, TradelabError } from "../../lib/core/errors";
import { SeededRng } from "../../lib/sim/rng";
import { FeaturePipeline, Normaliser, canonicalJson, rowAtOrAfter, syntheticBars } from "../../lib/features/index";

const bars = syntheticBars(6000, new SeededRng(11));

/** Bitwise equality of two typed arrays (fast on long arrays, unlike a deep equal). */
function sameBits(a: Float64Array | Float32Array, b: Float64Array | Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe("feature pipeline", () => {
  it("builds the default feature set when the config is empty", () => {
    const p = FeaturePipeline.fromConfig({});
    expect(p.width).toBe(23);
    expect(p.names.slice(0, 5)).toEqual(["logret_1", "logret_5", "logret_15", "logret_60", "ewma_vol_hl30"]);
    expect(p.stateNames).toEqual(["position", "unrealisedReturn", "drawdown", "timeInPosition"]);
    expect(p.warmup).toBe(Math.max(...p.schema.steps.map((s) => s.warmup)));
  });

  it("has a stable schema hash that changes with any parameter, order or state feature", () => {
    const a = FeaturePipeline.fromConfig({});
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(FeaturePipeline.fromConfig({}).hash).toBe(a.hash);
    // spelling the defaults out gives the same schema
    expect(FeaturePipeline.fromConfig({ normalise: { kind: "meanstd", clip: 5 } }).hash).toBe(a.hash);
    const hashes = new Set([
      a.hash,
      FeaturePipeline.fromConfig({ normalise: { clip: 4 } }).hash,
      FeaturePipeline.fromConfig({ normalise: { kind: "robust" } }).hash,
      FeaturePipeline.fromConfig({ state: ["position"] }).hash,
      FeaturePipeline.fromConfig({ steps: [{ kind: "rsi", period: 14 }, { kind: "atr" }] }).hash,
      FeaturePipeline.fromConfig({ steps: [{ kind: "atr" }, { kind: "rsi", period: 14 }] }).hash,
      FeaturePipeline.fromConfig({ steps: [{ kind: "atr" }, { kind: "rsi", period: 15 }] }).hash,
    ]);
    expect(hashes.size).toBe(7);
  });

  it("pins the default schema hash (a change here invalidates every saved checkpoint: bump FEATURE_MATHS_VERSION and say why)", () => {
    expect(FeaturePipeline.fromConfig({}).hash).toBe("2cf48d2a468be7d0109e6972f904bba8d0c55063a6777f5af7f80e6fe01d8e67");
  });

  it("canonical JSON sorts keys at every level", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: true } })).toBe('{"a":{"c":true,"d":[2,{"y":2,"z":1}]},"b":1}');
  });

  it("rejects bad config with a ConfigError naming the key path", () => {
    expect(() => FeaturePipeline.fromConfig({ steps: [{ kind: "rsi", period: 1 }] })).toThrow(/features\.steps\.0\.period/);
    expect(() => FeaturePipeline.fromConfig({ steps: [{ kind: "rsi", extra: 1 } as never] })).toThrow(ConfigError);
    expect(() => FeaturePipeline.fromConfig({ steps: [{ kind: "rsi" }, { kind: "rsi" }] })).toThrow(/rsi_14 is produced twice/);
  });

  it("never outputs NaN or infinities, warm-up rows included", () => {
    const p = FeaturePipeline.fromConfig({});
    const m = p.compute(bars);
    for (let k = 0; k < m.values.length; k++) if (!Number.isFinite(m.values[k]!)) throw new Error(`non-finite at row ${Math.floor(k / m.cols)}`);
  });

  it("throws a DataError naming the bar's ts when an input is NaN, non-positive or out of order", () => {
    const p = FeaturePipeline.fromConfig({});
    const bad = sliceBarColumns(syntheticBars(100, new SeededRng(3)), 0, 100);
    bad.close[40] = Number.NaN;
    const ts = new Date(bad.ts[40]!).toISOString();
    expect(() => p.compute(bad)).toThrow(DataError);
    expect(() => p.compute(bad)).toThrow(new RegExp(`${ts.replace(/[.]/g, "\\.")} \\(row 40\\): close is not a finite number`));
    const s = p.stream("BTCUSDT");
    expect(() => s.push({ ts: bad.ts[40]!, open: 1, high: 1, low: 1, close: Number.NaN, volume: 1 })).toThrow(/BTCUSDT bar at .*close is not a finite number/);
    const back = syntheticBars(10, new SeededRng(3));
    back.ts[5] = back.ts[4]!;
    expect(() => p.compute(back)).toThrow(/row 5.*is not after the previous bar/);
    const neg = syntheticBars(10, new SeededRng(3));
    neg.low[2] = -1;
    expect(() => p.compute(neg)).toThrow(/non-positive price/);
  });

  it("computes the same features in one call, in chunks, and block by block", () => {
    const p = FeaturePipeline.fromConfig({});
    const whole = p.compute(bars);
    const b = p.batcher();
    const out = new Float64Array(whole.values.length);
    for (const [s, e] of [[0, 1], [1, 777], [777, 3000], [3000, 6000]] as const) b.computeInto(sliceBarColumns(bars, s, e), out, s);
    expect(sameBits(out, whole.values)).toBe(true);
  });

  it("fits the normaliser on the training rows only", () => {
    const p = FeaturePipeline.fromConfig({});
    const m = p.compute(bars);
    const split = bars.ts[4000]!;
    const a = p.fit(m, { to: split }).toJSON();
    // changing every row at or after the split leaves the statistics untouched
    const m2 = { ...m, values: m.values.slice() };
    for (let k = 4000 * m.cols; k < m2.values.length; k++) m2.values[k] = 1e6;
    expect(p.fit(m2, { to: split }).toJSON()).toEqual(a);
    expect(a.fittedOn).toEqual({ rows: 4000 - p.warmup, fromTs: bars.ts[p.warmup], toTs: bars.ts[3999] });
    // warm-up rows are never part of the fit, even when the range starts at 0
    const m3 = { ...m, values: m.values.slice() };
    m3.values.fill(123, 0, p.warmup * m.cols);
    expect(p.fit(m3, { from: 0, to: split }).toJSON()).toEqual(a);
  });

  it("normalises to mean 0 / std 1 (meanstd) or median 0 / IQR 1.349 (robust) and clips", () => {
    for (const kind of ["meanstd", "robust"] as const) {
      const p = FeaturePipeline.fromConfig({ steps: [{ kind: "logReturns", horizons: [1] }, { kind: "calendar" }], normalise: { kind, clip: 3 } });
      const m = p.compute(bars);
      p.fit(m);
      const z = p.transform(m);
      const col = Array.from({ length: m.rows - p.warmup }, (_, i) => z[(i + p.warmup) * p.width]!);
      if (kind === "meanstd") {
        const mean = col.reduce((a, x) => a + x, 0) / col.length;
        expect(Math.abs(mean)).toBeLessThan(0.01);
      } else {
        const sorted = [...col].sort((a, b) => a - b);
        expect(Math.abs(sorted[Math.floor(sorted.length / 2)]!)).toBeLessThan(0.01);
      }
      expect(Math.max(...col)).toBeLessThanOrEqual(3);
      expect(Math.min(...col)).toBeGreaterThanOrEqual(-3);
      // calendar features are not scaled by default: centre 0, scale 1
      expect(p.normaliser.stats.scaled).toEqual([true, false, false, false, false]);
      expect(z[p.warmup * p.width + 1]).toBeCloseTo(m.values[p.warmup * p.width + 1]!, 6);
    }
  });

  it("saves and restores fitted statistics, refusing those of another schema", () => {
    const p = FeaturePipeline.fromConfig({});
    const m = p.compute(bars);
    const json = JSON.parse(JSON.stringify(p.fit(m).toJSON())) as unknown;
    const q = FeaturePipeline.fromConfig({}, { normaliser: json as never });
    expect(sameBits(q.transform(m), p.transform(m))).toBe(true);
    const other = FeaturePipeline.fromConfig({ normalise: { clip: 4 } });
    expect(() => other.setNormaliser(json as never)).toThrow(/fitted for feature schema/);
    expect(() => Normaliser.fromJSON({ ...(json as object), scale: [] })).toThrow(TradelabError);
    expect(() => Normaliser.fromJSON({ ...(json as object), center: "x" })).toThrow(/center/);
  });

  it("round-trips through a checkpoint manifest and refuses one whose hash this code does not reproduce", () => {
    const p = FeaturePipeline.fromConfig({ steps: [{ kind: "rsi" }, { kind: "calendar" }] });
    const m = p.compute(bars);
    p.fit(m);
    const manifest = JSON.parse(JSON.stringify(p.toManifest())) as ReturnType<typeof p.toManifest>;
    const q = FeaturePipeline.fromManifest(manifest);
    expect(q.hash).toBe(p.hash);
    expect(sameBits(q.transform(m), p.transform(m))).toBe(true);
    expect(() => FeaturePipeline.fromManifest({ ...manifest, hash: "0".repeat(64) })).toThrow(/hash mismatch/);
    expect(() => FeaturePipeline.fromConfig({}).toManifest()).toThrow(/not fitted/);
  });

  it("streams the same normalised observation the batch transform gives", () => {
    const p = FeaturePipeline.fromConfig({});
    const m = p.compute(bars);
    p.fit(m);
    const z = p.transform(m);
    const s = p.stream();
    for (let i = 0; i < bars.length; i++) {
      const ready = s.push({ ts: bars.ts[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! });
      expect(ready).toBe(i >= p.warmup);
      if (ready && i % 97 === 0) expect(Array.from(s.observation())).toEqual(Array.from(z.subarray(i * p.width, (i + 1) * p.width)));
    }
    expect(sameBits(p.transformBars(bars), z)).toBe(true);
  });

  it("refuses to emit an observation while warming up or before the normaliser is known", () => {
    const p = FeaturePipeline.fromConfig({ steps: [{ kind: "logReturns", horizons: [2] }] });
    const s = p.stream();
    const bar = (i: number) => ({ ts: bars.ts[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! });
    expect(s.push(bar(0))).toBe(false);
    expect(() => s.observation()).toThrow(/no normaliser/);
    p.fit(p.compute(bars));
    expect(() => s.observation()).toThrow(/warming up \(1 of 3 bars\)/);
    s.push(bar(1));
    expect(s.push(bar(2))).toBe(true);
    expect(s.observation().length).toBe(1);
    expect(() => s.push(bar(2))).toThrow(/is not after the previous bar/);
    s.reset();
    expect(s.count).toBe(0);
    expect(s.push(bar(2))).toBe(false);
  });

  it("after its warm-up, a pipeline started mid-series agrees with the full history (live warm-up)", () => {
    const p = FeaturePipeline.fromConfig({});
    const full = p.compute(bars);
    p.fit(full);
    const zFull = p.transform(full);
    for (const start of [1, 1234, 2500]) {
      const part = p.compute(sliceBarColumns(bars, start));
      const zPart = p.transform(part);
      for (let i = p.warmup; i < part.rows; i++) {
        for (let j = 0; j < p.width; j++) {
          const a = zFull[(start + i) * p.width + j]!;
          const b = zPart[i * p.width + j]!;
          if (Math.abs(a - b) > 1e-5) throw new Error(`start ${start} row ${i} ${p.names[j]}: ${a} vs ${b}`);
        }
      }
    }
  });

  it("finds rows by time", () => {
    const ts = Float64Array.from([10, 20, 30]);
    expect([rowAtOrAfter(ts, 5), rowAtOrAfter(ts, 20), rowAtOrAfter(ts, 21), rowAtOrAfter(ts, 99)]).toEqual([0, 1, 2, 3]);
  });
});
