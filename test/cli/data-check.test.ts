import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CliIo } from "../../lib/cli/args";
import { runDataCheck } from "../../lib/cli/data-check";
import { openDuck, sqlStr } from "../../lib/infra/data/duck";
import { importFiles } from "../../lib/infra/data/import/importer";
import { barsPartitionDir } from "../../lib/infra/data/layout";
import { fixture, tempDir } from "../infra/data/helpers";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

const flags = { zeroVolumeRun: 5, outlierSigmas: 20, strict: false, json: false };

let t: { dir: string; cleanup: () => void };
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe("npm run data:check", () => {
  it("prints a table per series and exits 0 on the real BTCUSDT data", async () => {
    const io = capture();
    expect(await runDataCheck({ ...flags, dataDir: "data", symbol: "BTCUSDT", venue: "binance" }, io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/^binance\/BTCUSDT\/1m {2}130,708 rows {2}2025-05-20 00:00 -> 2025-08-18 18:27/);
    expect(text).toMatch(/ok {5}gaps \(24\/7 grid\)/);
    expect(text).toMatch(/data:check: 1 series, 0 with errors/);
  });

  it("exits 1 when a series has duplicate timestamps or broken OHLC, and names the first", async () => {
    const dataDir = join(t.dir, "data");
    await importFiles({ files: [fixture("us_SPY_5m_first100.csv")], venue: "us", symbol: "SPY", timeframe: "5m", dataDir });
    // a second file repeating one bar with a high below its close: what a careless copy into data/ would do
    const d = await openDuck();
    try {
      const file = join(barsPartitionDir(dataDir, "us", "SPY", "5m"), "extra.parquet");
      await d.con.run(`COPY (SELECT epoch_ms(1747056600000) AS ts, 581.49 AS open, 500.0 AS high, 579.22 AS low, 579.23 AS close, 100.0 AS volume) TO ${sqlStr(file)} (FORMAT parquet)`);
    } finally {
      d.close();
    }
    const io = capture();
    expect(await runDataCheck({ ...flags, dataDir }, io)).toBe(1);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/ERROR {2}duplicate timestamps +1 {2}first 2025-05-12 13:30/);
    expect(text).toMatch(/ERROR {2}OHLC inconsistencies +1 {2}first 2025-05-12 13:30: high < max\(open, close\)/);
    expect(text).toMatch(/data:check: 1 series, 1 with errors/);
  });

  it("turns warnings into failures with --strict and prints JSON on request", async () => {
    const dataDir = join(t.dir, "data");
    const lines = ["ts,open,high,low,close,volume"];
    for (let i = 0; i < 40; i++) if (i !== 20) lines.push(`${1747699200000 + i * 60000},100,101,99,100.5,${i >= 30 ? 0 : 5}`);
    writeFileSync(join(t.dir, "g.csv"), lines.join("\n") + "\n");
    await importFiles({ files: [join(t.dir, "g.csv")], venue: "binance", symbol: "GAP", timeframe: "1m", dataDir });
    expect(await runDataCheck({ ...flags, dataDir }, capture())).toBe(0);
    expect(await runDataCheck({ ...flags, dataDir, strict: true }, capture())).toBe(1);
    const io = capture();
    await runDataCheck({ ...flags, dataDir, json: true }, io);
    const report = JSON.parse(io.stdout.join("\n")) as { series: { checks: { name: string; count: number; severity: string }[] }[] };
    const by = Object.fromEntries(report.series[0]!.checks.map((c) => [c.name, c]));
    expect(by["gaps (24/7 grid)"]).toMatchObject({ count: 1, severity: "warning" });
    expect(by["zero-volume runs >= 5 bars"]).toMatchObject({ count: 1, severity: "warning" });
  });
});
