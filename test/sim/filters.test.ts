import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Instrument } from "../../lib/core/instrument";
import { parseBinanceFilters, requireInstrument } from "../../lib/sim/binance-filters";
import { OrderFilters, describeRejection, newFilterOutcome } from "../../lib/sim/filters";
import { loadInstruments } from "../../lib/sim/loaders";
import { MatchingEngine } from "../../lib/sim/matching";
import { BTCUSDT, MIN, TEN_BARS, TOY, instruments, models } from "./fixtures";

const json = (p: string): unknown => JSON.parse(readFileSync(p, "utf8"));

describe("Binance exchangeInfo filters parser", () => {
  it("reads BTCUSDT and ETHUSDT from data/binance_filters.json", () => {
    const t = loadInstruments("data/binance_filters.json");
    expect([...t.keys()].sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(t.get("BTCUSDT")).toEqual(BTCUSDT);
    expect(t.get("ETHUSDT")).toMatchObject({ stepSize: 0.0001, minQty: 0.0001, tickSize: 0.01, minNotional: 5 });
  });

  it("reads every trading filter of the documented filter examples", () => {
    const docs = json("test/sim/data/spot_filters_docs.json") as Record<string, unknown>;
    const info = json("test/sim/data/spot_exchangeInfo_docs.json") as { symbols: { filters: unknown[] }[] };
    info.symbols[0]!.filters = ["PRICE_FILTER", "PERCENT_PRICE_BY_SIDE", "LOT_SIZE", "NOTIONAL", "ICEBERG_PARTS", "MARKET_LOT_SIZE", "MAX_NUM_ORDERS", "MAX_POSITION", "TRAILING_DELTA"].map((k) => docs[k]);
    const eth = requireInstrument(parseBinanceFilters(info), "ETHBTC");
    expect(eth).toEqual({
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
      minNotional: 10,
      maxNotional: 10000,
      applyMinToMarket: false,
      applyMaxToMarket: false,
      marketMinQty: 0.001,
      marketMaxQty: 100000,
      marketStepSize: 0.001,
      percentPrice: { bidUp: 1.2, bidDown: 0.2, askUp: 5, askDown: 0.8 },
    } satisfies Instrument);
  });

  it("reads the legacy MIN_NOTIONAL filter and a symbol-keyed map layout", () => {
    const docs = json("test/sim/data/spot_filters_docs.json") as Record<string, unknown>;
    const t = parseBinanceFilters({ symbols: { XUSDT: { baseAsset: "X", quoteAsset: "USDT", filters: [docs["MIN_NOTIONAL"]] } } });
    expect(t.get("XUSDT")).toMatchObject({ minNotional: 0.001, applyMinToMarket: true, maxQty: Number.POSITIVE_INFINITY });
  });

  it("keeps the documentation example with empty filters as an unconstrained instrument", () => {
    const eth = parseBinanceFilters(json("test/sim/data/spot_exchangeInfo_docs.json")).get("ETHBTC")!;
    expect(eth).toMatchObject({ tickSize: 0, stepSize: 0, minQty: 0, minNotional: 0 });
  });

  it("reads a USD-M futures exchangeInfo (MIN_NOTIONAL carries `notional`, PERCENT_PRICE `multiplierDecimal`)", () => {
    const blz = requireInstrument(loadInstruments("test/fixtures/binance/usdm_exchangeInfo_docs.json"), "BLZUSDT");
    expect(blz).toMatchObject({ minNotional: 5, applyMinToMarket: true, tickSize: 0.0001, stepSize: 1, maxQty: 10_000_000, marketMaxQty: 590_119, percentPrice: { bidUp: 1.15, bidDown: 0.85, askUp: 1.15, askDown: 0.85 } });
  });

  it("names the symbol, filter and field of a malformed filter", () => {
    const bad = { symbols: [{ symbol: "BADUSDT", baseAsset: "BAD", quoteAsset: "USDT", filters: [{ filterType: "LOT_SIZE", minQty: "abc", maxQty: "1", stepSize: "0.1" }] }] };
    expect(() => parseBinanceFilters(bad, { source: "f.json" })).toThrow(/f\.json\.symbols\[0\]\.filters\[0\]\(LOT_SIZE\)\.minQty: not a decimal number: "abc" \(symbol BADUSDT\)/);
    expect(() => parseBinanceFilters({ nope: 1 })).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
  });

  it("reports an unknown symbol with UNKNOWN_SYMBOL", () => {
    expect(() => requireInstrument(instruments(BTCUSDT)!, "DOGEUSDT", "data/binance_filters.json")).toThrow(expect.objectContaining({ code: "UNKNOWN_SYMBOL" }));
  });
});

describe("order filters (Binance semantics on BTCUSDT)", () => {
  const f = new OrderFilters(BTCUSDT);
  const out = newFilterOutcome();

  it("rounds quantities toward zero to the lot step", () => {
    expect(f.conform("buy", true, 0.123456789, Number.NaN, 60_000, out)).toBe(true);
    expect(out.qty).toBe(0.12345);
    expect(f.conform("sell", true, 0.3, Number.NaN, 60_000, out)).toBe(true);
    expect(out.qty).toBe(0.3); // 0.3 / 0.00001 is 29999.999999999996 in floating point
  });

  it("rounds limit prices to the tick on the side that never pays more", () => {
    f.conform("buy", false, 0.01, 60_000.129, 60_000, out);
    expect(out.price).toBe(60_000.12);
    f.conform("sell", false, 0.01, 60_000.121, 60_000, out);
    expect(out.price).toBe(60_000.13);
  });

  const cases: [string, Parameters<OrderFilters["conform"]>[0], boolean, number, number, string][] = [
    ["a quantity that rounds to zero", "buy", true, 0.000009, Number.NaN, "LOT_SIZE"],
    ["a quantity above maxQty", "buy", false, 9000.5, 1, "LOT_SIZE"],
    ["a notional below 5 USDT", "buy", true, 0.00008, Number.NaN, "MIN_NOTIONAL"],
    ["a limit notional above 9M USDT", "buy", false, 200, 60_000, "MAX_NOTIONAL"],
    ["a buy limit below 0.2x the reference", "buy", false, 1, 11_999.99, "PERCENT_PRICE_BY_SIDE"],
    ["a sell limit above 5x the reference", "sell", false, 0.001, 300_000.01, "PERCENT_PRICE_BY_SIDE"],
    ["a price above maxPrice", "sell", false, 0.001, 1_000_000.01, "PRICE_FILTER"],
  ];
  for (const [what, side, market, qty, price, reason] of cases) {
    it(`rejects ${what} with ${reason}`, () => {
      expect(f.conform(side, market, qty, price, 60_000, out)).toBe(false);
      expect(out.reason).toBe(reason);
      expect(describeRejection("BTCUSDT", side, out)).toMatch(/Filter failure/);
    });
  }

  it("does not apply the max notional to market orders (applyMaxToMarket false)", () => {
    expect(f.conform("buy", true, 200, Number.NaN, 60_000, out)).toBe(true);
  });

  it("accepts a buy limit exactly at 0.2x the reference", () => {
    expect(f.conform("buy", false, 1, 12_000, 60_000, out)).toBe(true);
  });

  it("applies MARKET_LOT_SIZE to market orders only", () => {
    const i: Instrument = { ...TOY, marketMinQty: 0.5, marketMaxQty: 2, marketStepSize: 0.1 };
    const g = new OrderFilters(i);
    expect(g.conform("buy", true, 1.234, Number.NaN, 100, out)).toBe(true);
    expect(out.qty).toBe(1.2);
    expect(g.conform("buy", true, 3, Number.NaN, 100, out)).toBe(false);
    expect(out.reason).toBe("MARKET_LOT_SIZE");
    expect(g.conform("buy", false, 3, 100, 100, out)).toBe(true);
    expect(out.qty).toBe(3);
  });
});

describe("filters in a hand-worked 10-bar scenario", () => {
  it("rounds what it can, rejects the rest with reason codes, and fills the rounded quantities", () => {
    const cfg = { fees: { takerBps: 0, makerBps: 0 }, slippage: { kind: "fixed", fixedBps: 0 }, latency: { enabled: false }, fill: { participationCap: 1 } };
    const e = new MatchingEngine(models(cfg).forSymbol("TOYUSDT", MIN));
    const c = TEN_BARS;
    const results: string[] = [];
    for (let i = 0; i < c.length; i++) {
      e.onBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
      const now = c.ts[i]! + MIN;
      const submit = (side: "buy" | "sell", qty: number, price?: number) => {
        const r = e.submit({ clientOrderId: `o${i}`, symbol: "TOYUSDT", side, type: price === undefined ? "market" : "limit", qty, price, timeInForce: "GTC" }, now);
        results.push(r.ok ? `ok ${r.value.qty}@${r.value.price ?? "mkt"}` : `${(r.error.details as { reason?: string }).reason}`);
      };
      if (i === 0) submit("buy", 0.2999); // 0.2999 * 100.5 = 30.14 USDT
      if (i === 1) submit("buy", 0.09); // 9.135 USDT < 10
      if (i === 2) submit("buy", 0.0004); // rounds to 0
      if (i === 3) submit("buy", 0.12345, 99.999); // -> 0.123 @ 99.99
      if (i === 4) submit("sell", 0.1, 99.991); // -> 0.1 @ 100.00 (but 10 USDT ok)
    }
    expect(results).toEqual(["ok 0.299@mkt", "MIN_NOTIONAL", "LOT_SIZE", "ok 0.123@99.99", "ok 0.1@100"]);
    expect(e.getOrder("o0")).toMatchObject({ status: "filled", filledQty: 0.299, avgPrice: 100.5 });
    expect(e.getOrder("o3")).toMatchObject({ status: "filled", avgPrice: 99.99 });
    expect(e.getOrder("o4")).toMatchObject({ status: "filled", avgPrice: 100 });
  });
});

describe("dust threshold", () => {
  it("is exactly where market quantities stop rounding to zero", () => {
    for (const inst of [BTCUSDT, TOY, { ...TOY, marketStepSize: 0.01, marketMinQty: 0.05 }]) {
      const f = new OrderFilters(inst);
      expect(f.roundQty(f.dustQty, true)).toBeGreaterThan(0);
      const below = f.dustQty - f.dustQty * Number.EPSILON;
      expect(f.roundQty(below, true)).toBe(0);
    }
  });
});

describe("market quantity clamp", () => {
  it("caps a market order at the lot maximum, the market lot maximum and the market max notional", () => {
    expect(new OrderFilters(BTCUSDT).clampMarketQty(20_000, 60_000)).toBe(9000);
    expect(new OrderFilters({ ...TOY, marketMaxQty: 50 }).clampMarketQty(80, 100)).toBe(50);
    expect(new OrderFilters({ ...TOY, maxNotional: 1000, applyMaxToMarket: true }).clampMarketQty(80, 100)).toBe(10);
    expect(new OrderFilters(TOY).clampMarketQty(3, 100)).toBe(3);
  });
});
