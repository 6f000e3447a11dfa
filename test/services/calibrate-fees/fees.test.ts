import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildFeeFile, parseFeeSchedule } from "../../../lib/services/calibrate-fees";
import { referenceFileAge } from "../../../lib/services/calibration/reference-age";
import { loadFeeTable, readJsonFile } from "../../../lib/sim/loaders";

const SHIPPED = "data/fees/fees_by_symbol.json";

describe("parseFeeSchedule", () => {
  it("reads Binance's tradeFee array (fractions) as bps", () => {
    const rows = parseFeeSchedule([{ symbol: "BTCUSDT", makerCommission: "0.00075", takerCommission: "0.001" }, { symbol: "ETHUSDT", makerCommission: 0, takerCommission: "0.0009" }], "tradeFee.json");
    expect(rows).toEqual([
      { symbol: "BTCUSDT", makerBps: 7.5, takerBps: 10 },
      { symbol: "ETHUSDT", makerBps: 0, takerBps: 9 },
    ]);
  });

  it("applies account-wide commissionRates to the named symbols, and asks for them when none are named", () => {
    const acct = { makerCommission: 15, commissionRates: { maker: "0.00150000", taker: "0.00150000", buyer: "0", seller: "0" } };
    expect(parseFeeSchedule(acct, "account.json", ["BTCUSDT"])).toEqual([{ symbol: "BTCUSDT", makerBps: 15, takerBps: 15 }]);
    expect(() => parseFeeSchedule(acct, "account.json")).toThrow("account.json: commissionRates: account-wide rates: name the symbols they apply to (--symbol)");
  });

  it("reads this project's own fees file and filters it to the requested symbols", () => {
    const rows = parseFeeSchedule(readJsonFile(SHIPPED, "fees"), SHIPPED, ["BTCUSDT", "SPY"]);
    expect(rows).toEqual([
      { symbol: "BTCUSDT", makerBps: 10, takerBps: 10, venue: "binance" },
      { symbol: "SPY", makerBps: 0, takerBps: 0, venue: "alpaca" },
    ]);
  });

  it("rejects fees in the wrong unit, unknown layouts and missing symbols, naming the file and key", () => {
    expect(() => parseFeeSchedule([{ symbol: "BTCUSDT", makerCommission: "0.001", takerCommission: "10" }], "fees.json")).toThrow("fees.json: symbols.BTCUSDT.takerBps: 100000 bps is outside [0, 1000]");
    expect(() => parseFeeSchedule([{ symbol: "BTCUSDT", makerCommission: "abc", takerCommission: "0.001" }], "fees.json")).toThrow(/fees.json: 0.makerCommission: not a number/);
    expect(() => parseFeeSchedule({ fees: [] }, "x.json")).toThrow(/x.json: \(root\): expected fees_by_symbol.json/);
    expect(() => parseFeeSchedule(readJsonFile(SHIPPED, "fees"), SHIPPED, ["DOGEUSDT"])).toThrow(/no fees for DOGEUSDT/);
  });
});

describe("buildFeeFile", () => {
  const existing = readJsonFile(SHIPPED, "fees") as Parameters<typeof buildFeeFile>[1]["existing"];

  it("writes the refreshed symbols over the existing file, keeping the others and the default", () => {
    const f = buildFeeFile([{ symbol: "BTCUSDT", makerBps: 7.5, takerBps: 7.5 }], { builtAt: "2026-01-01T00:00:00.000Z", source: "binance exchange-info adapter", venue: "binance", existing });
    expect(f.symbols["BTCUSDT"]).toEqual({ makerBps: 7.5, takerBps: 7.5, venue: "binance" });
    expect(f.symbols["SPY"]).toEqual({ makerBps: 0, takerBps: 0, venue: "alpaca" });
    expect(f.default).toEqual({ makerBps: 10, takerBps: 10 });
    expect(f.meta).toMatchObject({ built_at: "2026-01-01T00:00:00.000Z", refreshed: ["BTCUSDT"], previous_built_at: existing!.meta["built_at"] });
  });

  it("keeps only the refreshed symbols with replace", () => {
    const f = buildFeeFile([{ symbol: "BTCUSDT", makerBps: 7.5, takerBps: 7.5 }], { builtAt: "2026-01-01T00:00:00.000Z", source: "x", existing, replace: true });
    expect(Object.keys(f.symbols)).toEqual(["BTCUSDT"]);
    expect(loadFeeTable(SHIPPED)["BTCUSDT"]).toEqual({ makerBps: 10, takerBps: 10 }); // the shipped file is untouched
  });
});

describe("referenceFileAge", () => {
  const now = Date.parse("2026-01-31T00:00:00.000Z");
  it("is fresh within the refresh age and stale beyond it", () => {
    expect(referenceFileAge({ meta: { built_at: "2026-01-30T00:00:00.000Z" } }, "f.json", now, 7)).toMatchObject({ stale: false, ageDays: 1 });
    const old = referenceFileAge({ meta: { built_at: "2026-01-01T00:00:00.000Z" } }, "f.json", now, 7);
    expect(old.stale).toBe(true);
    expect(old.message).toBe("f.json is 30.0 days old (built 2026-01-01T00:00:00.000Z), older than the 7-day refresh age: refresh it");
  });
  it("treats a file without a readable built_at as stale", () => {
    expect(referenceFileAge({ symbols: {} }, "f.json", now, 7)).toMatchObject({ stale: true, builtAt: null, ageDays: Infinity });
    expect(referenceFileAge({ meta: { built_at: "yesterday" } }, "f.json", now, 7).stale).toBe(true);
  });
});

describe("staleReferenceWarnings", () => {
  it("warns about the fee and filter files the simulator loads once they pass their refresh age", async () => {
    const { staleReferenceWarnings } = await import("../../../lib/app/build-calibration");
    const { executionSchema } = await import("../../../lib/config/schemas/execution");
    const root = mkdtempSync(join(tmpdir(), "calib-age-"));
    try {
      mkdirSync(join(root, "data/fees"), { recursive: true });
      writeFileSync(join(root, "data/fees/fees_by_symbol.json"), JSON.stringify({ meta: { built_at: "2026-01-01T00:00:00.000Z" }, symbols: {} }));
      writeFileSync(join(root, "data/binance_filters.json"), JSON.stringify({ meta: { built_at: "2026-01-01T00:00:00.000Z" }, symbols: [] }));
      const exec = executionSchema.parse({});
      const day = (d: number) => Date.parse("2026-01-01T00:00:00.000Z") + d * 86_400_000;
      expect(staleReferenceWarnings(exec, { root, nowMs: day(1) })).toEqual([]);
      const w = staleReferenceWarnings(exec, { root, nowMs: day(10) });
      expect(w).toEqual(["data/binance_filters.json is 10.0 days old (built 2026-01-01T00:00:00.000Z), older than the 7-day refresh age: refresh it (npm run calibrate:filters)"]);
      expect(staleReferenceWarnings(exec, { root, nowMs: day(40) })).toHaveLength(2);
      expect(staleReferenceWarnings(executionSchema.parse({ filters: { enforce: false } }), { root, nowMs: day(10) })).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
