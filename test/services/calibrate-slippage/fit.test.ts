import { describe, expect, it } from "vitest";
import { fitSqrtImpact } from "../../../lib/services/calibrate-slippage-fit";
import { SeededRng } from "../../../lib/sim/rng";

function observations(n: number, cost: (q: number, sigma: number, v: number) => number, seed = 7) {
  const rng = new SeededRng(seed);
  const qty = new Float64Array(n);
  const sigma = new Float64Array(n);
  const volume = new Float64Array(n);
  const costBps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    qty[i] = Math.exp(-3 + 6 * rng.next());
    sigma[i] = 5e-4 * (1 + rng.next());
    volume[i] = 50 * (1 + rng.next());
    costBps[i] = cost(qty[i]!, sigma[i]!, volume[i]!);
  }
  return { qty, sigma, volume, costBps, notional: qty.map((q) => q * 100) };
}

describe("fitSqrtImpact", () => {
  it("recovers half-spread and k exactly from noiseless square-root costs, with exponent 0.5", () => {
    const o = observations(500, (q, s, v) => 1.5 + 0.7 * 1e4 * s * Math.sqrt(q / v));
    const { fit } = fitSqrtImpact(o);
    expect(fit.halfSpreadBps).toBeCloseTo(1.5, 9);
    expect(fit.k).toBeCloseTo(0.7, 9);
    expect(fit.r2).toBeCloseTo(1, 9);
    expect(fit.exponent!.value).toBeCloseTo(0.5, 3);
    expect(fit.binnedR2).toBeCloseTo(1, 9);
  });

  it("reports an exponent near 1 when the impact is linear in size", () => {
    const o = observations(2000, (q, s, v) => 0.5 + 2 * 1e4 * s * (q / v));
    expect(fitSqrtImpact(o).fit.exponent!.value).toBeGreaterThan(0.9);
  });

  it("holds k at zero (never negative) when cost falls with size, and buckets every measurement", () => {
    const o = observations(300, (q) => 3 - 0.01 * q);
    const { fit } = fitSqrtImpact(o, { buckets: 5 });
    expect(fit.k).toBe(0);
    expect(fit.atBound.k).toBe(true);
    expect(fit.buckets).toHaveLength(5);
    expect(fit.buckets.reduce((s, b) => s + b.n, 0)).toBe(300);
  });

  it("names a measurement that is not finite", () => {
    const o = observations(10, () => 1);
    o.volume[4] = 0;
    expect(() => fitSqrtImpact(o)).toThrow(/slippage measurement 5: .*not finite/);
  });
});
