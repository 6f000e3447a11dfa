import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertSource, sha256File, type ManifestEntry } from "../../../lib/infra/data/build/convert";
import { writeJsonIfChanged } from "../../../lib/infra/data/build/reference";
import { outputPath, SOURCES } from "../../../lib/infra/data/build/sources";
import { openDuck, queryRows, sqlStr, type Duck } from "../../../lib/infra/data/duck";
import { fixture, tempDir } from "./helpers";

const json = <T>(p: string) => JSON.parse(readFileSync(join("data", p), "utf8")) as T;
const manifest = json<{ files: ManifestEntry[] }>("manifest.json");

let duck: Duck;
beforeAll(async () => (duck = await openDuck()));
afterAll(() => duck.close());

describe("the shipped data/ folder", () => {
  it("holds one parquet file per catalogued source, with the sha256, rows and range the manifest records", async () => {
    expect(manifest.files.map((f) => f.source).sort()).toEqual(SOURCES.map((s) => s.file).sort());
    for (const f of manifest.files) {
      const path = join("data", f.path);
      expect(existsSync(path), path).toBe(true);
      expect(statSync(path).size).toBe(f.bytes);
      expect(sha256File(path)).toBe(f.sha256);
      const time = f.part === "bookticker" ? "recv_ts" : "ts";
      const [r] = await queryRows(duck.con, `SELECT count(*) AS n, min(${time}) AS a, max(${time}) AS b FROM read_parquet(${sqlStr(path)})`);
      expect([r!["n"], r!["a"], r!["b"]]).toEqual([f.rows, Date.parse(f.first), Date.parse(f.last)]);
    }
  });

  it("keeps the two main Binance 1m series complete: 130,708 bars each", () => {
    const n = (file: string) => manifest.files.find((f) => f.source === file)!.rows;
    expect([n("binance_BTCUSDT_1m.csv"), n("binance_ETHUSDT_1m.csv")]).toEqual([130708, 130708]);
  });

  it("documents every file with its origin, rows and license in data/README.md", () => {
    const readme = readFileSync("data/README.md", "utf8");
    expect(readme).toMatch(/License warning/);
    for (const f of manifest.files) {
      const line = readme.split("\n").find((l) => l.includes(`\`${f.path}\``));
      expect(line, f.path).toBeDefined();
      expect(line).toContain(f.rows.toLocaleString("en-US"));
      expect(line).toContain(SOURCES.find((s) => s.file === f.source)!.license);
    }
  });

  it("ships Binance filters for BTCUSDT and ETHUSDT in the exchangeInfo layout, with their source", () => {
    const f = json<{ meta: { source: string }; symbols: { symbol: string; filters: { filterType: string; tickSize?: string; stepSize?: string; minNotional?: string }[] }[] }>("binance_filters.json");
    expect(f.meta.source).toMatch(/exchangeInfo/);
    const by = Object.fromEntries(f.symbols.map((s) => [s.symbol, Object.fromEntries(s.filters.map((x) => [x.filterType, x]))]));
    expect(Object.keys(by)).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(by["BTCUSDT"]!["PRICE_FILTER"]!.tickSize).toBe("0.01000000");
    expect(by["BTCUSDT"]!["LOT_SIZE"]!.stepSize).toBe("0.00001000");
    expect(by["ETHUSDT"]!["LOT_SIZE"]!.stepSize).toBe("0.00010000");
    expect(by["ETHUSDT"]!["NOTIONAL"]!.minNotional).toBe("5.00000000");
  });

  it("ships fees (10 bps Binance default), universes and built_at/source metadata", () => {
    const fees = json<{ meta: { built_at: string; source: string }; default: { makerBps: number; takerBps: number }; symbols: Record<string, { makerBps: number }> }>("fees/fees_by_symbol.json");
    expect(fees.default).toEqual({ makerBps: 10, takerBps: 10 });
    expect(fees.symbols["BTCUSDT"]!.makerBps).toBe(10);
    expect(fees.meta.source).toMatch(/Binance/);
    expect(Number.isNaN(Date.parse(fees.meta.built_at))).toBe(false);
    const uni = json<{ symbols: { symbol: string; venue: string; assetClass: string }[] }>("universe/symbols.json");
    expect(uni.symbols.filter((s) => s.venue === "binance").map((s) => s.symbol)).toEqual(["BTCUSDT", "ETHUSDT", "XRPETH"]);
    const alpaca = json<{ symbols: { symbol: string; class: string; exchange: string }[] }>("universe/alpaca_symbols.json");
    expect(alpaca.symbols.map((s) => s.symbol).sort()).toEqual(["AAPL", "IWM", "MSFT", "NVDA", "QQQ", "SPY"]);
    expect(alpaca.symbols.every((s) => s.class === "us_equity" && s.exchange)).toBe(true);
  });

  it("derives the 168 hour-of-week latency multipliers from the real BTCUSDT volume (index 0 = Monday 00:00 UTC)", async () => {
    const lat = json<{ meta: { source: string; range: { first: string }; hash: string }; multipliers: number[] }>("latency/liquidity_latency_seasonality.json");
    expect(lat.multipliers).toHaveLength(168);
    const mean = lat.multipliers.reduce((a, b) => a + b, 0) / 168;
    expect(mean).toBeCloseTo(1, 5);
    expect(lat.meta.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    // recompute independently in JS from the bars
    const file = join("data", manifest.files.find((f) => f.source === "binance_BTCUSDT_1m.csv")!.path);
    const rows = await queryRows(duck.con, `SELECT epoch_ms(ts) AS t, volume AS v FROM read_parquet(${sqlStr(file)})`);
    const sum = new Float64Array(168);
    const cnt = new Float64Array(168);
    let total = 0;
    for (const r of rows) {
      const d = new Date(r["t"] as number);
      const h = ((d.getUTCDay() + 6) % 7) * 24 + d.getUTCHours();
      sum[h]! += r["v"] as number;
      cnt[h]! += 1;
      total += r["v"] as number;
    }
    const raw = Array.from(sum, (s, h) => total / rows.length / (s / cnt[h]!));
    const m = raw.reduce((a, b) => a + b, 0) / 168;
    raw.forEach((x, h) => expect(lat.multipliers[h]).toBeCloseTo(x / m, 5));
  });
});

describe("data build steps", () => {
  it("converts a source CSV to parquet and skips it when nothing changed", async () => {
    const t = tempDir();
    try {
      const src = join(t.dir, "src");
      const out = join(t.dir, "data");
      const spec = SOURCES.find((s) => s.file === "binance_BTCUSDT_1m.csv")!;
      mkdirSync(src);
      copyFileSync(fixture("binance_BTCUSDT_1m_first180.csv"), join(src, spec.file));
      const a = await convertSource(duck, spec, src, out);
      expect(a.skipped).toBe(false);
      expect(a.entry).toMatchObject({ path: outputPath(spec), rows: 180, first: "2025-05-20T00:00:00.000Z", last: "2025-05-20T02:59:00.000Z" });
      const b = await convertSource(duck, spec, src, out, a.entry);
      expect(b.skipped).toBe(true);
      const cols = await queryRows(duck.con, `SELECT column_name AS c, column_type AS t FROM (DESCRIBE SELECT * FROM read_parquet(${sqlStr(join(out, a.entry.path))}, hive_partitioning = false))`);
      expect(cols.map((c) => `${c["c"]} ${c["t"]}`)).toEqual(["ts TIMESTAMP", "open DOUBLE", "high DOUBLE", "low DOUBLE", "close DOUBLE", "volume DOUBLE", "quote_volume DOUBLE", "trades BIGINT", "taker_buy_volume DOUBLE"]);
    } finally {
      t.cleanup();
    }
  });

  it("rewrites a reference file only when more than built_at changed", () => {
    const t = tempDir();
    try {
      const p = join(t.dir, "x.json");
      expect(writeJsonIfChanged(p, { meta: { built_at: "2025-01-01T00:00:00Z", source: "s" }, v: 1 })).toBe(true);
      expect(writeJsonIfChanged(p, { meta: { built_at: "2026-01-01T00:00:00Z", source: "s" }, v: 1 })).toBe(false);
      expect(writeJsonIfChanged(p, { meta: { built_at: "2026-01-01T00:00:00Z", source: "s" }, v: 2 })).toBe(true);
    } finally {
      t.cleanup();
    }
  });
});
