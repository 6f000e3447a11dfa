import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseBinanceExchangeFilters, parseBinanceFilters, parseBinanceSymbol } from "../../lib/config/binance-filters/index";
import type { Instrument } from "../../lib/core/instrument";

const json = <T = unknown>(name: string): T => JSON.parse(readFileSync(`test/fixtures/binance/${name}.json`, "utf8")) as T;
const docs = json<Record<string, Record<string, unknown>>>("spot_filters_docs");
const sym = (filters: unknown[], extra: Record<string, unknown> = {}) => ({ symbol: "XUSDT", status: "TRADING", baseAsset: "X", quoteAsset: "USDT", filters, ...extra });

describe("Binance exchangeInfo filters (shared by the simulator and the adapter)", () => {
  it("reads every filter of filters.md on one spot symbol, keeping order-count rules beside the instrument", () => {
    const info = json<{ symbols: Record<string, unknown>[] }>("spot_exchangeInfo_docs");
    const entry = { ...info.symbols[0]!, filters: Object.values(docs) };
    const p = parseBinanceSymbol(entry);
    expect(p.instrument).toEqual({
      symbol: "ETHBTC",
      venue: "binance",
      assetClass: "crypto",
      baseAsset: "ETH",
      quoteAsset: "BTC",
      tickSize: 0.000001,
      minPrice: 0.000001,
      maxPrice: 100000,
      stepSize: 0.001,
      minQty: 0.001,
      maxQty: 100000,
      minNotional: 10, // NOTIONAL supersedes the older MIN_NOTIONAL (0.001)
      maxNotional: 10000,
      applyMinToMarket: false,
      applyMaxToMarket: false,
      marketMinQty: 0.001,
      marketMaxQty: 100000,
      marketStepSize: 0.001,
      // PERCENT_PRICE (0.7x-1.3x) and PERCENT_PRICE_BY_SIDE (bid 0.2x-1.2x, ask 0.8x-5x) both apply: the ranges intersect
      percentPrice: { bidUp: 1.2, bidDown: 0.7, askUp: 1.3, askDown: 0.8 },
    } satisfies Instrument);
    expect(p.limits).toEqual({
      icebergParts: 10,
      maxNumOrders: 25,
      maxNumAlgoOrders: 5,
      maxNumIcebergOrders: 5,
      maxPosition: 10,
      trailingDelta: { minAbove: 10, maxAbove: 2000, minBelow: 10, maxBelow: 2000 },
      maxNumOrderAmends: 10,
      maxNumOrderLists: 20,
    });
    expect(p.unknownFilters).toEqual([]);
  });

  it("reads the exchange filters of filters.md from exchangeFilters", () => {
    const list = ["EXCHANGE_MAX_NUM_ORDERS", "EXCHANGE_MAX_NUM_ALGO_ORDERS", "EXCHANGE_MAX_NUM_ICEBERG_ORDERS", "EXCHANGE_MAX_NUM_ORDER_LISTS"].map((k) => docs[k]);
    expect(parseBinanceExchangeFilters(list)).toEqual({ maxNumOrders: 1000, maxNumAlgoOrders: 200, maxNumIcebergOrders: 10000, maxNumOrderLists: 20 });
    expect(() => parseBinanceExchangeFilters([{ filterType: "EXCHANGE_MAX_NUM_ICEBERG_ORDERS" }], "info.json")).toThrow(/info\.json\.exchangeFilters\[0\]\(EXCHANGE_MAX_NUM_ICEBERG_ORDERS\)\.maxNumIcebergOrders/);
  });

  it("reads the USD-M futures exchangeInfo of the docs: MIN_NOTIONAL `notional`, PERCENT_PRICE with multiplierDecimal, `limit` order counts", () => {
    const info = json("usdm_exchangeInfo_docs");
    const blz = parseBinanceFilters(info, { venue: "binance-futures" }).get("BLZUSDT");
    expect(blz).toEqual({
      symbol: "BLZUSDT",
      venue: "binance-futures",
      assetClass: "crypto",
      baseAsset: "BLZ",
      quoteAsset: "USDT",
      tickSize: 0.0001,
      minPrice: 0.0001,
      maxPrice: 300,
      stepSize: 1,
      minQty: 1,
      maxQty: 10_000_000,
      marketMinQty: 1,
      marketMaxQty: 590_119,
      marketStepSize: 1,
      minNotional: 5,
      applyMinToMarket: true,
      percentPrice: { bidUp: 1.15, bidDown: 0.85, askUp: 1.15, askDown: 0.85 },
    } satisfies Instrument);
    const raw = (info as { symbols: unknown[] }).symbols[0];
    expect(parseBinanceSymbol(raw).limits).toEqual({ maxNumOrders: 200, maxNumAlgoOrders: 10 });
  });

  it("reads zeros as documented for PRICE_FILTER (rule disabled) and as no bound elsewhere", () => {
    const p = parseBinanceSymbol(
      sym([
        { filterType: "PRICE_FILTER", minPrice: "0.00000000", maxPrice: "0.00000000", tickSize: "0.00000000" },
        { filterType: "LOT_SIZE", minQty: "0.00000000", maxQty: "0.00000000", stepSize: "0.00000000" },
        { filterType: "MARKET_LOT_SIZE", minQty: "0.00000000", maxQty: "0.00000000", stepSize: "0.00000000" },
        { filterType: "NOTIONAL", minNotional: "0", maxNotional: "0" },
      ]),
    ).instrument;
    expect(p).toEqual({ symbol: "XUSDT", venue: "binance", assetClass: "crypto", baseAsset: "X", quoteAsset: "USDT", tickSize: 0, stepSize: 0, minQty: 0, maxQty: Number.POSITIVE_INFINITY, minNotional: 0, applyMinToMarket: true, applyMaxToMarket: false });
  });

  it("keeps filter types it does not know out of the instrument without failing", () => {
    const p = parseBinanceSymbol(sym([docs["LOT_SIZE"], { filterType: "T_PLUS_SELL", anything: 1 }, { filterType: "SOME_FUTURE_FILTER" }]));
    expect(p.unknownFilters).toEqual(["T_PLUS_SELL", "SOME_FUTURE_FILTER"]);
    expect(p.instrument.stepSize).toBe(0.001);
  });

  it("names the source, symbol, filter index, filter type and field of a malformed filter", () => {
    const bad = (f: unknown) => () => parseBinanceFilters({ symbols: [sym([docs["PRICE_FILTER"], f])] }, { source: "f.json" });
    expect(bad({ filterType: "LOT_SIZE", minQty: "abc", maxQty: "1", stepSize: "0.1" })).toThrow('f.json.symbols[0].filters[1](LOT_SIZE).minQty: not a decimal number: "abc" (symbol XUSDT)');
    expect(bad({ filterType: "LOT_SIZE", minQty: "-1", maxQty: "1", stepSize: "0.1" })).toThrow(/filters\[1\]\(LOT_SIZE\)\.minQty: must not be negative/);
    expect(bad({ filterType: "MIN_NOTIONAL", applyToMarket: true })).toThrow(/filters\[1\]\(MIN_NOTIONAL\)\.minNotional: needs minNotional \(spot\) or notional \(USD-M futures\)/);
    expect(bad({ filterType: "PERCENT_PRICE", multiplierUp: "1.1", multiplierDown: "0.9", multiplierDecimal: "x" })).toThrow(/filters\[1\]\(PERCENT_PRICE\)\.multiplierDecimal/);
    expect(bad({ filterType: "MAX_NUM_ORDERS", maxNumOrders: 1.5 })).toThrow(expect.objectContaining({ code: "DATA_INVALID", details: expect.objectContaining({ symbol: "XUSDT", filterIndex: 1, filterType: "MAX_NUM_ORDERS" }) }));
    expect(() => parseBinanceFilters({ symbols: [{ symbol: "YUSDT", quoteAsset: "USDT", filters: [] }] }, { source: "f.json" })).toThrow(/f\.json\.symbols\[0\]\.baseAsset: .*\(symbol YUSDT\)/);
    expect(() => parseBinanceFilters({ nope: 1 }, { source: "f.json" })).toThrow(/f\.json: expected exchangeInfo layout/);
  });

  it("drops non-TRADING symbols only when asked", () => {
    const payload = { symbols: [sym([], { symbol: "AUSDT" }), sym([], { symbol: "BUSDT", status: "BREAK" })] };
    expect([...parseBinanceFilters(payload).keys()]).toEqual(["AUSDT", "BUSDT"]);
    expect([...parseBinanceFilters(payload, { includeNonTrading: false }).keys()]).toEqual(["AUSDT"]);
  });
});
