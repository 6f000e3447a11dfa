import { describe, expect, it } from "vitest";
import {
  conformalQuantile,
  conformalQuantileLevel,
  conformalRank,
  cqrInterval,
  cqrScore,
  cqrScores,
  interpolateQuantile,
  intervalWidth,
  minCalibrationSize,
  quantileBand,
} from "../../lib/conformal/quantile";
import { InvariantError } from "../../lib/core/errors";

describe("cqrScore", () => {
  it("is minus the distance to the nearer edge inside the band", () => {
    expect(cqrScore(-1, 1, 0.5)).toBe(-0.5); // max(-1.5, -0.5)
    expect(cqrScore(-1, 1, 0)).toBe(-1);
    expect(cqrScore(-0.02, 0.03, 0.01)).toBeCloseTo(-0.02, 15);
  });

  it("is the distance beyond the violated edge outside the band", () => {
    expect(cqrScore(-1, 1, 2)).toBe(1); // max(-3, 1)
    expect(cqrScore(-1, 1, -1.5)).toBe(0.5); // max(0.5, -2.5)
    expect(cqrScore(-1, 1, 1)).toBe(0); // on the edge
  });

  it("scores columns into a caller's buffer and rejects non-finite input", () => {
    const out = new Float64Array(3);
    const s = cqrScores([-1, -1, -1], [1, 1, 1], [0.5, 2, -1.5], out);
    expect(s).toBe(out);
    expect(Array.from(s)).toEqual([-0.5, 1, 0.5]);
    expect(() => cqrScores([-1], [1], [Number.NaN])).toThrow(InvariantError);
    expect(() => cqrScores([-1, 0], [1], [0])).toThrow(RangeError);
  });
});

describe("finite-sample conformal rank ceil((n + 1)(1 - alpha))", () => {
  it("matches hand-computed ranks", () => {
    expect(conformalRank(9, 0.1)).toBe(9); // 10 * 0.9 = 9
    expect(conformalRank(19, 0.1)).toBe(18); // 20 * 0.9 = 18
    expect(conformalRank(14, 0.1)).toBe(14); // 15 * 0.9 = 13.5 -> 14
    expect(conformalRank(99, 0.05)).toBe(95); // 100 * 0.95 = 95
    expect(conformalRank(100, 0.1)).toBe(91); // 101 * 0.9 = 90.9 -> 91
    expect(conformalRank(1000, 0.1)).toBe(901); // 1001 * 0.9 = 900.9 -> 901
  });

  it("does not ask for an extra order statistic when (n + 1)(1 - alpha) rounds just above an integer", () => {
    // 10 * (1 - 0.7) is 3.0000000000000004 in floating point; the exact value is 3
    expect(10 * (1 - 0.7)).toBeGreaterThan(3);
    expect(conformalRank(9, 0.7)).toBe(3);
  });

  it("gives the quantile level k / n, above 1 when no finite quantile exists", () => {
    expect(conformalQuantileLevel(19, 0.1)).toBeCloseTo(18 / 19, 15);
    expect(conformalQuantileLevel(14, 0.1)).toBe(1);
    expect(conformalQuantileLevel(8, 0.1)).toBeCloseTo(9 / 8, 15);
    expect(conformalQuantileLevel(0, 0.1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("goes past n for alpha <= 0 and to <= 0 for alpha >= 1 (adaptive alpha_t can reach both)", () => {
    expect(conformalRank(50, 0)).toBe(51);
    expect(conformalRank(50, -0.01)).toBeGreaterThan(50);
    expect(conformalRank(50, 1)).toBe(0);
    expect(conformalRank(50, 1.02)).toBeLessThanOrEqual(0);
  });

  it("needs n >= 1 / alpha - 1 scores for a finite interval", () => {
    expect(minCalibrationSize(0.1)).toBe(9);
    expect(minCalibrationSize(0.05)).toBe(19);
    expect(minCalibrationSize(0.3)).toBe(3); // 4 * 0.7 = 2.8 -> 3 <= 3; n = 2: 3 * 0.7 = 2.1 -> 3 > 2
    expect(minCalibrationSize(0.5)).toBe(1);
    expect(() => minCalibrationSize(1)).toThrow(RangeError);
  });
});

describe("conformalQuantile", () => {
  const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

  it("picks the k-th smallest score", () => {
    expect(conformalQuantile(sorted, 0.2)).toBe(9); // ceil(11 * 0.8) = ceil(8.8) = 9
    expect(conformalQuantile(sorted, 0.5)).toBe(6); // ceil(5.5) = 6
    expect(conformalQuantile(sorted, 1 / 11)).toBe(10); // ceil(10) = 10
  });

  it("is +Infinity when the calibration set is too small for alpha", () => {
    expect(conformalQuantile(sorted, 0.05)).toBe(Number.POSITIVE_INFINITY); // ceil(10.45) = 11 > 10
    expect(conformalQuantile(new Float64Array(8), 0.1)).toBe(Number.POSITIVE_INFINITY);
    expect(conformalQuantile(new Float64Array(0), 0.5)).toBe(Number.POSITIVE_INFINITY);
  });

  it("is -Infinity (the empty set) when alpha >= 1", () => {
    expect(conformalQuantile(sorted, 1)).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("CQR interval", () => {
  it("widens the band by a positive q-hat and narrows it by a negative one", () => {
    expect(cqrInterval(-1, 1, 0.25)).toEqual({ lo: -1.25, hi: 1.25 });
    expect(cqrInterval(-1, 1, -0.25)).toEqual({ lo: -0.75, hi: 0.75 });
  });

  it("has infinite width when unbounded and zero width when empty or crossed", () => {
    expect(intervalWidth(-1, 2)).toBe(3);
    expect(intervalWidth(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(intervalWidth(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY)).toBe(0);
    expect(intervalWidth(0.5, 0.25)).toBe(0);
  });
});

describe("quantileBand from critic outputs at tau_i = (i + 0.5) / N", () => {
  it("interpolates linearly between taus", () => {
    // N = 10: taus 0.05, 0.15, ..., 0.95; q_i = 10 * tau_i
    const q = Array.from({ length: 10 }, (_, i) => (i + 0.5));
    expect(interpolateQuantile(q, 0.05)).toBeCloseTo(0.5, 12);
    expect(interpolateQuantile(q, 0.1)).toBeCloseTo(1.0, 12);
    expect(interpolateQuantile(q, 0.5)).toBeCloseTo(5.0, 12);
    const band = quantileBand(q, 0.2); // taus 0.1 and 0.9
    expect(band.lo).toBeCloseTo(1.0, 12);
    expect(band.hi).toBeCloseTo(9.0, 12);
  });

  it("holds the end values beyond the outermost taus", () => {
    const q = [-2, -1, 0, 1, 2]; // taus 0.1 .. 0.9
    expect(quantileBand(q, 0.1)).toEqual({ lo: -2, hi: 2 }); // 0.05 and 0.95 lie outside
  });

  it("rearranges crossed quantiles before reading the band", () => {
    const crossed = [0, -1, 1, 3, 2]; // sorted: -1 0 1 2 3
    expect(quantileBand(crossed, 0.2)).toEqual({ lo: -1, hi: 3 });
  });

  it("rejects empty and non-finite critic outputs", () => {
    expect(() => quantileBand([], 0.1)).toThrow(RangeError);
    expect(() => quantileBand([0, Number.NaN], 0.1)).toThrow(InvariantError);
  });
});
