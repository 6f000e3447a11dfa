import { describe, expect, it } from "vitest";
import { latencySchema } from "../../../lib/config/schemas/execution";
import { fitLognormalSpike, lognormalSpikeCdf } from "../../../lib/services/calibration/lognormal-spike";
import { normalCdf, normalQuantile, quantileSorted, residualsByBucket } from "../../../lib/services/calibration/fit-stats";
import { LognormalLatency } from "../../../lib/sim/latency-model";
import { SeededRng } from "../../../lib/sim/rng";

const within = (got: number, want: number, rel: number) => expect(Math.abs(got / want - 1)).toBeLessThan(rel);

describe("fitLognormalSpike", () => {
  it("recovers base, jitter, spike rate and size of the simulator's latency model within 5%", () => {
    const cfg = latencySchema.parse({ baseMs: 40, jitter: 0.3, spikeProbability: 0.05, spikeMs: 500, timeoutMs: 100_000 });
    const model = new LognormalLatency(cfg, new SeededRng(11));
    const xs = Float64Array.from({ length: 20_000 }, (_, i) => model.sample(i * 1000));
    const f = fitLognormalSpike(xs);
    within(f.baseMs, 40, 0.05);
    within(f.jitter, 0.3, 0.05);
    within(f.spikeProbability, 0.05, 0.05);
    within(f.spikeMs, 500, 0.05);
    expect(f.converged).toBe(true);
    expect(f.ks).toBeLessThan(0.02);
  });

  it("finds no spikes in plain lognormal data", () => {
    const rng = new SeededRng(5);
    const xs = Float64Array.from({ length: 5000 }, () => 20 * Math.exp(0.25 * rng.normal()));
    const f = fitLognormalSpike(xs);
    expect(f.spikeProbability).toBe(0);
    within(f.baseMs, 20, 0.02);
    within(f.jitter, 0.25, 0.05);
  });

  it("refuses non-positive latencies and tiny samples", () => {
    expect(() => fitLognormalSpike(Float64Array.from({ length: 20 }, (_, i) => i))).toThrow(/must be positive/);
    expect(() => fitLognormalSpike(Float64Array.of(1, 2, 3))).toThrow(/at least 10 samples/);
  });

  it("has a CDF that reaches 1 and puts the spike mass beyond spikeMs", () => {
    const p = { baseMs: 10, jitter: 0.2, spikeProbability: 0.1, spikeMs: 100 };
    expect(lognormalSpikeCdf(10, p)).toBeCloseTo(0.45, 6);
    expect(lognormalSpikeCdf(99, p)).toBeCloseTo(0.9, 4);
    expect(lognormalSpikeCdf(1e6, p)).toBeCloseTo(1, 9);
  });
});

describe("fit statistics", () => {
  it("inverts the normal CDF", () => {
    for (const p of [0.001, 0.02, 0.3, 0.5, 0.9, 0.999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 6);
  });

  it("interpolates quantiles like type 7", () => {
    expect(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5)).toBe(2.5);
    expect(quantileSorted(Float64Array.of(1, 2, 3, 4), 0.9)).toBeCloseTo(3.7, 12);
  });

  it("groups residuals by bucket with their mean, spread and count", () => {
    const b = residualsByBucket(Float64Array.of(1, 2, 3, 10), Float64Array.of(1, 3, 5, 10), Float64Array.of(0, 2, 5, 12), Float64Array.of(0, 5, 10), (lo, hi) => `${lo}-${hi}`);
    expect(b.map((x) => [x.label, x.n])).toEqual([["0-5", 3], ["5-10", 1]]);
    expect(b[0]!.meanResidual).toBeCloseTo(2 / 3, 12);
    expect(b[0]!.stdResidual).toBeCloseTo(Math.sqrt(((1 / 3) ** 2 * 2 + (2 / 3) ** 2) / 2), 12);
    expect(b[1]!.meanResidual).toBe(-2);
  });
});
