import { describe, expect, it } from "vitest";
import { leastSquares } from "../../../lib/services/calibration/least-squares";
import { SeededRng } from "../../../lib/sim/rng";

describe("leastSquares", () => {
  it("recovers the exact coefficients of a noiseless linear model with R^2 = 1", () => {
    const x1 = Float64Array.from({ length: 50 }, (_, i) => i / 7);
    const x2 = Float64Array.from({ length: 50 }, (_, i) => Math.sin(i));
    const y = x1.map((v, i) => 2.5 + 0.75 * v - 3 * x2[i]!);
    const f = leastSquares([x1, x2], y, { names: ["a", "b"] });
    expect(f.names).toEqual(["intercept", "a", "b"]);
    expect(f.coef[0]).toBeCloseTo(2.5, 10);
    expect(f.coef[1]).toBeCloseTo(0.75, 10);
    expect(f.coef[2]).toBeCloseTo(-3, 10);
    expect(f.r2).toBeCloseTo(1, 12);
    expect(f.rmse).toBeLessThan(1e-9);
  });

  it("matches the textbook simple-regression slope, R^2 and standard error on a hand-worked example", () => {
    // x = 1..5, y = 2, 4, 5, 4, 5: slope 0.6, intercept 2.2, SSE 2.4, Sxx 10, R^2 = 0.6
    const f = leastSquares([Float64Array.of(1, 2, 3, 4, 5)], Float64Array.of(2, 4, 5, 4, 5));
    expect(f.coef[0]).toBeCloseTo(2.2, 12);
    expect(f.coef[1]).toBeCloseTo(0.6, 12);
    expect(f.sse).toBeCloseTo(2.4, 12);
    expect(f.r2).toBeCloseTo(0.6, 12);
    expect(f.adjR2).toBeCloseTo(1 - (0.4 * 4) / 3, 12);
    expect(f.stdErr[1]).toBeCloseTo(Math.sqrt(2.4 / 3 / 10), 12);
    expect(f.stdErr[0]).toBeCloseTo(Math.sqrt((2.4 / 3) * (1 / 5 + 9 / 10)), 12);
  });

  it("holds a negative intercept at zero under the non-negativity constraint and refits through the origin", () => {
    const x = Float64Array.of(1, 2, 3, 4, 5, 6);
    const y = x.map((v) => 2 * v - 1);
    const free = leastSquares([x], y);
    expect(free.coef[0]).toBeCloseTo(-1, 10);
    const nn = leastSquares([x], y, { nonNegative: true });
    expect(nn.coef[0]).toBe(0);
    expect(nn.atBound).toEqual([true, false]);
    // through the origin: slope = sum(xy) / sum(x^2)
    const sxy = x.reduce((s, v, i) => s + v * y[i]!, 0);
    const sxx = x.reduce((s, v) => s + v * v, 0);
    expect(nn.coef[1]).toBeCloseTo(sxy / sxx, 12);
    expect(nn.p).toBe(1);
  });

  it("stays accurate on nearly collinear regressors (QR, not normal equations)", () => {
    const rng = new SeededRng(3);
    const x1 = Float64Array.from({ length: 200 }, () => 1e4 + rng.next());
    const y = x1.map((v) => 5 + 1e-3 * v);
    const f = leastSquares([x1], y);
    expect(f.coef[1]).toBeCloseTo(1e-3, 9);
    expect(f.coef[0]).toBeCloseTo(5, 5);
  });

  it("names the row of a non-finite value and refuses fewer rows than parameters", () => {
    expect(() => leastSquares([Float64Array.of(1, 2, Number.NaN)], Float64Array.of(1, 2, 3))).toThrow(/x1 is not finite at row 2/);
    expect(() => leastSquares([Float64Array.of(1)], Float64Array.of(1))).toThrow(/at least 2 observations/);
  });
});
