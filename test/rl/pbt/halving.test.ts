import { describe, expect, it } from "vitest";
import { fullBudgetRung, halvingRungs, promote } from "../../../lib/rl/pbt/halving";

describe("successive halving", () => {
  it("keeps 1/eta of the trials and multiplies the budget by eta until the full budget", () => {
    expect(halvingRungs({ trials: 27, eta: 3, minSteps: 1000, totalSteps: 9000, quantum: 100 })).toEqual([
      { round: 1, trials: 27, steps: 1000 },
      { round: 2, trials: 9, steps: 3000 },
      { round: 3, trials: 3, steps: 9000 },
    ]);
  });

  it("trains the last survivor to the full budget", () => {
    expect(halvingRungs({ trials: 8, eta: 3, minSteps: 20_000, totalSteps: 500_000, quantum: 1000 })).toEqual([
      { round: 1, trials: 8, steps: 20_000 },
      { round: 2, trials: 2, steps: 60_000 },
      { round: 3, trials: 1, steps: 500_000 },
    ]);
  });

  it("rounds budgets up to whole updates and keeps them increasing", () => {
    const rungs = halvingRungs({ trials: 9, eta: 3, minSteps: 100, totalSteps: 5000, quantum: 1024 });
    expect(rungs.map((r) => r.steps)).toEqual([1024, 2048, 5120]);
    expect(rungs.map((r) => r.trials)).toEqual([9, 3, 1]);
    expect(fullBudgetRung(5, 5000, 1024)).toEqual([{ round: 1, trials: 5, steps: 5120 }]);
  });

  it("promotes the best and never a trial without a metric", () => {
    const r = promote([
      { member: 0, metric: 0.1 },
      { member: 1, metric: null },
      { member: 2, metric: 0.9 },
      { member: 3, metric: 0.4 },
    ], 2);
    expect(r.promoted).toEqual([2, 3]);
    expect(r.stopped).toEqual([0, 1]);
    expect(r.ranking).toEqual([2, 3, 0, 1]);
    expect(promote([{ member: 0, metric: null }, { member: 1, metric: 0.2 }], 2).promoted).toEqual([1]);
  });
});
