import { describe, expect, it } from "vitest";
import { searchSchema } from "../../../lib/config/schemas/pbt";
import type { HistoryRecord } from "../../../lib/rl/pbt/protocol";
import { populationReport } from "../../../lib/services/pbt/report";
import { runSearch, searchTrials } from "../../../lib/services/pbt/search-run";
import { memberTable } from "../../../lib/services/pbt/table";
import { SeededRng } from "../../../lib/sim/rng";
import { baseOptions, FakeExecutor, MemoryStore, timeless } from "./fake-trials";

const space = { "ppo.learningRate.lr": { min: 1e-5, max: 1e-2 }, "ppo.gaeLambda": { min: 0.9, max: 0.99, scale: "linear" } };

async function search(cfg: object, delaySeed = 1) {
  const store = new MemoryStore();
  const executor = new FakeExecutor(store, 2, delaySeed);
  const records: HistoryRecord[] = [];
  const result = await runSearch({ ...baseOptions(executor, store, records, { totalSteps: 9000, quantum: 500 }), search: searchSchema.parse({ space, ...cfg }), workers: 2 });
  return { store, executor, records, result };
}

describe("hyperparameter search", () => {
  it("successive halving keeps the best third at each rung and stops the rest", async () => {
    const { executor, records, result, store } = await search({ trials: 9, successiveHalving: { eta: 3, minSteps: 1000 } });
    const rungs = [1, 2, 3].map((round) => executor.specs.filter((s) => s.round === round));
    expect(rungs.map((r) => r.length)).toEqual([9, 3, 1]);
    expect(rungs.map((r) => r[0]!.untilSteps)).toEqual([1000, 3000, 9000]);
    const rank1 = records.find((r): r is Extract<HistoryRecord, { type: "rank" }> => r.type === "rank" && r.round === 1)!;
    expect(rungs[1]!.map((s) => s.member).sort()).toEqual(rank1.ranking.slice(0, 3).sort());
    // promoted trials continue from their own checkpoint with the full-budget schedules
    for (const s of rungs[1]!) {
      expect(s.resumeFrom).toBe(`members/m${s.member}/r1`);
      expect(s.totalSteps).toBe(9000);
    }
    expect(records.filter((r) => r.type === "stop")).toHaveLength(6 + 2);
    expect(result.best!.member).toBe(rungs[2]![0]!.member);
    expect(store.published!.steps).toBe(9000);
    expect(store.files.size).toBe(1);
  });

  it("without halving every trial trains the full budget once", async () => {
    const { executor, result } = await search({ trials: 4, successiveHalving: { enabled: false } });
    expect(executor.specs.map((s) => [s.round, s.untilSteps])).toEqual(Array(4).fill([1, 9000]));
    expect(result.rounds).toBe(1);
  });

  it("grid search runs every combination", async () => {
    const { executor } = await search({ method: "grid", gridPoints: 2, successiveHalving: { enabled: false } });
    const combos = executor.specs.map((s) => [s.hyperparameters["ppo.learningRate.lr"], s.hyperparameters["ppo.gaeLambda"]]);
    expect(combos).toEqual([[1e-5, 0.9], [1e-5, 0.99], [1e-2, 0.9], [1e-2, 0.99]]);
  });

  it("random trials are drawn from the run seed and the search is reproducible", async () => {
    const cfg = searchSchema.parse({ space, trials: 5 });
    expect(searchTrials(cfg, 1, (s) => new SeededRng(s))).toEqual(searchTrials(cfg, 1, (s) => new SeededRng(s)));
    expect(searchTrials(cfg, 1, (s) => new SeededRng(s))).not.toEqual(searchTrials(cfg, 2, (s) => new SeededRng(s)));
    const a = await search({ trials: 9, successiveHalving: { eta: 3, minSteps: 1000 } }, 1);
    const b = await search({ trials: 9, successiveHalving: { eta: 3, minSteps: 1000 } }, 7);
    expect(timeless(b.records)).toEqual(timeless(a.records));
  });

  it("the report plots the metric per trial over steps and lists the decisions", async () => {
    const { records, result } = await search({ trials: 9, successiveHalving: { eta: 3, minSteps: 1000 } });
    const rep = populationReport(records);
    expect(rep.metric.data).toHaveLength(9);
    expect(rep.metric.data[0]!.x).toEqual([1000, 3000, 9000]);
    expect(rep.hyperparameters).toHaveLength(2);
    expect((rep.hyperparameters[0]!.layout.yaxis as { type?: string }).type).toBe("log");
    expect((rep.hyperparameters[1]!.layout.yaxis as { type?: string }).type).toBeUndefined();
    expect(rep.metric.data[0]!.mode).toBe("lines+markers");
    expect(rep.decisions.rows.filter((r) => r[2] === "promote")).toHaveLength(3 + 1);
    const table = memberTable(result.members, Object.keys(space), { mode: "search", round: 3, rounds: 3, metric: "sharpe", elapsedMs: 65_000, best: result.best });
    expect(table[0]).toMatch(/^search rung 3\/3 \| best sharpe .* \| 1m05s$/);
    expect(table[1]).toMatch(/^member\s+status\s+steps\s+steps\/s\s+sharpe\s+best\s+learningRate.lr\s+gaeLambda\s+note$/);
    expect(table).toHaveLength(2 + 9);
    expect(table.filter((l) => l.includes("stopped at rung 1"))).toHaveLength(6);
  });
});
