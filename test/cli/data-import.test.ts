import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCommand, type CliIo } from "../../lib/cli/args";
import { dataImportCommand, runImport } from "../../lib/cli/data-import";
import { fixture, listTree, tempDir } from "../infra/data/helpers";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

let t: { dir: string; cleanup: () => void };
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

const run = (argv: string[], io: CliIo) => runCommand(dataImportCommand, argv, runImport, io);

describe("npm run data:import", () => {
  it("imports a ZIP, reports rows and rate, and says nothing is new on a second run", async () => {
    const dataDir = join(t.dir, "data");
    const argv = [fixture("binance_spot_ETHUSDT-1m-2022-08-14_first30.zip"), "--venue", "binance", "--symbol", "ETHUSDT", "--timeframe", "1m", "--data-dir", dataDir];
    const first = capture();
    expect(await run(argv, first)).toBe(0);
    expect(first.stdout.join("\n")).toMatch(/imported 30 new bars \(2022-08-14 00:00 to 2022-08-14 00:29\) -> .*timeframe=1m\/import_20220814T0000_20220814T0029\.parquet/);
    expect(first.stdout[first.stdout.length - 1]).toMatch(/^data:import: 1 input, 30 rows in [\d.]+ s \([\d,]+ rows\/s\)$/);
    const second = capture();
    expect(await run(argv, second)).toBe(0);
    expect(second.stdout.join("\n")).toMatch(/nothing new: all 30 rows are already in/);
  });

  it("returns 1 with file and line on bad input and writes nothing", async () => {
    const dataDir = join(t.dir, "data");
    writeFileSync(join(t.dir, "bad.csv"), "1660435200000,1,2,0.5,1.5,10,1660435259999,1,1,1,1,0\n1660435260000,1,2,0.5,oops,10,1660435319999,1,1,1,1,0\n");
    const io = capture();
    expect(await run([join(t.dir, "bad.csv"), "--venue", "binance", "--symbol", "ETHUSDT", "--timeframe", "1m", "--data-dir", dataDir], io)).toBe(1);
    expect(io.stderr).toEqual([expect.stringMatching(/^data:import: .*bad\.csv line 2: column close: Could not convert string "oops" to 'DOUBLE'/), "nothing was written."]);
    expect(listTree(dataDir)).toEqual([]);
  });

  it("validates without writing on --dry-run", async () => {
    const dataDir = join(t.dir, "data");
    const io = capture();
    expect(await run([fixture("us_SPY_5m_first100.csv"), "--venue", "us", "--symbol", "SPY", "--timeframe", "5m", "--data-dir", dataDir, "--dry-run"], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/would import 100 new bars/);
    expect(listTree(dataDir)).toEqual([]);
  });

  it("treats a missing required flag as a usage error (exit 2)", async () => {
    const io = capture();
    expect(await run([fixture("us_SPY_5m_first100.csv"), "--venue", "us"], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/--symbol/);
  });

  it("asks for --timeframe when importing bars", async () => {
    const io = capture();
    expect(await run([fixture("polygon_v2_aggs_range_AAPL_1_day_2005-04-01_2005-04-04.json"), "--venue", "us", "--symbol", "AAPL", "--data-dir", join(t.dir, "d")], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/--timeframe is required when importing bars/);
  });
});
