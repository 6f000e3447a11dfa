import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPopulationCommand, type PopulationRequest } from "../../lib/app/build-pbt";
import { trainMain } from "../../lib/cli/train";
import { readManifest } from "../../lib/rl/checkpoint";
import type { HistoryRecord } from "../../lib/rl/pbt/protocol";

// A tiny population on a few days of the embedded BTCUSDT bars: 4 members, 3 ready intervals of one update each.
const CONFIG = `kind: train
imports:
  - ${resolve("configs/config_train.yaml")}
data:
  dir: ${resolve("data")}
  splits:
    train: { from: "2025-07-14", to: "2025-07-19" }
    validation: { from: "2025-07-19", to: "2025-07-20" }
    test: { from: "2025-07-20", to: "2025-07-21" }
env: { episodeLength: 128 }
ppo:
  policyHidden: [8]
  criticHidden: [8]
  nQuantiles: 4
  numEnvs: 2
  rolloutSteps: 128
  minibatchSize: 128
  epochs: 1
training: { totalSteps: 768, seed: 5 }
pbt: { population: 4, readyIntervalSteps: 256 }
search: { trials: 4, successiveHalving: { eta: 2, minSteps: 256 } }
`;

let dir = "";
const quiet = { write: () => {}, tty: false };
const history = (file: string): HistoryRecord[] => readFileSync(file, "utf8").trim().split("\n").map((l) => JSON.parse(l) as HistoryRecord);
/** Records without timings, worker counts and the output folder, to compare runs. */
const timeless = (rs: HistoryRecord[]): unknown[] =>
  rs.map((r) => {
    const t = r.type === "report" ? { ...r, elapsedMs: 0, stepsPerSec: 0 } : r.type === "end" ? { ...r, elapsedMs: 0 } : r.type === "start" ? { ...r, workers: 0 } : r;
    return JSON.parse(JSON.stringify(t).replace(/"[^"]*\/(cli|one|crash|search)(?=[/"])/g, '"<out>'));
  });
const run = (over: Partial<PopulationRequest>) => runPopulationCommand({ config: join(dir, "tiny.yaml"), mode: "pbt", live: quiet, ...over });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "tradelab-pbt-"));
  writeFileSync(join(dir, "tiny.yaml"), CONFIG);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("PBT on worker threads", () => {
  let viaCli: HistoryRecord[] = [];

  it("npm run train -- --pbt trains the population and writes the best checkpoint, the history and the report", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await trainMain(["--config", join(dir, "tiny.yaml"), "--pbt", "--population", "4", "--workers", "2", "--out", join(dir, "cli")], { out: (s) => out.push(s), err: (s) => err.push(s) });
    expect(code).toBe(0);
    expect(out.join("\n")).toMatch(/population-based training: 4 members, 3 rounds/);
    expect(out.join("\n")).toMatch(/(beats|does NOT beat) the population's initial median/);
    viaCli = history(join(dir, "cli", "pbt-history.jsonl"));
    expect(viaCli.filter((r) => r.type === "report")).toHaveLength(12);
    expect(viaCli.filter((r) => r.type === "exploit")).toHaveLength(2);
    const m = readManifest(join(dir, "cli"));
    expect(m.metrics).toHaveProperty("test");
    expect(m.metrics).toHaveProperty("pbt.member");
    expect(m.training.steps).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "cli", "pbt-report.html"), "utf8")).toContain("validation sharpe per member");
    expect(existsSync(join(dir, "cli", "members", "m0", "metrics.jsonl"))).toBe(true);
  });

  it("reproduces the same history with one worker as with two", async () => {
    const r = await run({ out: join(dir, "one"), workers: 1 });
    expect(r.workers).toBe(1);
    expect(timeless(history(r.history))).toEqual(timeless(viaCli));
  });

  it("restarts crashed trials from their last checkpoint and replaces a member that keeps failing", async () => {
    const r = await run({ out: join(dir, "crash"), workers: 2, workerFile: resolve("test/app/pbt-crash-worker.ts") });
    const rs = history(r.history);
    const crashes = rs.filter((x): x is Extract<HistoryRecord, { type: "crash" }> => x.type === "crash");
    expect(crashes.map((c) => [c.member, c.round, c.attempt])).toEqual([[1, 2, 0], [3, 2, 0], [3, 2, 1], [2, 3, 0]]);
    expect(crashes[0]!.error).toMatch(/worker died: exited with code 3/);
    const reportOf = (member: number, round: number) => rs.find((x): x is Extract<HistoryRecord, { type: "report" }> => x.type === "report" && x.member === member && x.round === round);
    expect(reportOf(1, 2)!.attempt).toBe(1);
    expect(reportOf(2, 3)!.attempt).toBe(1);
    expect(reportOf(3, 2)).toBeUndefined();
    expect(rs.filter((x) => x.type === "failed").map((x) => (x as { member: number }).member)).toEqual([3]);
    // the failed member is the one replaced after round 2, and the run finishes with all four members
    expect(rs.filter((x) => x.type === "exploit" && x.round === 2).map((x) => (x as { member: number }).member)).toEqual([3]);
    expect(rs.filter((x) => x.type === "report" && x.round === 3)).toHaveLength(4);
    // members that did not crash are untouched: same reports as the clean run in round 1
    const clean = viaCli.filter((x) => x.type === "report" && x.round === 1);
    expect(timeless(rs.filter((x) => x.type === "report" && x.round === 1))).toEqual(timeless(clean));
    expect(r.result.best).not.toBeNull();
  });

  it("search with successive halving runs on the same protocol", async () => {
    const r = await runPopulationCommand({ config: join(dir, "tiny.yaml"), mode: "search", out: join(dir, "search"), workers: 2, live: quiet });
    const rs = history(r.history);
    expect(rs.filter((x) => x.type === "report").map((x) => (x as { round: number }).round)).toEqual([1, 1, 1, 1, 2, 2, 3]);
    expect(readManifest(r.outDir).metrics).toHaveProperty("search.member");
  });
});
