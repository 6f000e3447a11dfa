import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDuck, queryRows, sqlStr } from "../../../lib/infra/data/duck";
import { verifyParquetFile, checkParquetFooters } from "../../../lib/infra/data/parquet-check";
import { checkData } from "../../../lib/infra/data/quality/check-data";
import { checkDuplicates, checkGrid247, checkOhlc, checkOutliers, checkPositive, checkUsSessions, checkZeroVolume, type Check, type SeriesColumns } from "../../../lib/infra/data/quality/checks";
import { tempDir } from "./helpers";

const MIN = 60_000;
const T0 = Date.parse("2025-05-20T00:00:00Z");

/** A clean 24/7 1m series with a gentle deterministic zig-zag. */
function series(n: number, start = T0, step = MIN): SeriesColumns {
  const c: SeriesColumns = { ts: new Float64Array(n), open: new Float64Array(n), high: new Float64Array(n), low: new Float64Array(n), close: new Float64Array(n), volume: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const p = 100 + ((i * 7) % 11) * 0.01 + (i % 3) * 0.005;
    c.ts[i] = start + i * step;
    c.open[i] = p;
    c.close[i] = p + 0.01 * ((i % 5) - 2);
    c.high[i] = Math.max(c.open[i]!, c.close[i]!) + 0.02 + (i % 4) * 0.002;
    c.low[i] = Math.min(c.open[i]!, c.close[i]!) - 0.02 - (i % 3) * 0.002;
    c.volume[i] = 1 + (i % 7);
  }
  return c;
}

describe("bar checks", () => {
  it("finds nothing wrong in a clean series", () => {
    const c = series(500);
    for (const ch of [checkDuplicates(c), checkOhlc(c), checkPositive(c), ...checkGrid247(c, MIN), ...checkZeroVolume(c, 5), ...checkOutliers(c, 20, MIN)]) {
      expect([ch.name, ch.severity, ch.count]).toEqual([ch.name, "ok", 0]);
    }
  });

  it("counts duplicates, OHLC inconsistencies and non-positive prices as errors", () => {
    const c = series(50);
    c.ts[10] = c.ts[9]!;
    c.high[20] = c.open[20]! - 1;
    c.low[30] = 0;
    expect(checkDuplicates(c)).toMatchObject({ severity: "error", count: 1, detail: "first 2025-05-20 00:09" });
    expect(checkOhlc(c)).toMatchObject({ severity: "error", count: 1, detail: expect.stringMatching(/00:20: high < max\(open, close\)/) });
    expect(checkPositive(c)).toMatchObject({ severity: "error", count: 1 });
  });

  it("measures 24/7 gaps in bars, separates day-long coverage holes and flags off-grid times", () => {
    const c = series(100);
    const ts = Array.from(c.ts).filter((_, i) => i < 40 || i >= 43);
    ts.push(ts[ts.length - 1]! + 3 * 86_400_000);
    const g: SeriesColumns = { ...series(ts.length), ts: Float64Array.from(ts) };
    g.ts[5] = g.ts[5]! + 1000;
    const [grid, gaps, holes] = checkGrid247(g, MIN);
    expect(grid).toMatchObject({ severity: "error", count: 1 });
    expect(gaps).toMatchObject({ severity: "warning", count: 3, detail: "1 gap, longest 3 bars after 2025-05-20 00:39" });
    expect(holes).toMatchObject({ severity: "info", count: 1 });
  });

  it("reports zero-volume runs at or above the threshold", () => {
    const c = series(60);
    for (let i = 10; i < 17; i++) c.volume[i] = 0;
    c.volume[40] = 0;
    const [total, runs] = checkZeroVolume(c, 5);
    expect(total).toMatchObject({ severity: "info", count: 8 });
    expect(runs).toMatchObject({ severity: "warning", count: 1, detail: "longest 7 bars from 2025-05-20 00:10" });
  });

  it("flags a bad tick by its range and a jump by its return", () => {
    const c = series(300);
    c.low[100] = 10;
    c.close[200] = c.close[199]! * 1.5;
    c.high[200] = c.close[200]!;
    c.open[201] = c.close[200]!;
    const [ret, range] = checkOutliers(c, 20, MIN) as [Check, Check];
    expect(ret.severity).toBe("warning");
    expect(ret.detail).toMatch(/2025-05-20 03:20/);
    expect(range).toMatchObject({ severity: "warning" });
    expect(range.detail).toMatch(/01:40: high [\d.]+ low 10/);
  });

  it("checks US intraday bars against the session calendar: holidays are not gaps, missing RTH bars are", () => {
    // Thu 2025-07-03 (early close 13:00) and Mon 2025-07-07; Fri 07-04 is a holiday
    const day = (open: number, bars: number) => Array.from({ length: bars }, (_, i) => open + i * 5 * MIN);
    const ts = [...day(Date.parse("2025-07-03T13:30:00Z"), 42), ...day(Date.parse("2025-07-07T13:30:00Z"), 78)];
    ts.splice(60, 2);
    ts.push(Date.parse("2025-07-07T20:30:00Z"));
    const c: SeriesColumns = { ...series(ts.length), ts: Float64Array.from(ts) };
    const [empty, gaps, outside] = checkUsSessions(c, 5 * MIN);
    expect(empty).toMatchObject({ severity: "ok" });
    expect(gaps).toMatchObject({ severity: "warning", count: 2, detail: "1 gap, first at 2025-07-07 15:00" });
    expect(outside).toMatchObject({ severity: "info", count: 1 });
  });

  it("checks US daily bars against trading days", () => {
    const days = ["2025-06-30", "2025-07-01", "2025-07-03", "2025-07-05", "2025-07-07"].map((d) => Date.parse(`${d}T00:00:00Z`));
    const c: SeriesColumns = { ...series(days.length), ts: Float64Array.from(days) };
    const [missing, holes, offDays] = checkUsSessions(c, 86_400_000);
    expect(missing).toMatchObject({ severity: "warning", count: 1, detail: "first 2025-07-02" });
    expect(holes).toMatchObject({ severity: "ok" });
    expect(offDays).toMatchObject({ severity: "warning", count: 1 });
  });
});

describe("parquet integrity", () => {
  let t: { dir: string; cleanup: () => void };
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it("names an empty or truncated file, and the row group of corrupt data", async () => {
    const d = await openDuck();
    try {
      const good = join(t.dir, "good.parquet");
      await d.con.run(`COPY (SELECT epoch_ms(1747699200000 + i * 60000) AS ts, 100 + (i % 97) * 0.37 AS close FROM range(6144) t(i)) TO ${sqlStr(good)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 2048)`);
      expect(await verifyParquetFile(d.con, good)).toEqual([]);
      const meta = await queryRows(d.con, `SELECT data_page_offset AS o, total_compressed_size AS n FROM parquet_metadata(${sqlStr(good)}) WHERE row_group_id = 1 AND path_in_schema = 'ts'`);
      const buf = Buffer.from(readFileSync(good));
      const o = Number(meta[0]!["o"]);
      buf.fill(0xff, o + 16, o + Number(meta[0]!["n"]) - 4);
      const bad = join(t.dir, "bad.parquet");
      writeFileSync(bad, buf);
      const problems = await verifyParquetFile(d.con, bad);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatchObject({ file: bad, rowGroup: 1 });
      expect(problems[0]!.message).toMatch(/row group 1/);
      writeFileSync(join(t.dir, "empty.parquet"), "");
      writeFileSync(join(t.dir, "cut.parquet"), readFileSync(good).subarray(0, 500));
      const footers = await checkParquetFooters(d.con, [join(t.dir, "empty.parquet"), join(t.dir, "cut.parquet"), good]);
      expect(footers.map((p) => [p.file.endsWith("empty.parquet") || p.file.endsWith("cut.parquet"), p.message])).toEqual([
        [true, expect.stringMatching(/too small to be a Parquet file/)],
        [true, expect.stringMatching(/No magic bytes found/)],
      ]);
    } finally {
      d.close();
    }
  });

  it("data:check reports a corrupt file of a series as an error naming it", async () => {
    const dir = join(t.dir, "bars", "venue=binance", "symbol=X", "timeframe=1m");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "x.parquet"), "");
    const r = await checkData({ dataDir: t.dir });
    expect(r.series).toHaveLength(1);
    expect(r.series[0]!.errors).toBe(1);
    expect(r.series[0]!.checks[0]).toMatchObject({ name: "file integrity", severity: "error", detail: expect.stringMatching(/x\.parquet: .*too small/) });
  });
});

describe("data:check on the shipped data", () => {
  it("finds no errors in the real BTCUSDT 1m series: no gaps, no duplicates", async () => {
    const r = await checkData({ dataDir: "data", symbol: "BTCUSDT", venue: "binance" });
    expect(r.series).toHaveLength(1);
    const s = r.series[0]!;
    expect([s.rows, s.errors]).toEqual([130708, 0]);
    const by = Object.fromEntries(s.checks.map((c) => [c.name, c]));
    expect(by["gaps (24/7 grid)"]!.count).toBe(0);
    expect(by["duplicate timestamps"]!.count).toBe(0);
  });
});
