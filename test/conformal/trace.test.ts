import { describe, expect, it } from "vitest";
import { conformalSchema } from "../../lib/config/schemas/conformal";
import { ConformalPredictor } from "../../lib/conformal/predictor";
import { runConformal } from "../../lib/conformal/trace";
import { SeededRng } from "../../lib/sim/rng";

const make = (over: Record<string, unknown> = {}) =>
  new ConformalPredictor(conformalSchema.parse({ enabled: true, calibrationWindow: 200, coverageWindow: 50, gamma: 0.02, ...over }));

function data(seed: number, n: number) {
  const rng = new SeededRng(seed);
  const lo = Float64Array.from({ length: n }, () => -1 + 0.1 * rng.normal());
  const hi = Float64Array.from(lo, (v) => v + 2);
  const y = Float64Array.from({ length: n }, (_, i) => (i % 300 < 150 ? 1 : 2) * rng.normal());
  return { lo, hi, y };
}

describe("runConformal", () => {
  it("equals an interval-then-observe loop at horizon 1", () => {
    const d = data(1, 1000);
    const tr = runConformal(make(), d.lo, d.hi, d.y);
    const p = make();
    for (let i = 0; i < 1000; i++) {
      const iv = p.interval(d.lo[i]!, d.hi[i]!);
      expect(tr.lower[i]).toBe(iv.lo);
      expect(tr.upper[i]).toBe(iv.hi);
      expect(tr.alpha[i]).toBe(iv.alpha);
      expect(tr.covered[i]).toBe(p.observe(d.lo[i]!, d.hi[i]!, d.y[i]!) ? 1 : 0);
    }
    expect(tr.sizedTargets).toBeUndefined();
  });

  it("never lets an interval see an outcome that is not yet realised at longer horizons", () => {
    const d = data(2, 600);
    const p1 = make({ horizon: 3 });
    const base = runConformal(p1, d.lo, d.hi, d.y);
    expect(p1.metrics().totalCount).toBe(600); // pending outcomes are observed at the end
    const i = 400;
    const y2 = Float64Array.from(d.y);
    y2[i - 1] = 50; // outcomes of forecasts i-1 and i-2 are realised after step i
    y2[i - 2] = -50;
    const moved = runConformal(make({ horizon: 3 }), d.lo, d.hi, y2);
    expect(moved.lower[i]).toBe(base.lower[i]);
    expect(moved.alpha[i]).toBe(base.alpha[i]);
    expect(moved.lower[i + 1]).not.toBe(base.lower[i + 1]); // forecast i-2's outcome is known at step i+1
  });

  it("sizes targets against each step's interval, passing them through when sizing is off", () => {
    const d = data(3, 800);
    const rng = new SeededRng(9);
    const targets = Float64Array.from({ length: 800 }, () => 2 * rng.next() - 1);
    const off = runConformal(make(), d.lo, d.hi, d.y, { targets });
    expect(Array.from(off.sizedTargets!)).toEqual(Array.from(targets));

    const scaled = runConformal(make({ sizing: { mode: "scale", minScale: 0.1 } }), d.lo, d.hi, d.y, { targets });
    const p = make({ sizing: { mode: "scale", minScale: 0.1 } });
    for (let i = 0; i < 800; i++) {
      const iv = p.interval(d.lo[i]!, d.hi[i]!);
      expect(scaled.sizedTargets![i]).toBe(p.size(targets[i]!, iv).target);
      p.observe(d.lo[i]!, d.hi[i]!, d.y[i]!);
    }
    let shrunk = 0;
    for (let i = 0; i < 800; i++) {
      expect(Math.abs(scaled.sizedTargets![i]!)).toBeLessThanOrEqual(Math.abs(targets[i]!));
      if (Math.abs(scaled.sizedTargets![i]!) < Math.abs(targets[i]!)) shrunk++;
    }
    expect(shrunk).toBeGreaterThan(100);
  });

  it("rejects misaligned columns and bad horizons", () => {
    expect(() => runConformal(make(), [0], [1, 2], [0])).toThrow(RangeError);
    expect(() => runConformal(make(), [0], [1], [0], { horizon: 0 })).toThrow(RangeError);
    expect(() => runConformal(make(), [0], [1], [0], { targets: [1, 2] })).toThrow(RangeError);
  });
});

describe("forecast / realise queue", () => {
  it("matches the batch run at horizon 3 and survives a save and restore in the middle", () => {
    const d = data(5, 700);
    const batch = runConformal(make({ horizon: 3 }), d.lo, d.hi, d.y);
    let p = make({ horizon: 3 });
    for (let i = 0; i < 700; i++) {
      if (i >= 3) expect(p.realise(d.y[i - 3]!)).toBe(batch.covered[i - 3] === 1);
      const iv = p.forecast(d.lo[i]!, d.hi[i]!);
      expect(iv.lo).toBe(batch.lower[i]);
      expect(iv.hi).toBe(batch.upper[i]);
      if (i === 5 || i === 350) {
        // restart: the pending forecasts (with +Infinity q-hats during warm-up) come back from JSON
        p = ConformalPredictor.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
        expect(p.pendingCount).toBe(3);
      }
    }
  });

  it("refuses more pending forecasts than the horizon, and a realise with none pending", () => {
    const p = make({ horizon: 2 });
    p.forecast(-1, 1);
    p.forecast(-1, 1);
    expect(() => p.forecast(-1, 1)).toThrow(/horizon 2/);
    p.realise(0);
    p.realise(0);
    expect(() => p.realise(0)).toThrow(/without a pending forecast/);
  });
});
