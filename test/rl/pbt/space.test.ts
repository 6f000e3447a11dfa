import { describe, expect, it } from "vitest";
import { hyperparameterRangeSchema } from "../../../lib/config/schemas/pbt";
import { clampToRange, gridHyperparameters, gridValues, hyperparametersOf, perturbValue, sampleHyperparameters, sampleValue, withHyperparameters } from "../../../lib/rl/pbt/space";
import { SeededRng } from "../../../lib/sim/rng";

const range = (r: object) => hyperparameterRangeSchema.parse(r);

describe("hyperparameter space", () => {
  it("perturbs by the factor and keeps the value inside its bounds", () => {
    const lr = range({ min: 1e-5, max: 1e-3 });
    expect(perturbValue(lr, 3e-4, 1.2)).toBeCloseTo(3.6e-4, 12);
    expect(perturbValue(lr, 3e-4, 0.8)).toBeCloseTo(2.4e-4, 12);
    expect(perturbValue(lr, 9e-4, 1.2)).toBe(1e-3);
    expect(perturbValue(lr, 1.1e-5, 0.8)).toBe(1e-5);
  });

  it("moves an integer hyperparameter at least one step in the factor's direction", () => {
    const epochs = range({ min: 1, max: 20, scale: "linear", integer: true });
    expect(perturbValue(epochs, 2, 1.2)).toBe(3);
    expect(perturbValue(epochs, 2, 0.8)).toBe(1);
    expect(perturbValue(epochs, 10, 1.2)).toBe(12);
    expect(perturbValue(epochs, 1, 0.8)).toBe(1);
    expect(perturbValue(epochs, 20, 1.2)).toBe(20);
  });

  it("steps to the neighbouring candidate for value lists", () => {
    const mb = range({ values: [512, 128, 256] });
    expect(perturbValue(mb, 256, 1.2)).toBe(512);
    expect(perturbValue(mb, 256, 0.8)).toBe(128);
    expect(perturbValue(mb, 128, 0.8)).toBe(128);
    expect(clampToRange(mb, 300)).toBe(256);
  });

  it("samples inside the range, uniformly in log space for log scale", () => {
    const lr = range({ min: 1e-5, max: 1e-1 });
    const rng = new SeededRng(3);
    const xs = Array.from({ length: 4000 }, () => sampleValue(lr, rng));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(1e-5);
    expect(Math.max(...xs)).toBeLessThanOrEqual(1e-1);
    // each decade gets about a quarter of the draws
    const decade = (lo: number) => xs.filter((x) => x >= lo && x < lo * 10).length / xs.length;
    for (const lo of [1e-5, 1e-4, 1e-3, 1e-2]) expect(decade(lo)).toBeGreaterThan(0.2);
    const lin = range({ min: 0.1, max: 0.3, scale: "linear" });
    const ys = Array.from({ length: 4000 }, () => sampleValue(lin, rng));
    expect(ys.filter((y) => y < 0.2).length / ys.length).toBeCloseTo(0.5, 1);
  });

  it("draws the same hyperparameters from the same seed", () => {
    const space = { "ppo.learningRate.lr": range({ min: 1e-5, max: 1e-3 }), "ppo.epochs": range({ min: 2, max: 12, scale: "linear", integer: true }) };
    const a = sampleHyperparameters(space, new SeededRng(11));
    const b = sampleHyperparameters(space, new SeededRng(11));
    expect(a).toEqual(b);
    expect(Number.isInteger(a["ppo.epochs"])).toBe(true);
    expect(sampleHyperparameters(space, new SeededRng(12))).not.toEqual(a);
  });

  it("builds grids with exact end points, log-spaced for log scale", () => {
    expect(gridValues(range({ min: 1e-4, max: 1e-2 }), 3)).toEqual([1e-4, expect.closeTo(1e-3, 12), 1e-2]);
    expect(gridValues(range({ min: 0.1, max: 0.3, scale: "linear" }), 3)).toEqual([0.1, expect.closeTo(0.2, 12), 0.3]);
    expect(gridValues(range({ min: 1, max: 3, scale: "linear", integer: true }), 5)).toEqual([1, 2, 3]);
    const combos = gridHyperparameters({ a: range({ values: [1, 2] }), b: range({ values: [10, 20, 30] }) }, 3, 100);
    expect(combos).toEqual([
      { a: 1, b: 10 }, { a: 1, b: 20 }, { a: 1, b: 30 },
      { a: 2, b: 10 }, { a: 2, b: 20 }, { a: 2, b: 30 },
    ]);
    expect(() => gridHyperparameters({ a: range({ values: [1, 2] }), b: range({ values: [10, 20, 30] }) }, 3, 5)).toThrow(/6 combinations.*limit of 5/);
  });

  it("applies values at key paths to a copy and refuses paths that are not numbers", () => {
    const cfg = Object.freeze({ ppo: Object.freeze({ learningRate: Object.freeze({ lr: 3e-4, schedule: "linear" }), entropyCoef: 0 }) });
    const out = withHyperparameters(cfg, { "ppo.learningRate.lr": 1e-4, "ppo.entropyCoef": 0.01 });
    expect(out.ppo.learningRate.lr).toBe(1e-4);
    expect(out.ppo.entropyCoef).toBe(0.01);
    expect(cfg.ppo.learningRate.lr).toBe(3e-4);
    expect(hyperparametersOf(out, ["ppo.learningRate.lr"])).toEqual({ "ppo.learningRate.lr": 1e-4 });
    expect(() => withHyperparameters(cfg, { "ppo.learningRate.schedule": 1 })).toThrow(/"ppo.learningRate.schedule" does not name a numeric setting/);
    expect(() => withHyperparameters(cfg, { "ppo.missing.lr": 1 })).toThrow(/ppo.missing.lr/);
    expect(() => withHyperparameters(cfg, { "ppo.entropyCoef": Number.NaN })).toThrow(/finite/);
  });
});
