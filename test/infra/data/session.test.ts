import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TradelabError } from "../../../lib/core/errors";
import { toArrowTable, toDataFrame } from "../../../lib/infra/data/convert";
import { openDataSession } from "../../../lib/infra/data/session";
import type { DataSession } from "../../../lib/infra/data/types";
import { tempDir } from "./helpers";

let s: DataSession;
beforeAll(async () => {
  s = await openDataSession({ dataDir: "data", journalDir: join("test", "no-journal-here") });
});
afterAll(() => s.close());

describe("data session over the shipped data", () => {
  it("exposes the bars, trades, book, book_ticker, quote_bars and journal views", () => {
    expect(s.views.map((v) => v.name)).toEqual(["bars", "trades", "book", "book_ticker", "quote_bars", "journal"]);
    expect(s.views.find((v) => v.name === "journal")!.files).toBe(0);
  });

  it("counts the real Binance spot 1m bars per symbol", async () => {
    const rows = await s.query("SELECT symbol, count(*) AS n FROM bars WHERE venue = 'binance' AND timeframe = '1m' AND ts >= TIMESTAMP '2025-01-01' GROUP BY ALL ORDER BY symbol");
    expect(rows).toEqual([
      { symbol: "BTCUSDT", n: 130708 },
      { symbol: "ETHUSDT", n: 130708 },
    ]);
  });

  it("returns bigints as numbers and timestamps as epoch ms, with column types", async () => {
    const r = await s.queryWithTypes("SELECT ts, ts_ms, trades, count(*) OVER () AS n FROM bars WHERE symbol = 'SPY' AND timeframe = '1m' ORDER BY ts LIMIT 1");
    expect(r.columns).toEqual([
      { name: "ts", type: "TIMESTAMP" },
      { name: "ts_ms", type: "DOUBLE" },
      { name: "trades", type: "BIGINT" },
      { name: "n", type: "BIGINT" },
    ]);
    expect(r.rows[0]).toEqual({ ts: Date.parse("2013-10-04T08:06:00Z"), ts_ms: Date.parse("2013-10-04T08:06:00Z"), trades: null, n: 54559 });
  });

  it("supports time_bucket on ts directly", async () => {
    const rows = await s.query("SELECT time_bucket(INTERVAL '1 day', ts) AS d, count(*) AS n FROM bars WHERE venue = 'binance' AND symbol = 'BTCUSDT' AND timeframe = '1m' GROUP BY 1 ORDER BY 1 LIMIT 2");
    expect(rows).toEqual([
      { d: Date.parse("2025-05-20T00:00:00Z"), n: 1440 },
      { d: Date.parse("2025-05-21T00:00:00Z"), n: 1440 },
    ]);
  });

  it("queryColumns returns Float64Arrays: timestamps in ms, NULL as NaN, booleans as 0/1", async () => {
    const c = await s.queryColumns("SELECT ts, price, NULL::BIGINT AS trades, is_buyer_maker FROM trades WHERE symbol = 'BTCUSDT' ORDER BY trade_id LIMIT 3");
    expect(Object.keys(c)).toEqual(["ts", "price", "trades", "is_buyer_maker"]);
    expect(c["ts"]).toBeInstanceOf(Float64Array);
    expect(Array.from(c["ts"]!)).toEqual([1723161255342, 1723161255617, 1723161255617]);
    expect(Array.from(c["price"]!)).toEqual([61837.63, 61837.63, 61837.63]);
    expect(c["trades"]!.every(Number.isNaN)).toBe(true);
    expect(Array.from(c["is_buyer_maker"]!)).toEqual([1, 1, 1]);
  });

  it("queryColumns refuses text columns with a clear message", async () => {
    await expect(s.queryColumns("SELECT symbol, close FROM bars LIMIT 1")).rejects.toThrow(/column "symbol" is VARCHAR/);
  });

  it("loadBars reads a range given as ISO dates, end exclusive", async () => {
    const b = await s.loadBars({ symbol: "BTCUSDT", timeframe: "1m", from: "2025-06-01", to: "2025-06-02" });
    expect(b.venue).toBe("binance");
    expect(b.length).toBe(1440);
    expect(b.ts[0]).toBe(Date.parse("2025-06-01T00:00:00Z"));
    expect(b.ts[1439]).toBe(Date.parse("2025-06-01T23:59:00Z"));
    for (let i = 1; i < b.length; i++) expect(b.ts[i]! - b.ts[i - 1]!).toBe(60_000);
  });

  it("loadBars picks the venue with the most data for a symbol, or the one asked for", async () => {
    expect((await s.loadBars({ symbol: "BTCUSDT", timeframe: "1h", from: "2025-06-01", to: "2025-06-02" })).venue).toBe("binance");
    const um = await s.loadBars({ venue: "binance_um", symbol: "BTCUSDT", timeframe: "1h" });
    expect(um).toMatchObject({ venue: "binance_um", sourceTimeframe: "1m", length: 48 });
  });

  it("loadBars merges a symbol's files in time order", async () => {
    const e = await s.loadBars({ venue: "binance", symbol: "ETHUSDT", timeframe: "1m" });
    expect(e.length).toBe(130708 + 2880);
    expect(e.ts[0]).toBe(Date.parse("2022-08-14T00:00:00Z"));
    let sorted = true;
    for (let i = 1; i < e.length; i++) if (e.ts[i]! <= e.ts[i - 1]!) sorted = false;
    expect(sorted).toBe(true);
  });

  it("loadBars says what is stored when nothing matches", async () => {
    const err = await s.loadBars({ symbol: "BTCUSDT", timeframe: "1m", from: "2030-01-01" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TradelabError);
    expect((err as TradelabError).code).toBe("DATA_NOT_FOUND");
    expect((err as Error).message).toMatch(/no 1m bars for BTCUSDT in \[2030-01-01 00:00, end\); stored for BTCUSDT: binance\/1m, binance_um\/1m/);
  });

  it("a bad query fails with DuckDB's message and the QUERY_FAILED code", async () => {
    const err = await s.query("SELECT nope FROM bars").catch((e: unknown) => e);
    expect((err as TradelabError).code).toBe("QUERY_FAILED");
    expect((err as Error).message).toMatch(/Referenced column "nope" not found/);
  });

  it("converts typed bars to an Arrow table and a danfo DataFrame", async () => {
    const b = await s.loadBars({ symbol: "BTCUSDT", timeframe: "1h", from: "2025-06-01", to: "2025-06-01T03:00:00Z" });
    const table = toArrowTable(b);
    expect(table.numRows).toBe(3);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["ts", "open", "high", "low", "close", "volume"]);
    expect(table.getChild("close")!.toArray()).toEqual(b.close);
    const rows = toArrowTable(await s.query("SELECT symbol, price FROM trades ORDER BY ts LIMIT 2"));
    expect(rows.numRows).toBe(2);
    const df = toDataFrame(b, { isoTime: true });
    expect(df.shape).toEqual([3, 7]);
    expect(df.columns).toEqual(["time", "ts", "open", "high", "low", "close", "volume"]);
    expect(df["time"].values[0]).toBe("2025-06-01T00:00:00.000Z");
  });
});

describe("data session on other folders", () => {
  it("opens an empty data folder with empty views and reads the live journal, skipping a torn last line", async () => {
    const t = tempDir();
    try {
      const journal = join(t.dir, "journal");
      mkdirSync(journal);
      writeFileSync(join(journal, "2025-06-01.jsonl"), '{"kind":"fill","ts":1748736000000,"price":1.5}\n{"kind":"order","ts":1748736001000,"qty":2}\n{"kind":"fi');
      const e = await openDataSession({ dataDir: join(t.dir, "data"), journalDir: journal });
      try {
        expect(await e.query("SELECT count(*) AS n FROM bars")).toEqual([{ n: 0 }]);
        expect(await e.query("SELECT count(*) AS n FROM trades")).toEqual([{ n: 0 }]);
        expect(await e.query("SELECT kind, ts, ts_ms, price, qty FROM journal ORDER BY ts")).toEqual([
          { kind: "fill", ts: 1748736000000, ts_ms: 1748736000000, price: 1.5, qty: null },
          { kind: "order", ts: 1748736001000, ts_ms: 1748736001000, price: null, qty: 2 },
        ]);
      } finally {
        e.close();
      }
    } finally {
      t.cleanup();
    }
  });

  it("copies the data into memory when asked", async () => {
    const m = await openDataSession({ dataDir: "data", memory: true, journalDir: join("test", "no-journal-here") });
    try {
      const tables = await m.query("SELECT table_name FROM duckdb_tables() WHERE table_name IN ('bars', 'trades') ORDER BY 1");
      expect(tables).toEqual([{ table_name: "bars" }, { table_name: "trades" }]);
    } finally {
      m.close();
    }
  });

  it("names a corrupt parquet file when opening", async () => {
    const t = tempDir();
    try {
      const dir = join(t.dir, "bars", "venue=x", "symbol=Y", "timeframe=1m");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "broken.parquet"), "PAR1 this is not parquet");
      await expect(openDataSession({ dataDir: t.dir })).rejects.toThrow(/corrupt or empty parquet file .*broken\.parquet/);
    } finally {
      t.cleanup();
    }
  });
});
