import { describe, expect, it } from "vitest";
import { hyperparameterRangeSchema } from "../../../lib/config/schemas/pbt";
import { decideExploitExplore, explore, median, rankMembers, truncationSelection } from "../../../lib/rl/pbt/scheduler";
import { SeededRng } from "../../../lib/sim/rng";

const range = (r: object) => hyperparameterRangeSchema.parse(r);
const space = { "ppo.learningRate.lr": range({ min: 1e-5, max: 1e-3 }), "ppo.clip.start": range({ min: 0.1, max: 0.3, scale: "linear" }) };
const scores = (ms: (number | null)[]) => ms.map((metric, member) => ({ member, metric }));

describe("PBT decisions", () => {
  it("ranks by metric, failed members last, ties by member id", () => {
    expect(rankMembers(scores([0.5, null, 2, 0.5, Number.NaN, -1]))).toEqual([2, 0, 3, 5, 1, 4]);
  });

  it("truncation selection: the bottom fraction copies members of the top fraction", () => {
    const s = scores([0.1, 0.9, 0.5, 0.7, 0.2, 0.3, 0.8, 0.0]);
    for (let seed = 0; seed < 20; seed++) {
      const pairs = truncationSelection(s, 0.25, new SeededRng(seed));
      expect(pairs.map((p) => p.member)).toEqual([0, 7]);
      for (const p of pairs) expect([1, 6]).toContain(p.donor);
    }
    // with enough draws both top members are chosen as donors
    const donors = new Set(Array.from({ length: 40 }, (_, i) => truncationSelection(s, 0.25, new SeededRng(i))[0]!.donor));
    expect(donors).toEqual(new Set([1, 6]));
  });

  it("selects floor(n * fraction) members and nothing when that is zero", () => {
    expect(truncationSelection(scores([1, 2, 3, 4]), 0.25, new SeededRng(1))).toEqual([{ member: 0, donor: 3 }]);
    expect(truncationSelection(scores([1, 2, 3]), 0.25, new SeededRng(1))).toEqual([]);
    expect(truncationSelection(scores([1, 2, 3, 4, 5, 6]), 0.5, new SeededRng(1)).map((p) => p.member)).toEqual([0, 1, 2]);
  });

  it("replaces a failed member first and never copies one", () => {
    const pairs = truncationSelection(scores([0.3, null, 0.9, 0.1]), 0.25, new SeededRng(5));
    expect(pairs).toEqual([{ member: 1, donor: 2 }]);
    // all but one failed: the survivor is the only donor
    expect(truncationSelection(scores([null, 0.2, null, null]), 0.5, new SeededRng(5))).toEqual([
      { member: 2, donor: 1 },
      { member: 3, donor: 1 },
    ]);
    expect(truncationSelection(scores([null, null, null, null]), 0.5, new SeededRng(5))).toEqual([]);
  });

  it("explore perturbs by one of the factors or resamples, always inside the bounds", () => {
    const hp = { "ppo.learningRate.lr": 1e-4, "ppo.clip.start": 0.2 };
    const rng = new SeededRng(9);
    let perturbed = 0;
    let resampled = 0;
    for (let i = 0; i < 400; i++) {
      const { hyperparameters, changes } = explore(hp, space, { perturbFactors: [0.8, 1.2], resampleProbability: 0.25 }, rng);
      expect(changes.map((c) => c.key)).toEqual(Object.keys(space));
      for (const c of changes) {
        expect(hyperparameters[c.key]).toBe(c.to);
        expect(c.from).toBe(hp[c.key as keyof typeof hp]);
        if (c.op === "perturb") {
          perturbed++;
          expect([0.8, 1.2]).toContain(c.factor);
          expect(c.to).toBeCloseTo(c.from * c.factor, 12);
        } else resampled++;
      }
      expect(hyperparameters["ppo.learningRate.lr"]).toBeGreaterThanOrEqual(1e-5);
      expect(hyperparameters["ppo.learningRate.lr"]).toBeLessThanOrEqual(1e-3);
      expect(hyperparameters["ppo.clip.start"]).toBeGreaterThanOrEqual(0.1);
      expect(hyperparameters["ppo.clip.start"]).toBeLessThanOrEqual(0.3);
    }
    expect(resampled / (perturbed + resampled)).toBeGreaterThan(0.2);
    expect(resampled / (perturbed + resampled)).toBeLessThan(0.3);
  });

  it("explore clamps a perturbation that would leave the range", () => {
    const { hyperparameters, changes } = explore({ "ppo.learningRate.lr": 1e-3, "ppo.clip.start": 0.1 }, space, { perturbFactors: [1.2], resampleProbability: 0 }, new SeededRng(1));
    expect(hyperparameters["ppo.learningRate.lr"]).toBe(1e-3);
    expect(hyperparameters["ppo.clip.start"]).toBeCloseTo(0.12, 12);
    expect(changes.every((c) => c.op === "perturb")).toBe(true);
    const down = explore({ "ppo.learningRate.lr": 1e-5, "ppo.clip.start": 0.1 }, space, { perturbFactors: [0.8], resampleProbability: 0 }, new SeededRng(1));
    expect(down.hyperparameters).toEqual({ "ppo.learningRate.lr": 1e-5, "ppo.clip.start": 0.1 });
  });

  it("a decision copies the donor's hyperparameters and explores from them; equal inputs give equal decisions", () => {
    const hps = new Map([
      [0, { "ppo.learningRate.lr": 1e-5, "ppo.clip.start": 0.1 }],
      [1, { "ppo.learningRate.lr": 2e-4, "ppo.clip.start": 0.2 }],
      [2, { "ppo.learningRate.lr": 5e-4, "ppo.clip.start": 0.25 }],
      [3, { "ppo.learningRate.lr": 1e-4, "ppo.clip.start": 0.15 }],
    ]);
    const o = { truncationFraction: 0.25, perturbFactors: [0.8, 1.2], resampleProbability: 0, space };
    const d = decideExploitExplore(scores([-3, 1, 2, 0.5]), hps, o, new SeededRng(4));
    expect(d).toHaveLength(1);
    expect(d[0]!.member).toBe(0);
    expect(d[0]!.donor).toBe(2);
    expect(d[0]!.oldHyperparameters).toEqual(hps.get(0));
    expect(d[0]!.copiedHyperparameters).toEqual(hps.get(2));
    for (const c of d[0]!.changes) expect(c.from).toBe(hps.get(2)![c.key as "ppo.clip.start"]);
    expect(decideExploitExplore(scores([-3, 1, 2, 0.5]), hps, o, new SeededRng(4))).toEqual(d);
  });

  it("median ignores failed members", () => {
    expect(median([3, 1, null, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([null, Number.NaN])).toBeNull();
  });
});
