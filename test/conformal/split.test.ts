import { describe, expect, it } from "vitest";
import { calibrateSplit, evaluateSplit } from "../../lib/conformal/split";
import { SeededRng } from "../../lib/sim/rng";

/**
 * Exchangeable synthetic data: x ~ U(0, 1), y = sin(2 pi x) + (0.2 + x) eps with eps ~ N(0, 1)
 * (heteroscedastic). The forecaster is deliberately misspecified: a constant-width band around the
 * true mean, so its raw coverage is far from nominal and only the calibration can fix it.
 */
function sample(rng: SeededRng, n: number): { lo: Float64Array; hi: Float64Array; y: Float64Array } {
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.next();
    const m = Math.sin(2 * Math.PI * x);
    y[i] = m + (0.2 + x) * rng.normal();
    lo[i] = m - 0.5;
    hi[i] = m + 0.5;
  }
  return { lo, hi, y };
}

function meanCoverage(seeds: number, nCal: number, nTest: number, alpha: number, raw = false): number {
  let sum = 0;
  for (let s = 0; s < seeds; s++) {
    const rng = new SeededRng(1000 + s);
    const cal = sample(rng, nCal);
    const test = sample(rng, nTest);
    const qhat = raw ? 0 : calibrateSplit(cal.lo, cal.hi, cal.y, alpha).qhat;
    sum += evaluateSplit(test.lo, test.hi, test.y, qhat).coverage;
  }
  return sum / seeds;
}

describe("split conformal on exchangeable data", () => {
  it("covers within 1 point of nominal on average over 300 seeds (alpha 0.1, n = 1000)", () => {
    const raw = meanCoverage(300, 1000, 1000, 0.1, true);
    const cov = meanCoverage(300, 1000, 1000, 0.1);
    console.info(`split conformal, 300 seeds: raw band coverage ${(raw * 100).toFixed(2)}%, calibrated ${(cov * 100).toFixed(2)}% (nominal 90%)`);
    expect(Math.abs(raw - 0.9)).toBeGreaterThan(0.1); // the forecaster alone is badly off
    expect(Math.abs(cov - 0.9)).toBeLessThan(0.01);
    // theory: E[coverage] = ceil(1001 * 0.9) / 1001 = 901 / 1001; 4 standard errors of the seed mean
    expect(Math.abs(cov - 901 / 1001)).toBeLessThan(0.004);
  });

  it("covers within 1 point at alpha 0.05 and 0.2 too", () => {
    for (const alpha of [0.05, 0.2]) {
      const cov = meanCoverage(150, 1000, 1000, alpha);
      expect(Math.abs(cov - (1 - alpha))).toBeLessThan(0.01);
    }
  });

  it("reaches the finite-sample coverage k / (n + 1) with a tiny calibration set (n = 14, alpha 0.1)", () => {
    // k = ceil(15 * 0.9) = 14, so E[coverage] = 14 / 15 = 0.9333; the naive rank ceil(n (1 - alpha)) = 13
    // would give 13 / 15 = 0.8667, below nominal
    const cov = meanCoverage(3000, 14, 40, 0.1);
    console.info(`split conformal, n = 14, 3000 seeds: coverage ${(cov * 100).toFixed(2)}% (theory 93.33%)`);
    expect(cov).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(cov - 14 / 15)).toBeLessThan(0.006);
  });

  it("returns the whole line when the calibration set is too small for alpha", () => {
    const rng = new SeededRng(3);
    const cal = sample(rng, 8);
    const c = calibrateSplit(cal.lo, cal.hi, cal.y, 0.1);
    expect(c.rank).toBe(9);
    expect(c.qhat).toBe(Number.POSITIVE_INFINITY);
    const test = sample(rng, 100);
    const ev = evaluateSplit(test.lo, test.hi, test.y, c.qhat);
    expect(ev.coverage).toBe(1);
    expect(ev.meanWidth).toBe(Number.POSITIVE_INFINITY);
  });

  it("picks the hand-computed order statistic", () => {
    // scores for y = 0 against bands [-s, s]... use lo = hi = 0: score = |y|
    const y = [0.3, -0.1, 0.5, -0.9, 0.2, 0.7, -0.4, 0.6, -0.8, 0.05];
    const z = new Array<number>(10).fill(0);
    const c = calibrateSplit(z, z, y, 0.2); // |y| sorted: .05 .1 .2 .3 .4 .5 .6 .7 .8 .9; k = ceil(8.8) = 9
    expect(c.rank).toBe(9);
    expect(c.qhat).toBe(0.8);
  });
});
