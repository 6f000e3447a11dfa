import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDuck } from "../../../lib/infra/data/duck";
import { importFiles } from "../../../lib/infra/data/import/importer";
import { verifyParquetFile } from "../../../lib/infra/data/parquet-check";
import { readZipFiles } from "../../../lib/infra/data/import/zip";
import { openDataSession } from "../../../lib/infra/data/session";
import { csvRows, fixture, listTree, tempDir, writeZip } from "./helpers";

const SPOT_ZIP = fixture("binance_spot_ETHUSDT-1m-2022-08-14_first30.zip");
const UM_ZIP = fixture("binance_um_BTCUSDT-1m-2022-09-05_first30.zip");

let t: { dir: string; cleanup: () => void };
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

/** The source rows of a fixture ZIP: the 12 data.binance.vision columns, header dropped. */
function zipRows(path: string): string[][] {
  const text = readZipFiles(path)[0]!.data.toString("utf8");
  return csvRows(text).filter((r) => /^\d+$/.test(r[0]!));
}

describe("Binance kline import", () => {
  it("round-trips the header-less spot ZIP: every OHLCV value and the optional columns come back", async () => {
    const sum = await importFiles({ files: [SPOT_ZIP], venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir: t.dir });
    expect(sum.inputs[0]!.format).toBe("binance-kline");
    expect(sum.result.newRows).toBe(30);
    const src = zipRows(SPOT_ZIP);
    const s = await openDataSession({ dataDir: t.dir });
    try {
      const bars = await s.loadBars({ venue: "binance", symbol: "ETHUSDT", timeframe: "1m" });
      expect(bars.length).toBe(30);
      src.forEach((r, i) => {
        expect(bars.ts[i]).toBe(Number(r[0]));
        expect([bars.open[i], bars.high[i], bars.low[i], bars.close[i], bars.volume[i]]).toEqual(r.slice(1, 6).map(Number));
      });
      const extra = await s.query("SELECT quote_volume, trades, taker_buy_volume FROM bars ORDER BY ts LIMIT 1");
      expect(extra[0]).toEqual({ quote_volume: Number(src[0]![7]), trades: Number(src[0]![8]), taker_buy_volume: Number(src[0]![9]) });
    } finally {
      s.close();
    }
  });

  it("round-trips the headered USD-M futures ZIP", async () => {
    const sum = await importFiles({ files: [UM_ZIP], venue: "binance_um", symbol: "BTCUSDT", timeframe: "1m", dataDir: t.dir });
    expect(sum.result.newRows).toBe(30);
    const src = zipRows(UM_ZIP);
    const s = await openDataSession({ dataDir: t.dir });
    try {
      const bars = await s.loadBars({ symbol: "BTCUSDT", timeframe: "1m" });
      expect(bars.venue).toBe("binance_um");
      expect(Array.from(bars.close)).toEqual(src.map((r) => Number(r[4])));
    } finally {
      s.close();
    }
  });

  it("writes the new rows time-ordered to one parquet file (no sort needed for a single ordered input)", async () => {
    const rows = zipRows(SPOT_ZIP).map((r) => r.join(","));
    const files = [join(t.dir, "late.csv"), join(t.dir, "early.csv")];
    writeFileSync(files[0]!, rows.slice(15).join("\n") + "\n");
    writeFileSync(files[1]!, rows.slice(0, 15).join("\n") + "\n");
    const dataDir = join(t.dir, "data");
    for (const f of [files, [SPOT_ZIP]]) {
      const r = await importFiles({ files: f, venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir: join(dataDir, String(f.length)) });
      const d = await openDuck();
      try {
        expect(await verifyParquetFile(d.con, r.result.file!)).toEqual([]);
      } finally {
        d.close();
      }
    }
  });

  it("adds no duplicates when the same file is imported again, and writes no new file", async () => {
    await importFiles({ files: [SPOT_ZIP], venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir: t.dir });
    const before = listTree(t.dir);
    const again = await importFiles({ files: [SPOT_ZIP], venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir: t.dir });
    expect(again.result).toMatchObject({ newRows: 0, duplicateRows: 30, conflictingRows: 0 });
    expect(again.result.file).toBeUndefined();
    expect(listTree(t.dir)).toEqual(before);
  });

  it("imports only the rows that are new when inputs overlap stored data", async () => {
    const rows = zipRows(SPOT_ZIP).map((r) => r.join(","));
    const first = join(t.dir, "a.csv");
    const second = join(t.dir, "b.csv");
    writeFileSync(first, rows.slice(0, 20).join("\n") + "\n");
    writeFileSync(second, rows.slice(10).join("\n") + "\n");
    const dataDir = join(t.dir, "data");
    await importFiles({ files: [first], venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir });
    const r = await importFiles({ files: [second], venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir });
    expect(r.result).toMatchObject({ rows: 20, newRows: 10, duplicateRows: 10 });
    const s = await openDataSession({ dataDir });
    try {
      expect((await s.query("SELECT count(*) AS n, count(DISTINCT ts) AS d FROM bars"))[0]).toEqual({ n: 30, d: 30 });
    } finally {
      s.close();
    }
  });

  it("accepts microsecond timestamps (data.binance.vision spot since 2025) and stores milliseconds", async () => {
    const rows = zipRows(SPOT_ZIP).slice(0, 5).map((r) => [Number(r[0]) * 1000, ...r.slice(1, 6), Number(r[6]) * 1000 + 999, ...r.slice(7)].join(","));
    const file = join(t.dir, "us.csv");
    writeFileSync(file, rows.join("\n") + "\n");
    const dataDir = join(t.dir, "data");
    const r = await importFiles({ files: [file], venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir });
    expect(r.result.first).toBe(Number(zipRows(SPOT_ZIP)[0]![0]));
  });

  it("reads every CSV member of a multi-member ZIP", async () => {
    const rows = zipRows(SPOT_ZIP).map((r) => r.join(","));
    const zip = join(t.dir, "two.zip");
    writeZip(zip, [
      { name: "a.csv", data: rows.slice(0, 15).join("\n") + "\n" },
      { name: "b.csv", data: rows.slice(15).join("\n") + "\n", store: true },
    ]);
    const r = await importFiles({ files: [zip], venue: "binance", symbol: "ETHUSDT", timeframe: "1m", dataDir: join(t.dir, "data") });
    expect(r.inputs.map((i) => i.rows)).toEqual([15, 15]);
    expect(r.result.newRows).toBe(30);
  });
});
