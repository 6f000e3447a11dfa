import { describe, expect, it } from "vitest";
import { buildFiltersFile, filtersFromExchangeInfo, type FiltersFile, instrumentToBinanceSymbol } from "../../../lib/services/calibrate-fees-filters";
import { parseBinanceFilters } from "../../../lib/sim/binance-filters";
import { loadInstruments, readJsonFile } from "../../../lib/sim/loaders";

const SHIPPED = "data/binance_filters.json";

describe("exchange filters refresh", () => {
  it("serialises instruments into the exchangeInfo layout without losing any field the simulator reads", () => {
    const table = loadInstruments(SHIPPED);
    const extra = { ...table.get("BTCUSDT")!, symbol: "XYZUSDT", marketMaxQty: 100, marketStepSize: 0.001, maxNotional: undefined, maxQty: Number.POSITIVE_INFINITY, applyMinToMarket: false };
    for (const inst of [...table.values(), extra]) {
      const back = parseBinanceFilters({ symbols: [instrumentToBinanceSymbol(inst)] }).get(inst.symbol)!;
      expect({ ...back, venue: inst.venue }).toEqual(inst);
    }
  });

  it("keeps raw exchangeInfo entries of the requested symbols and validates them", () => {
    const raw = readJsonFile(SHIPPED, "filters");
    const entries = filtersFromExchangeInfo(raw, SHIPPED, ["ETHUSDT"]);
    expect(entries.map((e) => e["symbol"])).toEqual(["ETHUSDT"]);
    expect(entries[0]).toEqual((raw as FiltersFile).symbols[1]);
    expect(() => filtersFromExchangeInfo(raw, SHIPPED, ["DOGEUSDT"])).toThrow("data/binance_filters.json: no filters for DOGEUSDT");
  });

  it("rejects a zero tick size or a malformed filter, naming the file and symbol", () => {
    const raw = JSON.parse(JSON.stringify(readJsonFile(SHIPPED, "filters"))) as FiltersFile;
    (raw.symbols[0]!["filters"] as Record<string, unknown>[])[0]!["tickSize"] = "0";
    expect(() => filtersFromExchangeInfo(raw, "info.json")).toThrow("info.json: BTCUSDT: PRICE_FILTER tickSize 0 must be positive");
    (raw.symbols[0]!["filters"] as Record<string, unknown>[])[0]!["tickSize"] = "abc";
    expect(() => filtersFromExchangeInfo(raw, "info.json")).toThrow(/info.json.symbols\[0\].filters\[0\]\(PRICE_FILTER\).tickSize: not a decimal number/);
    expect(() => filtersFromExchangeInfo({ nothing: true }, "info.json")).toThrow(/expected exchangeInfo layout/);
  });

  it("merges refreshed symbols into the existing file, which the simulator then loads", () => {
    const existing = readJsonFile(SHIPPED, "filters") as FiltersFile;
    const inst = { ...loadInstruments(SHIPPED).get("BTCUSDT")!, tickSize: 0.1 };
    const f = buildFiltersFile([instrumentToBinanceSymbol(inst)], { builtAt: "2026-01-01T00:00:00.000Z", source: "binance exchange-info adapter", venue: "binance", existing, instruments: [inst] });
    expect(f.symbols.map((e) => e["symbol"])).toEqual(["ETHUSDT", "BTCUSDT"]);
    const table = parseBinanceFilters(f);
    expect(table.get("BTCUSDT")!.tickSize).toBe(0.1);
    expect(table.get("ETHUSDT")!.stepSize).toBe(0.0001);
    expect(f.meta).toMatchObject({ built_at: "2026-01-01T00:00:00.000Z", layout: "Binance GET /api/v3/exchangeInfo", refreshed: ["BTCUSDT"] });
  });
});
