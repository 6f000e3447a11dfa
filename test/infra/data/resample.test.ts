import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuck, queryRows } from "../../../lib/infra/data/duck";
import { importFiles } from "../../../lib/infra/data/import/importer";
import { bucketComplete, resampleSql } from "../../../lib/infra/data/resample";
import { openDataSession } from "../../../lib/infra/data/session";
import { parseTimeframe } from "../../../lib/infra/data/timeframe";
import type { DataSession } from "../../../lib/infra/data/types";
import { csvRows, fixture, tempDir } from "./helpers";

let t: { dir: string; cleanup: () => void };
let s: DataSession;

beforeAll(async () => {
  t = tempDir();
  const dataDir = join(t.dir, "data");
  // the first 12 real BTCUSDT minutes (00:00 to 00:11 UTC on 2025-05-20)
  const lines = readFileSync(fixture("binance_BTCUSDT_1m_first180.csv"), "utf8").split("\n").slice(0, 13);
  writeFileSync(join(t.dir, "btc12.csv"), lines.join("\n") + "\n");
  await importFiles({ files: [join(t.dir, "btc12.csv")], venue: "binance", symbol: "BTCUSDT", timeframe: "1m", dataDir });
  await importFiles({ files: [fixture("us_SPY_5m_first100.csv")], venue: "us", symbol: "SPY", timeframe: "5m", dataDir });
  s = await openDataSession({ dataDir });
});
afterAll(() => {
  s.close();
  t.cleanup();
});

const T0 = Date.parse("2025-05-20T00:00:00Z");

describe("resampling 1m to 5m (hand-computed from the real BTCUSDT minutes)", () => {
  it("gives first open, max high, min low, last close and summed volume per UTC 5-minute bucket", async () => {
    const b = await s.resample({ symbol: "BTCUSDT", timeframe: "5m" });
    expect(Array.from(b.ts)).toEqual([T0, T0 + 300_000]);
    expect(Array.from(b.open)).toEqual([105573.73, 105700.99]);
    expect(Array.from(b.high)).toEqual([105700.99, 105988.0]);
    expect(Array.from(b.low)).toEqual([105554.31, 105681.6]);
    expect(Array.from(b.close)).toEqual([105700.99, 105970.52]);
    expect(b.volume[0]).toBeCloseTo(10.82647 + 6.48334 + 10.63764 + 13.38773 + 8.91086, 9);
    expect(b.volume[1]).toBeCloseTo(20.41619 + 10.81382 + 33.88208 + 59.12232 + 7.53577, 9);
    expect(b).toMatchObject({ venue: "binance", symbol: "BTCUSDT", timeframe: "5m", sourceTimeframe: "1m", length: 2 });
  });

  it("excludes the incomplete trailing bucket unless asked", async () => {
    const b = await s.resample({ symbol: "BTCUSDT", timeframe: "5m", includeIncomplete: true });
    expect(b.length).toBe(3);
    expect([b.ts[2], b.open[2], b.high[2], b.low[2], b.close[2]]).toEqual([T0 + 600_000, 105970.51, 105994.63, 105939.56, 105986.15]);
    expect(b.volume[2]).toBeCloseTo(19.08147 + 13.29181, 9);
  });

  it("loadBars resamples when the timeframe is not stored, and reads stored bars as they are", async () => {
    const five = await s.loadBars({ symbol: "BTCUSDT", timeframe: "5m" });
    expect(Array.from(five.close)).toEqual([105700.99, 105970.52]);
    const one = await s.loadBars({ symbol: "BTCUSDT", timeframe: "1m", from: "2025-05-20T00:03:00Z", to: T0 + 6 * 60_000 });
    expect(Array.from(one.ts)).toEqual([T0 + 180_000, T0 + 240_000, T0 + 300_000]);
    expect(one.sourceTimeframe).toBe("1m");
  });

  it("refuses a target that is not a multiple of the source", async () => {
    await expect(s.resample({ symbol: "BTCUSDT", timeframe: "7m", sourceTimeframe: "5m" })).rejects.toThrow(/cannot resample 5m to 7m/);
  });
});

describe("resampleSql alignment", () => {
  it("aligns 1h and 4h buckets to UTC hours (00, 04, 08 ...), 1d to midnight and 1w to Monday", async () => {
    const d = await openDuck();
    try {
      await d.con.run(`CREATE TABLE m AS SELECT * FROM (VALUES
        (TIMESTAMP '2025-05-20 03:59', 1.0, 2.0, 0.5, 1.5, 1.0),
        (TIMESTAMP '2025-05-20 04:00', 1.5, 3.0, 1.0, 2.5, 2.0),
        (TIMESTAMP '2025-05-20 07:59', 2.5, 2.6, 2.4, 2.45, 4.0),
        (TIMESTAMP '2025-05-25 23:59', 2.0, 2.1, 1.9, 2.05, 8.0)) v(ts, open, high, low, close, volume)`);
      const q = async (tf: string) => (await queryRows(d.con, resampleSql("m", parseTimeframe(tf)))).map((r) => [new Date(r["ts"] as number).toISOString().slice(0, 16), r["open"], r["close"], r["volume"], r["bars"]]);
      expect(await q("4h")).toEqual([["2025-05-20T00:00", 1.0, 1.5, 1.0, 1], ["2025-05-20T04:00", 1.5, 2.45, 6.0, 2], ["2025-05-25T20:00", 2.0, 2.05, 8.0, 1]]);
      expect((await q("1h")).map((r) => r[0])).toEqual(["2025-05-20T03:00", "2025-05-20T04:00", "2025-05-20T07:00", "2025-05-25T23:00"]);
      expect(await q("1d")).toEqual([["2025-05-20T00:00", 1.0, 2.45, 7.0, 3], ["2025-05-25T00:00", 2.0, 2.05, 8.0, 1]]);
      // 2025-05-19 is a Monday: the whole week to Sunday 25th is one bucket
      expect(await q("1w")).toEqual([["2025-05-19T00:00", 1.0, 2.05, 15.0, 4]]);
    } finally {
      d.close();
    }
  });
});

describe("US equities to daily bars", () => {
  it("builds one bar per New York trading day from regular-hours 5m bars; the partial last day is dropped", async () => {
    const src = csvRows(readFileSync(fixture("us_SPY_5m_first100.csv"), "utf8")).slice(1).map((r) => r.map(Number));
    const day1 = src.filter((r) => r[0]! < Date.parse("2025-05-13T00:00:00Z"));
    expect(day1.length).toBe(78);
    const d = await s.loadBars({ symbol: "SPY", timeframe: "1d" });
    expect(d.length).toBe(1);
    expect([d.ts[0], d.open[0], d.high[0], d.low[0], d.close[0]]).toEqual([
      Date.parse("2025-05-12T00:00:00Z"),
      day1[0]![1],
      Math.max(...day1.map((r) => r[2]!)),
      Math.min(...day1.map((r) => r[3]!)),
      day1[77]![4],
    ]);
    expect(d.volume[0]).toBeCloseTo(day1.reduce((a, r) => a + r[5]!, 0), 3);
    const both = await s.loadBars({ symbol: "SPY", timeframe: "1d", includeIncomplete: true });
    expect(Array.from(both.ts)).toEqual([Date.parse("2025-05-12T00:00:00Z"), Date.parse("2025-05-13T00:00:00Z")]);
  });

  it("treats a US bucket as complete at the session close, not at midnight", () => {
    const close = Date.parse("2025-05-12T20:00:00Z");
    expect(bucketComplete(Date.parse("2025-05-12T00:00:00Z"), close - 300_000, 300_000, 86_400_000, "us")).toBe(true);
    expect(bucketComplete(Date.parse("2025-05-12T00:00:00Z"), close - 600_000, 300_000, 86_400_000, "us")).toBe(false);
    expect(bucketComplete(Date.parse("2025-05-12T00:00:00Z"), close - 300_000, 300_000, 86_400_000, "binance")).toBe(false);
  });
});
