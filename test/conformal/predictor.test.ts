import { describe, expect, it } from "vitest";
import { conformalSchema, type ConformalConfig } from "../../lib/config/schemas/conformal";
import { ConformalPredictor, createConformalPredictor } from "../../lib/conformal/predictor";
import { calibrateSplit } from "../../lib/conformal/split";
import { coverageOf, rollingCoverage, runConformal } from "../../lib/conformal/trace";
import { InvariantError } from "../../lib/core/errors";
import { SeededRng } from "../../lib/sim/rng";

const cfg = (over: Record<string, unknown>): ConformalConfig => conformalSchema.parse({ enabled: true, ...over });

/**
 * Non-exchangeable series: y_t ~ N(0, sigma_t^2) with volatility regimes 1 -> 2 -> 3 -> 0.7, each
 * `len` steps, plus slow within-regime drift. The forecaster is a fixed +-1.645 band (right only for
 * sigma = 1), standing in for a critic trained on the calm first regime.
 */
function regimeSeries(seed: number, len: number) {
  const rng = new SeededRng(seed);
  const sigmas = [1, 2, 3, 0.7];
  const n = sigmas.length * len;
  const y = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const r = Math.floor(t / len);
    const drift = 1 + 0.3 * Math.sin((2 * Math.PI * (t % len)) / len);
    y[t] = sigmas[r]! * drift * rng.normal();
  }
  return { lo: new Float64Array(n).fill(-1.645), hi: new Float64Array(n).fill(1.645), y };
}

describe("ConformalPredictor, split method", () => {
  it("gives the whole line until the window holds ceil(1/alpha - 1) scores", () => {
    const p = createConformalPredictor({ method: "split", alpha: 0.1 });
    const rng = new SeededRng(1);
    for (let i = 0; i < 8; i++) {
      expect(p.interval(-1, 1).width).toBe(Number.POSITIVE_INFINITY);
      expect(p.observe(-1, 1, 5 * rng.normal())).toBe(true);
    }
    expect(p.interval(-1, 1).width).toBe(Number.POSITIVE_INFINITY);
    p.observe(-1, 1, rng.normal());
    expect(p.calibrationSize).toBe(9);
    expect(Number.isFinite(p.interval(-1, 1).width)).toBe(true);
    expect(p.metrics().totalInfinite).toBe(9);
  });

  it("matches batch split calibration when calibrated on the same held-out set", () => {
    const rng = new SeededRng(2);
    const n = 500;
    const lo = Float64Array.from({ length: n }, () => -1 + 0.2 * rng.normal());
    const hi = Float64Array.from(lo, (v) => v + 2);
    const y = Float64Array.from({ length: n }, () => 1.5 * rng.normal());
    const p = new ConformalPredictor(cfg({ method: "split", calibrationUpdates: "frozen", calibrationWindow: n }));
    p.calibrate(lo, hi, y);
    const batch = calibrateSplit(lo, hi, y, 0.1);
    expect(p.qhat()).toBe(batch.qhat);
    const iv = p.interval(-0.5, 0.5);
    expect(iv).toEqual({ lo: -0.5 - batch.qhat, hi: 0.5 + batch.qhat, width: 1 + 2 * batch.qhat, qhat: batch.qhat, alpha: 0.1 });
    p.observe(-0.5, 0.5, 0);
    expect(p.calibrationSize).toBe(n); // frozen: outcomes do not enter the window
    expect(p.currentAlpha).toBe(0.1); // split: alpha never moves
  });

  it("slides the calibration window with rolling updates", () => {
    const p = new ConformalPredictor(cfg({ method: "split", calibrationWindow: 10 }));
    for (let i = 0; i < 25; i++) p.observe(0, 0, i); // scores = i
    expect(p.calibrationSize).toBe(10); // scores 15..24
    expect(p.qhat()).toBe(24); // k = ceil(11 * 0.9) = 10 -> largest
  });
});

describe("ConformalPredictor, adaptive method (ACI)", () => {
  it("moves alpha_t by gamma (alpha - err_t) after each outcome", () => {
    const p = new ConformalPredictor(cfg({ method: "adaptive", alpha: 0.1, gamma: 0.01, calibrationWindow: 100 }));
    for (let i = 0; i < 20; i++) p.observe(-1, 1, 0); // covered (whole line while calibrating, then inside)
    const a0 = 0.1 + 20 * 0.01 * 0.1;
    expect(p.currentAlpha).toBeCloseTo(a0, 15);
    expect(p.observe(-1, 1, 50)).toBe(false); // far outside
    expect(p.currentAlpha).toBeCloseTo(a0 + 0.01 * (0.1 - 1), 15);
    expect(p.observe(-1, 1, 0)).toBe(true);
    expect(p.currentAlpha).toBeCloseTo(a0 - 0.009 + 0.001, 15);
    expect(p.updateCount).toBe(22);
  });

  it("keeps long-run miscoverage within (max(alpha, 1 - alpha) + gamma) / (gamma T) of alpha on any sequence", () => {
    for (const seed of [11, 12, 13]) {
      const rng = new SeededRng(seed);
      const gamma = 0.02;
      const p = new ConformalPredictor(cfg({ method: "adaptive", alpha: 0.1, gamma, calibrationWindow: 200 }));
      const T = 4000;
      let miss = 0;
      for (let t = 0; t < T; t++) {
        // adversarial-ish: heavy tails, switching scale, shifting band
        const scale = t % 700 < 350 ? 1 : 8;
        const y = scale * rng.normal() * (rng.next() < 0.05 ? 10 : 1);
        if (!p.observe(-1 + 0.5 * Math.sin(t / 50), 1, y)) miss++;
      }
      expect(Math.abs(miss / T - 0.1)).toBeLessThanOrEqual((0.9 + gamma) / (gamma * T) + 1e-12);
    }
  });

  it("holds long-run coverage within 2 points under regime shifts where split conformal drifts", () => {
    const len = 10_000;
    const calib = regimeSeries(5, len);
    const warm = 2000; // calibration set: the first 2000 steps of the calm regime
    const run = (method: "split" | "adaptive", updates: "rolling" | "frozen") => {
      const p = new ConformalPredictor(cfg({ method, calibrationUpdates: updates, calibrationWindow: 2000, gamma: 0.005 }));
      p.calibrate(calib.lo.subarray(0, warm), calib.hi.subarray(0, warm), calib.y.subarray(0, warm));
      const tr = runConformal(p, calib.lo.subarray(warm), calib.hi.subarray(warm), calib.y.subarray(warm));
      const roll = rollingCoverage(tr.covered, 1000);
      let worst = 0;
      for (const c of roll) if (!Number.isNaN(c)) worst = Math.max(worst, Math.abs(c - 0.9));
      return { coverage: tr.coverage, worst, width: tr.meanWidth };
    };
    const frozenSplit = run("split", "frozen");
    const rollingSplit = run("split", "rolling");
    const aci = run("adaptive", "rolling");
    const aciFrozen = run("adaptive", "frozen");
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
    console.info(
      `regime shifts (nominal 90%, 38k steps): split frozen ${pct(frozenSplit.coverage)} (worst 1k-window gap ${pct(frozenSplit.worst)}), ` +
        `split rolling ${pct(rollingSplit.coverage)} (worst ${pct(rollingSplit.worst)}), ` +
        `ACI ${pct(aci.coverage)} (worst ${pct(aci.worst)}), ACI frozen scores ${pct(aciFrozen.coverage)}`,
    );
    expect(Math.abs(frozenSplit.coverage - 0.9)).toBeGreaterThan(0.05);
    expect(Math.abs(aci.coverage - 0.9)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(aciFrozen.coverage - 0.9)).toBeLessThanOrEqual(0.02);
    expect(aci.worst).toBeLessThan(rollingSplit.worst);
  });
});

describe("ConformalPredictor, observing", () => {
  it("judges coverage against the interval issued when the forecast was made", () => {
    const p = new ConformalPredictor(cfg({ method: "split", calibrationWindow: 50 }));
    for (let i = 0; i < 50; i++) p.observe(-1, 1, 0); // scores all -1: q-hat = -1, interval collapses to [0, 0]
    expect(p.interval(-1, 1)).toMatchObject({ lo: 0, hi: 0, width: 0 });
    expect(p.observe(-1, 1, 0.5, { lo: -2, hi: 2 })).toBe(true);
    expect(p.observe(-1, 1, 0.5)).toBe(false);
    // the first 9 intervals were the whole line; then 41 of width 0, the issued one of width 4, one of width 0
    expect(p.stats().rollingInfinite).toBe(9);
    expect(p.stats().rollingMeanWidth).toBeCloseTo(4 / 43, 15);
  });

  it("throws on non-finite forecasts or outcomes", () => {
    const p = createConformalPredictor();
    expect(() => p.observe(Number.NaN, 1, 0)).toThrow(InvariantError);
    expect(() => p.observe(0, 1, Number.POSITIVE_INFINITY)).toThrow(InvariantError);
    expect(() => p.interval(0, Number.NaN)).toThrow(InvariantError);
  });

  it("computes coverage over slices of a trace", () => {
    expect(coverageOf([1, 0, 1, 1], 1)).toBeCloseTo(2 / 3, 15);
    expect(Array.from(rollingCoverage([1, 0, 1, 1], 2))).toEqual([Number.NaN, 0.5, 0.5, 1]);
  });
});
