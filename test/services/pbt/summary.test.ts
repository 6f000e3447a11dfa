import { describe, expect, it } from "vitest";
import { newMember, type PopulationResult } from "../../../lib/services/pbt/population";
import { populationSummary, verdict } from "../../../lib/services/pbt/summary";

const result = (over: Partial<PopulationResult>): PopulationResult => ({
  mode: "pbt",
  rounds: 8,
  best: { member: 1, round: 1, metric: -25.5, hyperparameters: { "ppo.learningRate.lr": 1.5e-5 }, checkpoint: "out" },
  initialMedian: -195.2,
  initialTop: -25.5,
  finalMedian: -88.1,
  finalTop: -85.7,
  members: [0, 1].map((m) => newMember(m, m, { "ppo.learningRate.lr": 1e-5 })),
  elapsedMs: 90_000,
  ...over,
});

describe("population summary", () => {
  it("says when the best comes from the first round rather than from training on", () => {
    const lines = verdict(result({}), "sharpe");
    expect(lines[0]).toBe("best validation sharpe -25.5 (m1, round 1) beats the population's initial median -195.2 (after round 1)");
    expect(lines[1]).toMatch(/reached in round 1 and no later round improved on it/);
    expect(lines[2]).toBe("round 1: top -25.5, median -195.2; last round: top -85.7 (above the initial median), median -88.1");
  });

  it("says plainly when the best does not beat the initial median", () => {
    const lines = verdict(result({ best: { member: 0, round: 3, metric: -200, hyperparameters: {}, checkpoint: "out" }, finalTop: -300 }), "sharpe");
    expect(lines[0]).toMatch(/does NOT beat the population's initial median/);
    expect(lines[1]).toMatch(/last round: top -300 \(NOT above the initial median\)/);
    expect(verdict(result({ best: null }), "sharpe")).toEqual(["no member reported a finite validation sharpe"]);
  });

  it("prints the run, the verdict and where the files are", () => {
    const lines = populationSummary(result({}), "sharpe", null, { outDir: "out", history: "out/pbt-history.jsonl", report: "out/pbt-report.html" });
    expect(lines[1]).toBe("population-based training: 2 members, 8 rounds, 1m30s; 0 restart(s)");
    expect(lines).toContain("best hyperparameters: learningRate.lr=1.50e-5");
    expect(lines[lines.length - 1]).toBe("checkpoint: out; history: out/pbt-history.jsonl; report: out/pbt-report.html");
  });
});
