import { describe, expect, it } from "vitest";
import { BrownianBridgeModel, createIntrabarModel } from "../../lib/sim/intrabar";
import { SeededRng } from "../../lib/sim/rng";

describe("intrabar price models", () => {
  const up = [100, 104, 99, 103] as const; // open, high, low, close
  const down = [100, 101, 96, 97] as const;

  it("open and close ignore the time in the bar", () => {
    expect(createIntrabarModel("open").priceAt(...up, 0.7)).toBe(100);
    expect(createIntrabarModel("close").priceAt(...up, 0.1)).toBe(103);
  });

  it("vwap is the typical price (high + low + close) / 3", () => {
    expect(createIntrabarModel("vwap").priceAt(...up, 0.5)).toBeCloseTo((104 + 99 + 103) / 3, 12);
  });

  it("the OHLC path visits the low first on an up bar and the high first on a down bar, at constant speed", () => {
    const m = createIntrabarModel("ohlc-path");
    // up: 100 -> 99 -> 104 -> 103, length 1 + 5 + 1 = 7
    expect(m.priceAt(...up, 0)).toBe(100);
    expect(m.priceAt(...up, 1 / 7)).toBeCloseTo(99, 12);
    expect(m.priceAt(...up, 3.5 / 7)).toBeCloseTo(101.5, 12);
    expect(m.priceAt(...up, 6 / 7)).toBeCloseTo(104, 12);
    expect(m.priceAt(...up, 1)).toBeCloseTo(103, 12);
    // down: 100 -> 101 -> 96 -> 97, length 1 + 5 + 1 = 7
    expect(m.priceAt(...down, 1 / 7)).toBeCloseTo(101, 12);
    expect(m.priceAt(...down, 4 / 7)).toBeCloseTo(98, 12);
    expect(m.priceAt(100, 100, 100, 100, 0.5)).toBe(100);
  });

  it("the Brownian bridge starts at the open, ends at the close and stays inside the bar", () => {
    const m = new BrownianBridgeModel(new SeededRng(5));
    expect(m.priceAt(...up, 0)).toBe(100);
    expect(m.priceAt(...up, 1)).toBeCloseTo(103, 12);
    for (let k = 1; k < 1000; k++) {
      const p = m.priceAt(...up, k / 1000);
      expect(p).toBeGreaterThanOrEqual(99);
      expect(p).toBeLessThanOrEqual(104);
    }
  });

  it("the Brownian bridge is reproducible from its seed and centred on the open-close line", () => {
    const a = new BrownianBridgeModel(new SeededRng(9));
    const b = new BrownianBridgeModel(new SeededRng(9));
    const xs = Array.from({ length: 4000 }, () => a.priceAt(100, 110, 90, 100, 0.5));
    expect(Array.from({ length: 4000 }, () => b.priceAt(100, 110, 90, 100, 0.5))).toEqual(xs);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 100)).toBeLessThan(0.5);
  });

  it("needs a seeded rng for the Brownian bridge", () => {
    expect(() => createIntrabarModel("brownian-bridge")).toThrow(/seeded rng/);
  });
});
