import { afterEach, describe, expect, it } from "vitest";
import type { ReplayExchange } from "../../../lib/venues/replay/index";
import { failedFilter, units, type FilterInput } from "../../../lib/venues/replay/order-filters";
import { order, signed, startOrdersExchange } from "./orders-helpers";

let ex: ReplayExchange | undefined;
afterEach(async () => {
  await ex?.close();
  ex = undefined;
});

/** A paused replay one bar in (last price ~100 000; BTCUSDT: tick 0.01, step 0.00001, min notional 5, price 0.2x..5x). */
async function open(): Promise<ReplayExchange> {
  ex = await startOrdersExchange();
  await ex.step(1);
  return ex;
}

const filterFailure = (name: string) => ({ status: 400, body: { code: -1013, msg: `Filter failure: ${name}` } });

describe("replay order filters (exact, as Binance checks them)", () => {
  it("rejects a price off the tick with -1013 PRICE_FILTER instead of rounding it", async () => {
    const ex = await open();
    expect(await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "99990.005" })).toEqual(filterFailure("PRICE_FILTER"));
    expect(await order(ex, { side: "SELL", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "1000000.01" })).toEqual(filterFailure("PRICE_FILTER"));
    expect((await signed(ex, "GET", "/api/v3/openOrders", { symbol: "BTCUSDT" })).body).toEqual([]);
  });

  it("rejects a quantity off the step with -1013 LOT_SIZE, for limit and market orders alike", async () => {
    const ex = await open();
    expect(await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.000015", price: "99990" })).toEqual(filterFailure("LOT_SIZE"));
    expect(await order(ex, { side: "BUY", type: "MARKET", quantity: "0.000125" })).toEqual(filterFailure("LOT_SIZE"));
    expect(await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "9000.00001", price: "0.01" })).toEqual(filterFailure("LOT_SIZE"));
  });

  it("compares on the decimal grid exactly: 0.00007 is 7 steps of 0.00001 (a float division says 6.999...)", async () => {
    const ex = await open();
    expect(0.00007 / 0.00001).not.toBe(7);
    const r = await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.00007", price: "99990.01", newOrderRespType: "RESULT" });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: "NEW", origQty: "0.00007000", price: "99990.01000000", type: "LIMIT" });
  });

  it("rejects a notional below the minimum (-1013 NOTIONAL), with the last price for market orders", async () => {
    const ex = await open();
    expect(await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.00004", price: "99990" })).toEqual(filterFailure("NOTIONAL")); // 3.9996
    expect(await order(ex, { side: "BUY", type: "MARKET", quantity: "0.00004" })).toEqual(filterFailure("NOTIONAL"));
    expect(await order(ex, { side: "BUY", type: "MARKET", quoteOrderQty: "4.99" })).toEqual(filterFailure("NOTIONAL"));
  });

  it("rejects a limit price beyond the side's multipliers of the last price with -1013 PERCENT_PRICE_BY_SIDE", async () => {
    const ex = await open();
    expect(await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "600000" })).toEqual(filterFailure("PERCENT_PRICE_BY_SIDE"));
    expect(await order(ex, { side: "SELL", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "19000" })).toEqual(filterFailure("PERCENT_PRICE_BY_SIDE"));
  });

  it("answers parameter errors with Binance's codes before any filter", async () => {
    const ex = await open();
    expect((await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.000000001", price: "99990" })).body).toEqual({ code: -1111, msg: "Parameter 'quantity' has too much precision." });
    expect((await order(ex, { side: "BUY", type: "MARKET" })).body).toEqual({ code: -1102, msg: "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!" });
    expect((await order(ex, { side: "BUY", type: "MARKET", quantity: "0.001", quoteOrderQty: "100" })).body.code).toBe(-1128);
    expect((await order(ex, { side: "BUY", type: "LIMIT_MAKER", quantity: "0.001", price: "99000", timeInForce: "GTC" })).body.code).toBe(-1106);
    expect((await order(ex, { side: "BUY", type: "STOP_LOSS_LIMIT", quantity: "0.001", price: "99000", timeInForce: "GTC", stopPrice: "99500" })).body).toEqual({ code: -2010, msg: "Stop loss limit orders are not supported for this symbol." });
  });

  it("advertises in exchangeInfo exactly the order types the order endpoint executes", async () => {
    const ex = await open();
    const res = await fetch(`${ex.baseUrl}/api/v3/exchangeInfo?symbol=BTCUSDT`);
    const info = (await res.json()) as { symbols: { orderTypes: string[]; ocoAllowed?: boolean }[] };
    expect(info.symbols[0]!.orderTypes).toEqual(["LIMIT", "LIMIT_MAKER", "MARKET"]);
  });
});

describe("POST /api/v3/order/test", () => {
  it("validates exactly like a real order, needs no balance and creates nothing", async () => {
    const ex = await open();
    const test = (p: Record<string, string>) => signed(ex, "POST", "/api/v3/order/test", { symbol: "BTCUSDT", ...p });
    expect(await test({ side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "99990.001" })).toEqual(filterFailure("PRICE_FILTER"));
    expect(await test({ side: "BUY", type: "MARKET", quantity: "0.00001" })).toEqual(filterFailure("NOTIONAL"));
    expect(await test({ side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "99990" })).toEqual({ status: 200, body: {} }); // 99 990 USDT > balance: not checked
    expect(await test({ side: "BUY", type: "MARKET", quantity: "0.001", computeCommissionRates: "true" })).toEqual({
      status: 200,
      body: {
        standardCommissionForOrder: { maker: "0.00100000", taker: "0.00100000" },
        specialCommissionForOrder: { maker: "0.00000000", taker: "0.00000000" },
        taxCommissionForOrder: { maker: "0.00000000", taker: "0.00000000" },
        discount: { enabledForAccount: false, enabledForSymbol: false, discountAsset: "BNB", discount: "0.00000000" },
      },
    });
    expect((await signed(ex, "GET", "/api/v3/openOrders", {})).body).toEqual([]);
    expect(ex.progress().orders).toBe(0);
  });
});

describe("LIMIT_MAKER (post-only)", () => {
  it("rests when it would not take, and is rejected with -2010 when it would immediately match", async () => {
    const ex = await open();
    const last = Number(((await (await fetch(`${ex.baseUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1`)).json()) as string[][])[0]![4]);
    const take = await order(ex, { side: "BUY", type: "LIMIT_MAKER", quantity: "0.001", price: (last + 10).toFixed(2) });
    expect(take).toEqual({ status: 400, body: { code: -2010, msg: "Order would immediately match and take." } });
    const rest = await order(ex, { side: "BUY", type: "LIMIT_MAKER", quantity: "0.001", price: (last - 500).toFixed(2), newClientOrderId: "maker-1" });
    expect(rest.status).toBe(200);
    expect(Object.keys(rest.body).sort()).toEqual(["clientOrderId", "orderId", "orderListId", "symbol", "transactTime"]); // ACK: the default for LIMIT_MAKER
    const q = await signed(ex, "GET", "/api/v3/order", { symbol: "BTCUSDT", origClientOrderId: "maker-1" });
    expect(q.body).toMatchObject({ type: "LIMIT_MAKER", status: "NEW", timeInForce: "GTC", isWorking: true });
  });
});

describe("filter rules on a symbol with MARKET_LOT_SIZE and the older MIN_NOTIONAL", () => {
  const entry = {
    symbol: "LTCBTC",
    baseAsset: "LTC",
    quoteAsset: "BTC",
    filters: [
      { filterType: "PRICE_FILTER", minPrice: "0.00000100", maxPrice: "100000.00000000", tickSize: "0.00000100" },
      { filterType: "LOT_SIZE", minQty: "0.00100000", maxQty: "100000.00000000", stepSize: "0.00100000" },
      { filterType: "MIN_NOTIONAL", minNotional: "0.00100000", applyToMarket: true, avgPriceMins: 5 },
      { filterType: "MARKET_LOT_SIZE", minQty: "0.10000000", maxQty: "1000.00000000", stepSize: "0.10000000" },
    ],
  };
  const u = (s: string) => units(s)!;
  const check = (o: Partial<FilterInput>) => failedFilter(entry, { side: "BUY", market: false, ref: u("0.0025"), ...o });

  it("names the first failing filter in the symbol's order, comparing exact decimals", () => {
    expect(check({ price: u("0.0025"), quantity: u("0.4") })).toBeUndefined(); // 400 steps of 0.001; notional exactly the minimum 0.001
    expect(check({ price: u("0.0025005"), quantity: u("1") })).toBe("PRICE_FILTER");
    expect(check({ price: u("0.0025"), quantity: u("0.0005") })).toBe("LOT_SIZE");
    expect(check({ price: u("0.0025"), quantity: u("0.399") })).toBe("MIN_NOTIONAL"); // 0.0009975 < 0.001
    expect(check({ market: true, quantity: u("0.45") })).toBe("MARKET_LOT_SIZE"); // on the LOT_SIZE step, off the market step
    expect(check({ market: true, quantity: u("0.5") })).toBeUndefined();
    expect(check({ market: true, quantity: u("2000") })).toBe("MARKET_LOT_SIZE");
  });

  it("reads decimal strings exactly and refuses anything else", () => {
    expect(units("0.1")! + units("0.2")!).toBe(units("0.3"));
    expect(units("1e-8")).toBeUndefined();
    expect(units("-1")).toBeUndefined();
  });
});
