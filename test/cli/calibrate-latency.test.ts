import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibrateLatencyMain } from "../../lib/cli/calibrate-latency";
import type { CliIo } from "../../lib/cli/args";
import { loadConfigOfKind } from "../../lib/config/kinds";
import { loadSeasonality } from "../../lib/sim/loaders";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "calib-lat-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run calibrate:latency", () => {
  it("prints its help, which says why the recorded stream cannot give an absolute latency", async () => {
    const io = capture();
    expect(await calibrateLatencyMain(["--help"], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/not synced to the venue/);
  });

  it("analyses the embedded stream and bars, prints the fit, and writes the seasonality, a latency config and a report", async () => {
    const season = join(dir, "season.json");
    const yaml = join(dir, "latency.yaml");
    const report = join(dir, "latency.html");
    const io = capture();
    const code = await calibrateLatencyMain(["--journal", "", "--seasonality-out", season, "--out", yaml, "--report", report], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/venue-internal delay E - T\s+n 19904: p50 1\.00/);
    expect(text).toMatch(/recorder clock drift vs venue\s+-?\d/);
    expect(text).toMatch(/quietest hour \(highest multiplier\)\s+Sun 5:00 UTC: 2\.280/);
    expect(text).toMatch(/execution\.latency from the stream: baseMs: 5\d\.\d+, jitter: 0\.0\d+/);
    expect(Array.from(loadSeasonality(season))).toEqual(Array.from(loadSeasonality("data/latency/liquidity_latency_seasonality.json")));
    const cfg = loadConfigOfKind("latency", yaml);
    expect(cfg.execution.latency.seasonalityFile).toBe(season);
    expect(cfg.execution.latency.baseMs).toBeGreaterThan(40);
    expect(readFileSync(report, "utf8")).toContain("Liquidity/latency multiplier by hour of week (UTC)");
  });

  it("writes nothing in a dry run", async () => {
    const season = join(dir, "dry.json");
    const io = capture();
    expect(await calibrateLatencyMain(["--journal", "", "--stream-symbol", "", "--seasonality-out", season, "--dry-run"], io)).toBe(0);
    expect(existsSync(season)).toBe(false);
    expect(io.stdout.join("\n")).toContain("dry run: no file written");
  });

  it("names the file and line of a corrupt journal line, and writes no file", async () => {
    const j = join(dir, "journal");
    mkdirSync(j);
    writeFileSync(join(j, "2025-06-01.jsonl"), '{"kind":"order","clientOrderId":"a","status":"submitted","updatedTs":1}\nnot json\n{"kind":"fill","clientOrderId":"a","ts":5}\n');
    const season = join(dir, "bad.json");
    const io = capture();
    expect(await calibrateLatencyMain(["--journal", j, "--seasonality-out", season, "--out", join(dir, "bad.yaml")], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/2025-06-01\.jsonl line 2: not valid JSON/);
    expect(existsSync(season)).toBe(false);
    expect(existsSync(join(dir, "bad.yaml"))).toBe(false);
  });
});
