import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { parseBinanceFilters } from "../../../lib/config/binance-filters/index";
import { loadInstruments } from "../../../lib/sim/loaders";
import { decode, instrumentFromSymbol } from "../../../lib/venues/binance/parse";
import { exchangeInfoSchema } from "../../../lib/venues/binance/schemas";
import { fixture } from "./fixtures";
import { T0, setup, type Harness } from "./harness";

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const FILTERS_FILE = "data/binance_filters.json";

describe("Binance exchange info: one filter parser for the adapter and the simulator", () => {
  it("reads data/binance_filters.json into the same Instrument objects through the adapter (over HTTP) and the simulator", async () => {
    h = await setup();
    const file = JSON.parse(readFileSync(FILTERS_FILE, "utf8")) as Record<string, unknown>;
    h.server.exchangeInfoBody = { ...file, serverTime: T0 };
    const sim = loadInstruments(FILTERS_FILE);
    const symbols = [...sim.keys()];
    expect(symbols.sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    const adapter = await h.venue.exchangeInfo.instruments(symbols);
    expect(adapter).toEqual(symbols.map((s) => sim.get(s)));
    // and without the transport: the adapter's raw-symbol entry point gives the same objects
    const info = decode(exchangeInfoSchema, { ...file, serverTime: T0 }, "exchangeInfo");
    expect(info.symbols.map((s) => instrumentFromSymbol(s, "binance"))).toEqual(symbols.map((s) => sim.get(s)));
  });

  it("reads the USD-M docs exchangeInfo from /fapi/v1/exchangeInfo and installs its rateLimits", async () => {
    h = await setup({ name: "binance-futures" });
    const info = fixture("usdm_exchangeInfo_docs");
    h.server.exchangeInfoBody = info;
    const [blz] = await h.venue.exchangeInfo.instruments(["BLZUSDT"]);
    expect(blz).toEqual(parseBinanceFilters(info, { venue: "binance-futures" }).get("BLZUSDT"));
    expect(blz).toMatchObject({ minNotional: 5, tickSize: 0.0001, stepSize: 1, percentPrice: { bidUp: 1.15, askDown: 0.85 } });
    expect(h.server.count("GET", "/fapi/v1/exchangeInfo")).toBe(1);
    expect(h.venue.rest.limiter.limits).toEqual([
      { type: "REQUEST_WEIGHT", intervalNum: 1, interval: "M", limit: 2400 },
      { type: "ORDERS", intervalNum: 1, interval: "M", limit: 1200 },
    ]);
  });

  it("reads LOT_SIZE maxQty 0 as no maximum and MARKET_LOT_SIZE zeros as not set, like the simulator", () => {
    const filters = [
      { filterType: "LOT_SIZE", minQty: "0.10000000", maxQty: "0.00000000", stepSize: "0.10000000" },
      { filterType: "MARKET_LOT_SIZE", minQty: "0.00000000", maxQty: "0.00000000", stepSize: "0.00000000" },
    ];
    const s = { symbol: "XUSDT", status: "TRADING", baseAsset: "X", quoteAsset: "USDT", filters };
    const inst = instrumentFromSymbol(s, "binance");
    expect(inst).toEqual(parseBinanceFilters({ symbols: [s] }).get("XUSDT"));
    expect(inst).toMatchObject({ minQty: 0.1, maxQty: Number.POSITIVE_INFINITY, stepSize: 0.1 });
    expect(inst.marketMaxQty).toBeUndefined();
  });

  it("reports a malformed venue filter as PARSE_ERROR naming the symbol, filter index, type and field", async () => {
    h = await setup();
    const info = fixture<{ symbols: Record<string, unknown>[] } & Record<string, unknown>>("usdm_exchangeInfo_docs");
    const blz = info.symbols[0]!;
    const filters = [...(blz["filters"] as Record<string, unknown>[])];
    filters[5] = { filterType: "MIN_NOTIONAL", notional: "five" };
    h.server.exchangeInfoBody = { ...info, symbols: [{ ...blz, filters }] };
    const e = await h.venue.exchangeInfo.instruments(["BLZUSDT"]).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "PARSE_ERROR", details: { symbol: "BLZUSDT", filterIndex: 5, filterType: "MIN_NOTIONAL" } });
    expect((e as Error).message).toBe('binance exchangeInfo.BLZUSDT.filters[5](MIN_NOTIONAL).notional: not a decimal number: "five" (symbol BLZUSDT)');
  });

  it("keeps the configured weight limit as a ceiling and rejects a malformed rateLimits entry by index", async () => {
    h = await setup({ cfg: { weightLimitPerMinute: 1000 } });
    h.server.rateLimits = fixture<{ exchangeInfo_rateLimits_live_2021: unknown[] }>("spot_rate_limit_headers_docs").exchangeInfo_rateLimits_live_2021;
    await h.venue.exchangeInfo.instruments(["BTCUSDT"]);
    expect(h.venue.rest.limiter.limits).toEqual([
      { type: "REQUEST_WEIGHT", intervalNum: 1, interval: "M", limit: 1000 },
      { type: "ORDERS", intervalNum: 10, interval: "S", limit: 50 },
      { type: "ORDERS", intervalNum: 1, interval: "D", limit: 160000 },
      { type: "RAW_REQUESTS", intervalNum: 5, interval: "M", limit: 6100 },
    ]);
    h.server.rateLimits = [{ rateLimitType: "ORDERS", interval: "WEEK", intervalNum: 1, limit: 5 }];
    await expect(h.venue.exchangeInfo.instruments(["ETHBTC"])).rejects.toMatchObject({ code: "PARSE_ERROR", message: expect.stringContaining("exchangeInfo.rateLimits[0](ORDERS).interval") });
  });
});
