import { describe, expect, it } from "vitest";
import { VenueError } from "../../../lib/core/errors";
import { feeValue } from "../../../lib/core/fill";
import { barFromKlineRow, barFromWsKline, decode, decimalsOf, fillFromExecutionReport, fillFromOrderFill, formatDecimal, formatPrice, formatQty, instrumentFromSymbol, orderFromCancel, orderFromRaw, balancesFromAccount } from "../../../lib/venues/binance/parse";
import { accountSchema, cancelOrderSchema, executionReportSchema, exchangeInfoSchema, klinesSchema, openOrdersSchema, orderSchema, wsKlineSchema } from "../../../lib/venues/binance/schemas";
import { exchangeInfoPayload, fixture } from "./fixtures";

describe("parsing documented Binance payloads", () => {
  it("turns the docs kline row into a bar with numbers and its close time", () => {
    const [row] = decode(klinesSchema, fixture("spot_klines_docs"), "klines");
    const { bar, closeTime } = barFromKlineRow(row!);
    expect(bar).toEqual({ ts: 1499040000000, open: 0.0163479, high: 0.8, low: 0.015758, close: 0.015771, volume: 148976.11427815, quoteVolume: 2434.19055334, trades: 308, takerBuyVolume: 1756.87402397 });
    expect(closeTime).toBe(1499644799999);
  });

  it("maps exchangeInfo filters onto Instrument fields (PRICE_FILTER, LOT_SIZE, MARKET_LOT_SIZE, NOTIONAL, PERCENT_PRICE_BY_SIDE)", () => {
    const info = decode(exchangeInfoSchema, exchangeInfoPayload(0), "exchangeInfo");
    const eth = instrumentFromSymbol(info.symbols[0]!, "binance");
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
    });
    const btc = instrumentFromSymbol(info.symbols[1]!, "binance");
    expect(btc.marketStepSize).toBeUndefined(); // zeros in MARKET_LOT_SIZE mean "as LOT_SIZE"
    expect(btc.marketMaxQty).toBe(100);
  });

  it("reads the older MIN_NOTIONAL filter, including the futures `notional` field", () => {
    const f = fixture<Record<string, Record<string, unknown>>>("spot_filters_docs");
    const base = { symbol: "X", status: "TRADING", baseAsset: "A", quoteAsset: "B" };
    expect(instrumentFromSymbol({ ...base, filters: [f.MIN_NOTIONAL as { filterType: string }] }, "v")).toMatchObject({ minNotional: 0.001, applyMinToMarket: true });
    expect(instrumentFromSymbol({ ...base, filters: [{ filterType: "MIN_NOTIONAL", notional: "5" }] }, "v").minNotional).toBe(5);
  });

  it("reads ACK, RESULT and FULL new-order responses", () => {
    const req = { clientOrderId: "6gCrw2kRUAF9CvJDGP16IP", symbol: "BTCUSDT", side: "sell" as const, type: "market" as const, qty: 10, timeInForce: "GTC" as const };
    const ack = orderFromRaw(decode(orderSchema, fixture("spot_order_response_ACK_docs"), "order"), req);
    expect(ack).toMatchObject({ status: "accepted", qty: 10, filledQty: 0, side: "sell", venueOrderId: "28", createdTs: 1507725176595 });
    const result = orderFromRaw(decode(orderSchema, fixture("spot_order_response_RESULT_docs"), "order"));
    expect(result).toMatchObject({ status: "filled", type: "market", side: "sell", qty: 10, filledQty: 10, avgPrice: 1 });
    expect(result.price).toBeUndefined();
    const fullRaw = decode(orderSchema, fixture("spot_order_response_FULL_docs"), "order");
    const fills = fullRaw.fills!.map((f) => fillFromOrderFill(fullRaw, f, "sell", { instrument: { baseAsset: "BTC", quoteAsset: "USDT" } }));
    expect(fills.map((f) => [f.tradeId, f.price, f.qty, f.fee, f.feeAsset])).toEqual([
      ["56", 4000, 1, 4, "USDT"],
      ["57", 3999, 5, 19.995, "USDT"],
      ["58", 3998, 2, 7.996, "USDT"],
      ["59", 3997, 1, 3.997, "USDT"],
      ["60", 3995, 1, 3.995, "USDT"],
    ]);
  });

  it("reads open orders and account balances", () => {
    const [o] = decode(openOrdersSchema, fixture("spot_openOrders_docs"), "openOrders").map((r) => orderFromRaw(r));
    expect(o).toMatchObject({ clientOrderId: "myOrder1", symbol: "LTCBTC", status: "accepted", type: "limit", price: 0.1, qty: 1, side: "buy", updatedTs: 1499827319559 });
    const bal = balancesFromAccount(decode(accountSchema, fixture("spot_account_docs"), "account"));
    expect(bal).toEqual([
      { asset: "BTC", free: 4723846.89208129, locked: 0 },
      { asset: "LTC", free: 4763368.68006011, locked: 0 },
    ]);
  });

  it("parses the docs executionReport (the event of its { subscriptionId, event } envelope)", () => {
    const e = decode(executionReportSchema, fixture<{ subscriptionId: number; event: unknown }>("ws_executionReport_docs").event, "executionReport");
    expect(e).toMatchObject({ s: "ETHBTC", c: "mUvoqJxFIILMdfAW5iGSOW", x: "NEW", X: "NEW", i: 4293153 });
    const trade = { ...e, x: "TRADE", X: "FILLED" as const, l: "1.00000000", z: "1.00000000", L: "0.10264410", n: "0.00100000", N: "ETH", t: 77, m: true };
    const f = fillFromExecutionReport(trade, { instrument: { baseAsset: "ETH", quoteAsset: "BTC" }, requestedPrice: 0.1, submittedTs: 1499405658600 });
    // a buy's commission in the base asset stays in it: it came out of the 1 ETH received
    expect(f).toMatchObject({ symbol: "ETHBTC", side: "buy", qty: 1, price: 0.1026441, fee: 0.001, feeAsset: "ETH", feeFromBase: true, liquidity: "maker", tradeId: "77", latencyMs: 57 });
    expect(feeValue(f)).toBeCloseTo(0.001 * 0.1026441, 15);
    const sell = fillFromExecutionReport({ ...trade, S: "SELL", N: "BTC", n: "0.00010264" }, { instrument: { baseAsset: "ETH", quoteAsset: "BTC" } });
    expect([sell.fee, sell.feeAsset, sell.feeFromBase]).toEqual([0.00010264, "BTC", undefined]);
    expect(f.slippageCost).toBeCloseTo(0.0026441, 12);
  });

  it("reads spot and USD-M kline stream events", () => {
    const spot = decode(wsKlineSchema, fixture("ws_kline_1m_docs"), "kline");
    expect(spot.k.x).toBe(false);
    expect(barFromWsKline(spot)).toMatchObject({ ts: 1672515780000, open: 0.001, high: 0.0025, low: 0.0015, close: 0.002, volume: 1000, trades: 100 });
    const fut = decode(wsKlineSchema, fixture("futures_ws_kline_closed_derived"), "kline");
    expect(fut.k.x).toBe(true);
    expect(barFromWsKline(fut).ts).toBe(1638747660000);
  });

  it("rejects a malformed payload with PARSE_ERROR naming the path and carrying the raw payload", () => {
    const bad = { ...fixture<Record<string, unknown>>("spot_order_response_RESULT_docs"), executedQty: "ten" };
    let caught: unknown;
    try {
      decode(orderSchema, bad, "order");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(VenueError);
    const ve = caught as VenueError;
    expect(ve.code).toBe("PARSE_ERROR");
    expect(ve.message).toContain("executedQty");
    expect(ve.details.raw).toContain('"executedQty":"ten"');
  });
});

describe("order amounts sent to the venue", () => {
  it("never uses exponent notation", () => {
    expect(formatDecimal(1e-7)).toBe("0.0000001");
    expect(formatDecimal(0.1 + 0.2)).toBe("0.3");
    expect(formatDecimal(1e21)).toBe("1000000000000000000000");
    expect(formatQty(1e-7, 1e-8)).toBe("0.0000001");
    expect(formatPrice(2.5e-7, 1e-8, "buy")).toBe("0.00000025");
    expect(decimalsOf(0.00001)).toBe(5);
    expect(decimalsOf(1)).toBe(0);
    expect(decimalsOf(1e-8)).toBe(8);
  });

  it("floors quantities to the step, so a sell never exceeds what is held", () => {
    expect(formatQty(0.123456789, 0.00001)).toBe("0.12345");
    expect(formatQty(0.999999, 0.001)).toBe("0.999");
    expect(formatQty(25, 0.01)).toBe("25");
    expect(formatQty(7, 2)).toBe("6");
  });

  it("treats float representation noise as the decimal it stands for (0.3 is 3 steps of 0.1)", () => {
    expect(formatQty(0.3, 0.1)).toBe("0.3");
    expect(formatQty(0.1 + 0.2, 0.1)).toBe("0.3");
    expect(formatQty(0.7 * 3, 0.1)).toBe("2.1");
    expect(formatQty(1.005, 0.001)).toBe("1.005");
    expect(formatQty(4.35 * 100, 1)).toBe("435");
  });

  it("rounds prices to the passive side of the tick: a buy down, a sell up", () => {
    expect(formatPrice(99.123456, 0.01, "buy")).toBe("99.12");
    expect(formatPrice(99.123456, 0.01, "sell")).toBe("99.13");
    expect(formatPrice(99.12, 0.01, "sell")).toBe("99.12");
    expect(formatPrice(0.1 + 0.2, 0.1, "sell")).toBe("0.3");
    expect(formatPrice(101, 0.5, "buy")).toBe("101");
    expect(formatPrice(101.7, 0.5, "sell")).toBe("102");
  });

  it("refuses a non-finite or negative amount", () => {
    expect(() => formatQty(Number.NaN, 0.1)).toThrow(/quantity/);
    expect(() => formatPrice(-1, 0.1, "buy")).toThrow(/price/);
  });
});

describe("cancel responses", () => {
  it("are read against the order's own id (origClientOrderId), not the cancel request's id", () => {
    const raw = decode(cancelOrderSchema, fixture("spot_cancel_order_response_docs"), "order cancel");
    const o = orderFromCancel(raw);
    expect([o.clientOrderId, o.status, o.venueOrderId, o.price, o.qty]).toEqual(["myOrder1", "canceled", "4", 2, 1]);
  });

  it("keep the creation time of the order as tracked (the response carries only the cancel's time)", () => {
    const raw = decode(cancelOrderSchema, fixture("spot_cancel_order_response_docs"), "order cancel");
    const known = orderFromRaw({ ...raw, clientOrderId: "myOrder1", status: "NEW", time: 1684804000000 });
    expect(orderFromCancel(raw, known).createdTs).toBe(1684804000000);
  });
});
