import { describe, expect, it } from "vitest";
import { pbtSchema } from "../../../lib/config/schemas/pbt";
import type { HistoryRecord } from "../../../lib/rl/pbt/protocol";
import { pbtRoundSteps, runPbt } from "../../../lib/services/pbt/pbt-run";
import { baseOptions, FakeExecutor, MemoryStore, timeless, type FakeFault } from "./fake-trials";

const pbt = pbtSchema.parse({
  population: 8,
  readyIntervalSteps: 1000,
  truncationFraction: 0.25,
  space: {
    "ppo.learningRate.lr": { min: 1e-5, max: 1e-2 },
    "ppo.clip.start": { min: 0.1, max: 0.3, scale: "linear" },
  },
});

async function run(o: { parallelism?: number; delaySeed?: number; faults?: FakeFault[]; population?: number; seed?: number } = {}) {
  const store = new MemoryStore();
  const executor = new FakeExecutor(store, o.parallelism ?? 3, o.delaySeed ?? 1, o.faults);
  const records: HistoryRecord[] = [];
  const result = await runPbt({ ...baseOptions(executor, store, records, { seed: o.seed ?? 42 }), pbt: { ...pbt, population: o.population ?? pbt.population }, workers: executor.parallelism });
  return { store, executor, records, result };
}

const ofType = <T extends HistoryRecord["type"]>(records: HistoryRecord[], t: T) => records.filter((r): r is Extract<HistoryRecord, { type: T }> => r.type === t);

describe("population-based training", () => {
  it("splits the budget into ready intervals of whole updates", () => {
    expect(pbtRoundSteps(8000, 1000, 500)).toEqual([1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
    expect(pbtRoundSteps(2600, 1100, 500)).toEqual([1500, 3000]);
    expect(pbtRoundSteps(100, 1000, 500)).toEqual([500]);
  });

  it("the bottom quarter copies a top-quarter member's checkpoint and hyperparameters, then explores", async () => {
    const { records, executor } = await run();
    const ranks = ofType(records, "rank");
    const exploits = ofType(records, "exploit");
    expect(ranks).toHaveLength(8);
    expect(exploits).toHaveLength(7 * 2);
    for (const e of exploits) {
      const rank = ranks.find((r) => r.round === e.round)!;
      expect(rank.ranking.slice(0, 2)).toContain(e.donor);
      expect(rank.ranking.slice(6)).toContain(e.member);
      const donorReport = ofType(records, "report").find((r) => r.round === e.round && r.member === e.donor)!;
      expect(e.from).toBe(donorReport.checkpoint);
      expect(e.newHyperparameters).toEqual(donorReport.hyperparameters);
      const explore = ofType(records, "explore").find((x) => x.round === e.round && x.member === e.member)!;
      for (const c of explore.changes) {
        expect(c.from).toBe(e.newHyperparameters[c.key]);
        expect(explore.hyperparameters[c.key]).toBe(c.to);
      }
      // the next trial of the member resumes from the copy, with the explored values
      const next = executor.specs.find((s) => s.member === e.member && s.round === e.round + 1)!;
      expect(next.resumeFrom).toBe(e.to);
      expect(next.hyperparameters).toEqual(explore.hyperparameters);
    }
  });

  it("keeps every hyperparameter inside its bounds", async () => {
    const { executor } = await run();
    for (const s of executor.specs) {
      expect(s.hyperparameters["ppo.learningRate.lr"]).toBeGreaterThanOrEqual(1e-5);
      expect(s.hyperparameters["ppo.learningRate.lr"]).toBeLessThanOrEqual(1e-2);
      expect(s.hyperparameters["ppo.clip.start"]).toBeGreaterThanOrEqual(0.1);
      expect(s.hyperparameters["ppo.clip.start"]).toBeLessThanOrEqual(0.3);
    }
  });

  it("is reproducible from the seed whatever the worker count and completion order", async () => {
    const a = await run({ parallelism: 3, delaySeed: 1 });
    const b = await run({ parallelism: 1, delaySeed: 2 });
    const c = await run({ parallelism: 8, delaySeed: 3 });
    expect(timeless(b.records)).toEqual(timeless(a.records));
    expect(timeless(c.records)).toEqual(timeless(a.records));
    expect(a.executor.maxRunning).toBe(3);
    const d = await run({ seed: 43 });
    expect(timeless(d.records)).not.toEqual(timeless(a.records));
  });

  it("ends with a best member above the initial median on a problem where hyperparameters matter", async () => {
    const { result, store, records } = await run();
    expect(result.initialMedian).not.toBeNull();
    expect(result.best!.metric).toBeGreaterThan(result.initialMedian!);
    expect(store.published!.skill).toBe(result.best!.metric);
    expect(records[records.length - 1]!.type).toBe("end");
    // checkpoints nobody resumes from are removed: one per member is left
    expect(store.files.size).toBe(8);
  });

  it("restarts a crashed trial from the member's last checkpoint; the others keep their progress", async () => {
    const clean = await run();
    const { records, executor, result } = await run({ faults: [{ member: 3, round: 2 }] });
    expect(ofType(records, "crash")).toEqual([{ type: "crash", round: 2, member: 3, attempt: 0, error: "injected crash of m3 in round 2" }]);
    const restart = ofType(records, "restart");
    expect(restart).toHaveLength(1);
    const tries = executor.specs.filter((s) => s.member === 3 && s.round === 2);
    expect(tries.map((s) => s.attempt)).toEqual([0, 1]);
    expect(tries[1]!.resumeFrom).toBe(tries[0]!.resumeFrom);
    expect(restart[0]!.from).toBe(tries[0]!.resumeFrom);
    // a restart reproduces the trial, so nothing else changes
    expect(timeless(records.filter((r) => r.type !== "crash" && r.type !== "restart")).map((r) => JSON.stringify(r).replace(/-a1"/g, '"').replace(/"attempt":1/g, '"attempt":0'))).toEqual(timeless(clean.records).map((r) => JSON.stringify(r)));
    expect(result.best!.metric).toBe(clean.result.best!.metric);
  });

  it("marks a member that keeps crashing as failed for the round, ranks it last and replaces it by exploit", async () => {
    const { records, executor } = await run({ faults: [{ member: 5, round: 3, attempts: [0, 1] }] });
    expect(ofType(records, "failed")).toEqual([{ type: "failed", round: 3, member: 5, error: "injected crash of m5 in round 3" }]);
    const rank = ofType(records, "rank").find((r) => r.round === 3)!;
    expect(rank.ranking[rank.ranking.length - 1]).toBe(5);
    expect(rank.metrics[rank.metrics.length - 1]).toBeNull();
    const exploit = ofType(records, "exploit").find((e) => e.round === 3 && e.member === 5)!;
    expect(rank.ranking.slice(0, 2)).toContain(exploit.donor);
    // the run goes on to the end with all eight members
    expect(executor.specs.filter((s) => s.round === 8)).toHaveLength(8);
  });

  it("a member that fails but is not replaced retries from its last checkpoint next round", async () => {
    const faults = [0, 1, 2].map((member) => ({ member, round: 2, attempts: [0, 1] }));
    const { records, executor } = await run({ faults });
    expect(ofType(records, "failed").map((f) => f.member)).toEqual([0, 1, 2]);
    const replaced = new Set(ofType(records, "exploit").filter((e) => e.round === 2).map((e) => e.member));
    expect(replaced.size).toBe(2);
    const kept = [0, 1, 2].find((m) => !replaced.has(m))!;
    const r1 = ofType(records, "report").find((r) => r.member === kept && r.round === 1)!;
    const next = executor.specs.find((s) => s.member === kept && s.round === 3)!;
    expect(next.resumeFrom).toBe(r1.checkpoint);
  });

  it("the live view shows queued trials apart from the ones running on a worker", async () => {
    const store = new MemoryStore();
    const executor = new FakeExecutor(store, 2, 1);
    let maxRunning = 0;
    let sawQueued = false;
    const status = (ms: readonly { status: string }[]): void => {
      maxRunning = Math.max(maxRunning, ms.filter((m) => m.status === "running").length);
      sawQueued ||= ms.some((m) => m.status === "queued");
    };
    const o = baseOptions(executor, store, []);
    await runPbt({ ...o, hooks: { ...o.hooks, status }, pbt, workers: 2 });
    expect(maxRunning).toBe(2);
    expect(sawQueued).toBe(true);
  });

  it("stops with a clear error when every trial of a round fails", async () => {
    const faults = Array.from({ length: 4 }, (_, member) => ({ member, round: 1, attempts: [0, 1] }));
    await expect(run({ population: 4, faults })).rejects.toMatchObject({ code: "TRIAL_FAILED", message: expect.stringMatching(/round 1: every trial failed/) });
  });
});
