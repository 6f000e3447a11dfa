import { describe, expect, it } from "vitest";
import { evaluateMain } from "../../lib/cli/evaluate";

describe("npm run evaluate", () => {
  it("prints validation and test runs with coverage, sizing on next to off", async () => {
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    expect(await evaluateMain(["--model", "checkpoints/demo", "--json"], io)).toBe(0);
    const j = JSON.parse(out.join("\n")) as { nominal: number; runs: { run: string; coverage: number }[] };
    expect(j.runs.map((r) => r.run)).toEqual(["validation (calibration)", "test, sizing off", "test, sizing on"]);
    expect(Math.abs(j.runs[1]!.coverage - j.nominal)).toBeLessThan(0.02);
  }, 120_000);

  it("refuses a folder that is not a checkpoint", async () => {
    const err: string[] = [];
    expect(await evaluateMain(["--model", "data"], { out: () => {}, err: (s) => err.push(s) })).toBe(1);
    expect(err.join("")).toMatch(/CHECKPOINT_INVALID/);
  });
});
