import { describe, expect, it } from "vitest";
import { CoverageTracker } from "../../lib/conformal/coverage";
import { InvariantError } from "../../lib/core/errors";
import { SeededRng } from "../../lib/sim/rng";

describe("CoverageTracker", () => {
  it("reports NaN statistics before the first outcome", () => {
    const s = new CoverageTracker(10).stats();
    expect(s.rollingCount).toBe(0);
    expect(s.rollingCoverage).toBeNaN();
    expect(s.rollingMeanWidth).toBeNaN();
    expect(s.rollingMedianWidth).toBeNaN();
    expect(s.totalCoverage).toBeNaN();
  });

  it("counts rolling and total coverage and widths by hand", () => {
    const t = new CoverageTracker(3);
    t.record(true, 1);
    t.record(false, 2);
    t.record(true, Number.POSITIVE_INFINITY);
    t.record(true, 4); // window now: miss/2, hit/inf, hit/4
    const s = t.stats();
    expect(s.rollingCount).toBe(3);
    expect(s.rollingCoverage).toBeCloseTo(2 / 3, 15);
    expect(s.rollingMeanWidth).toBe(3); // (2 + 4) / 2, infinite skipped
    expect(s.rollingMedianWidth).toBe(3);
    expect(s.rollingInfinite).toBe(1);
    expect(s.totalCount).toBe(4);
    expect(s.totalCovered).toBe(3);
    expect(s.totalCoverage).toBe(0.75);
    expect(s.totalMeanWidth).toBeCloseTo(7 / 3, 15);
    expect(s.totalInfinite).toBe(1);
  });

  it("agrees with a direct recomputation over a long random run", () => {
    const rng = new SeededRng(4);
    const w = 250;
    const t = new CoverageTracker(w);
    const hits: number[] = [];
    const widths: number[] = [];
    for (let i = 0; i < 5000; i++) {
      const hit = rng.next() < 0.9;
      const width = rng.next() < 0.01 ? Number.POSITIVE_INFINITY : 0.01 + rng.next() * 1e-3;
      t.record(hit, width);
      hits.push(hit ? 1 : 0);
      widths.push(width);
    }
    const lastH = hits.slice(-w);
    const lastW = widths.slice(-w).filter(Number.isFinite).sort((a, b) => a - b);
    const s = t.stats();
    expect(s.rollingCoverage).toBeCloseTo(lastH.reduce((a, b) => a + b, 0) / w, 14);
    expect(s.rollingMeanWidth).toBeCloseTo(lastW.reduce((a, b) => a + b, 0) / lastW.length, 14);
    const m = lastW.length;
    expect(s.rollingMedianWidth).toBe((lastW[Math.floor((m - 1) / 2)]! + lastW[Math.floor(m / 2)]!) / 2);
  });

  it("rejects negative or NaN widths", () => {
    const t = new CoverageTracker(5);
    expect(() => t.record(true, -1)).toThrow(InvariantError);
    expect(() => t.record(true, Number.NaN)).toThrow(InvariantError);
  });

  it("round-trips through JSON with infinite widths as null", () => {
    const t = new CoverageTracker(4);
    for (const [h, w] of [[true, 1], [false, Number.POSITIVE_INFINITY], [true, 3], [true, 2], [false, 5]] as const) t.record(h, w);
    const json = JSON.parse(JSON.stringify(t.toJSON()));
    expect(json.widths).toEqual([null, 3, 2, 5]);
    const back = CoverageTracker.fromJSON(json);
    expect(back.stats()).toEqual(t.stats());
    const smaller = CoverageTracker.fromJSON(json, 2); // newest two outcomes kept, totals kept
    expect(smaller.stats()).toMatchObject({ rollingCount: 2, rollingCoverage: 0.5, rollingMeanWidth: 3.5, totalCount: 5 });
  });
});
