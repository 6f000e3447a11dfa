import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importFiles } from "../../../lib/infra/data/import/importer";
import { openDataSession } from "../../../lib/infra/data/session";
import { csvRows, fixture, listTree, tempDir } from "./helpers";

let t: { dir: string; cleanup: () => void };
let dataDir: string;
beforeEach(() => {
  t = tempDir();
  dataDir = join(t.dir, "data");
});
afterEach(() => t.cleanup());

async function withSession<T>(fn: (s: Awaited<ReturnType<typeof openDataSession>>) => Promise<T>): Promise<T> {
  const s = await openDataSession({ dataDir });
  try {
    return await fn(s);
  } finally {
    s.close();
  }
}

describe("aggTrades and trades import", () => {
  it("round-trips headered aggTrades into kind=aggtrade with side derived from is_buyer_maker", async () => {
    const r = await importFiles({ files: [fixture("binance_XRPETH_aggtrades_2019-10_first40.csv")], venue: "binance", symbol: "XRPETH", dataDir });
    expect(r.dataset).toBe("trades");
    expect(r.partition).toMatch(/trades\/venue=binance\/symbol=XRPETH\/kind=aggtrade$/);
    const src = csvRows(readFileSync(fixture("binance_XRPETH_aggtrades_2019-10_first40.csv"), "utf8")).slice(1);
    const rows = await withSession((s) => s.query("SELECT ts, trade_id, price, qty, side, first_trade_id, last_trade_id FROM trades ORDER BY trade_id"));
    expect(rows.length).toBe(40);
    src.forEach((f, i) => {
      expect(rows[i]).toEqual({ ts: Number(f[0]), trade_id: Number(f[1]), price: Number(f[2]), qty: Number(f[3]), side: f[6] === "1" ? "sell" : "buy", first_trade_id: Number(f[4]), last_trade_id: Number(f[5]) });
    });
  });

  it("reads the header-less data.binance.vision aggTrades layout (True/False) to the same rows", async () => {
    await importFiles({ files: [fixture("XRPETH-aggTrades-2019-10-11_first40.csv")], venue: "binance", symbol: "XRPETH", dataDir });
    const again = await importFiles({ files: [fixture("binance_XRPETH_aggtrades_2019-10_first40.csv")], venue: "binance", symbol: "XRPETH", dataDir });
    expect(again.result).toMatchObject({ newRows: 0, duplicateRows: 40, conflictingRows: 0 });
  });

  it("round-trips real BTCUSDT trades into kind=trade", async () => {
    const r = await importFiles({ files: [fixture("binance_BTCUSDT_trades_20240808_first50.csv")], venue: "binance", symbol: "BTCUSDT", dataDir });
    expect(r.partition).toMatch(/kind=trade$/);
    const src = csvRows(readFileSync(fixture("binance_BTCUSDT_trades_20240808_first50.csv"), "utf8")).slice(1);
    const rows = await withSession((s) => s.query("SELECT ts, trade_id, price, qty, side FROM trades ORDER BY trade_id"));
    expect(rows.map((x) => [x["ts"], x["trade_id"], x["price"], x["qty"], x["side"]])).toEqual(src.map((f) => [Number(f[0]), Number(f[1]), Number(f[2]), Number(f[3]), f[4]]));
  });

  it("rejects a repeated trade id and an unreadable is_buyer_maker with file and line", async () => {
    const lines = readFileSync(fixture("XRPETH-aggTrades-2019-10-11_first40.csv"), "utf8").trimEnd().split("\n");
    const dup = [...lines];
    dup[4] = dup[3]!;
    writeFileSync(join(t.dir, "dup.csv"), dup.join("\n") + "\n");
    await expect(importFiles({ files: [join(t.dir, "dup.csv")], venue: "binance", symbol: "XRPETH", dataDir })).rejects.toThrow(/dup\.csv line 5: trade id 13519810 is not above the previous 13519810/);
    const maker = [...lines];
    maker[7] = maker[7]!.replace(/,(True|False),(True|False)$/, ",maybe,True");
    writeFileSync(join(t.dir, "maker.csv"), maker.join("\n") + "\n");
    await expect(importFiles({ files: [join(t.dir, "maker.csv")], venue: "binance", symbol: "XRPETH", dataDir })).rejects.toThrow(/maker\.csv line 8: is_buyer_maker is not true\/false\/1\/0/);
    expect(listTree(t.dir).filter((p) => p.startsWith("data"))).toEqual([]);
  });
});

describe("generic OHLCV CSV import", () => {
  it("maps columns by flag and parses ISO dates as UTC", async () => {
    const file = fixture("lean_SPY_1d_first25.csv");
    await importFiles({ files: [file], venue: "us", symbol: "SPY", timeframe: "1d", dataDir, format: "generic", mapping: "ts=date,open=open,high=high,low=low,close=close,volume=volume" });
    const src = csvRows(readFileSync(file, "utf8")).slice(1);
    const bars = await withSession((s) => s.loadBars({ symbol: "SPY", timeframe: "1d" }));
    expect(bars.length).toBe(25);
    expect(Array.from(bars.ts)).toEqual(src.map((f) => Date.parse(`${f[0]}T00:00:00Z`)));
    expect(Array.from(bars.close)).toEqual(src.map((f) => Number(f[5])));
  });

  it("maps columns by 0-based index and takes epoch milliseconds by magnitude", async () => {
    const file = fixture("lean_SPY_1d_first25.csv");
    const r = await importFiles({ files: [file], venue: "us", symbol: "SPY", timeframe: "1d", dataDir, mapping: "ts=1,open=2,high=3,low=4,close=5,volume=6" });
    expect(r.result.first).toBe(883699200000);
  });

  it("recognises a plain ts,open,high,low,close,volume header without a mapping", async () => {
    const r = await importFiles({ files: [fixture("us_SPY_5m_first100.csv")], venue: "us", symbol: "SPY", timeframe: "5m", dataDir });
    expect(r.inputs[0]!.format).toBe("generic");
    expect(r.result.newRows).toBe(100);
  });

  it("rejects an unparseable date with its line, and a mapping to a missing column", async () => {
    const lines = readFileSync(fixture("lean_SPY_1d_first25.csv"), "utf8").trimEnd().split("\n");
    lines[9] = lines[9]!.replace(/^1998-01-\d\d/, "1998-13-45");
    writeFileSync(join(t.dir, "d.csv"), lines.join("\n") + "\n");
    const map = "ts=date,open=open,high=high,low=low,close=close,volume=volume";
    await expect(importFiles({ files: [join(t.dir, "d.csv")], venue: "us", symbol: "SPY", timeframe: "1d", dataDir, mapping: map })).rejects.toThrow(/d\.csv line 10: cannot parse timestamp "1998-13-45"/);
    await expect(importFiles({ files: [fixture("lean_SPY_1d_first25.csv")], venue: "us", symbol: "SPY", timeframe: "1d", dataDir, mapping: "ts=Datum,open=open,high=high,low=low,close=close,volume=volume" })).rejects.toThrow(/--map ts=Datum: no such column \(columns: date, ts, open/);
  });
});

describe("Alpaca and Polygon bar pages", () => {
  it("imports an Alpaca multi-symbol page and a Polygon aggregates page, daily bars keyed by trading date", async () => {
    const r = await importFiles({ files: [fixture("alpaca_md_v2_stocks_bars_AAPL_1Day.json"), fixture("polygon_v2_aggs_range_AAPL_1_day_2005-04-01_2005-04-04.json")], venue: "us", symbol: "AAPL", timeframe: "1d", dataDir });
    expect(r.inputs.map((i) => i.format)).toEqual(["alpaca", "polygon"]);
    const rows = await withSession((s) => s.query("SELECT ts, open, high, low, close, volume, trades, vwap FROM bars ORDER BY ts"));
    expect(rows).toEqual([
      { ts: Date.parse("2005-04-01T00:00:00Z"), open: 1.5032, high: 1.5064, low: 1.4489, close: 1.4604, volume: 642646396, trades: 82132, vwap: 1.469 },
      { ts: Date.parse("2005-04-04T00:00:00Z"), open: 1.4639, high: 1.4754, low: 1.4343, close: 1.4675, volume: 578172308, trades: 65543, vwap: 1.4589 },
      { ts: Date.parse("2022-02-01T00:00:00Z"), open: 174, high: 174.84, low: 172.31, close: 174.61, volume: 85998033, trades: 732412, vwap: 173.703516 },
      { ts: Date.parse("2022-02-02T00:00:00Z"), open: 174.64, high: 175.88, low: 173.33, close: 175.84, volume: 84817432, trades: 675034, vwap: 174.941288 },
    ]);
  });

  it("imports a single-symbol Alpaca page with intraday times as given", async () => {
    const r = await importFiles({ files: [fixture("alpaca_md_v2_stocks_bars_docs.json")], venue: "us", symbol: "AAPL", timeframe: "1m", dataDir });
    expect(r.result.first).toBe(Date.parse("2022-04-11T08:00:00Z"));
  });

  it("names the JSON key path of a bad value, a missing symbol and a page for another ticker", async () => {
    const page = JSON.parse(readFileSync(fixture("alpaca_md_v2_stocks_bars_AAPL_1Day.json"), "utf8")) as { bars: { AAPL: Record<string, unknown>[] } };
    page.bars.AAPL[1]!["o"] = "174.64";
    writeFileSync(join(t.dir, "bad.json"), JSON.stringify(page));
    const opts = { venue: "us", symbol: "AAPL", timeframe: "1d", dataDir };
    await expect(importFiles({ ...opts, files: [join(t.dir, "bad.json")] })).rejects.toThrow(/bad\.json: Alpaca bars page: bars\.AAPL\[1\]\.o: .*expected number/i);
    await expect(importFiles({ ...opts, symbol: "MSFT", files: [fixture("alpaca_md_v2_stocks_bars_multi.json")] })).rejects.toThrow(/no bars for MSFT \(symbols in page: AAPL, TSLA\)/);
    await expect(importFiles({ ...opts, symbol: "MSFT", files: [fixture("polygon_v2_aggs_range_AAPL_1_day_2005-04-01_2005-04-04.json")] })).rejects.toThrow(/page is for AAPL, not MSFT/);
    writeFileSync(join(t.dir, "syntax.json"), '{"bars": {"AAPL": [');
    await expect(importFiles({ ...opts, files: [join(t.dir, "syntax.json")] })).rejects.toThrow(/syntax\.json: not valid JSON/);
    const back = JSON.parse(readFileSync(fixture("polygon_v2_aggs_range_AAPL_1_day_2005-04-01_2005-04-04.json"), "utf8")) as { results: unknown[] };
    back.results.reverse();
    writeFileSync(join(t.dir, "back.json"), JSON.stringify(back));
    await expect(importFiles({ ...opts, files: [join(t.dir, "back.json")] })).rejects.toThrow(/back\.json: results\[1\]\.t: time goes backwards/);
    expect(listTree(t.dir).filter((p) => p.startsWith("data"))).toEqual([]);
  });

  it("refuses to mix bars and trades in one import", async () => {
    await expect(importFiles({ files: [fixture("us_SPY_5m_first100.csv"), fixture("binance_BTCUSDT_trades_20240808_first50.csv")], venue: "x", symbol: "Y", timeframe: "5m", dataDir })).rejects.toThrow(/inputs mix bars and trades/);
  });
});
