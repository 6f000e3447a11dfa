import { describe, expect, it } from "vitest";
import type { Instrument } from "../../../lib/core/instrument";
import { clipTarget, planOrder, reducesPosition } from "../../../lib/services/order-diff";
import { OrderFilters } from "../../../lib/sim/filters";

const btc: Instrument = { symbol: "BTCUSDT", venue: "binance", assetClass: "crypto", baseAsset: "BTC", quoteAsset: "USDT", tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, maxQty: 9000, minNotional: 5 };
const filters = new OrderFilters(btc);
const base = { equity: 10_000, leverage: 1, price: 100_000, position: 0, filters, allowShort: false };

describe("planOrder", () => {
  it("sizes the delta like the env (target x equity x leverage / price - position) and rounds the quantity down to the lot step", () => {
    const p = planOrder({ ...base, target: 0.5 });
    expect(p).toMatchObject({ kind: "order", side: "buy", qty: 0.05, capped: false });
    const q = planOrder({ ...base, target: 0.333333, position: 0.01 });
    expect(q).toMatchObject({ kind: "order", side: "buy", qty: 0.02333 });
  });

  it("sends nothing inside the rebalance band, under the market min notional, or when the target equals the position", () => {
    expect(planOrder({ ...base, target: 0.5, position: 0.0499, band: 0.01 })).toMatchObject({ kind: "none", reason: "band" });
    expect(planOrder({ ...base, target: 0.0004 })).toMatchObject({ kind: "none", reason: "min-notional" });
    expect(planOrder({ ...base, target: 0.5, position: 0.05 })).toMatchObject({ kind: "none", reason: "no-change" });
  });

  it("never buys more than the free quote balance pays for (fees and a slippage buffer included)", () => {
    const p = planOrder({ ...base, target: 1, freeQuote: 1_000, feeRate: 0.001 });
    expect(p.kind).toBe("order");
    if (p.kind !== "order") return;
    expect(p.capped).toBe(true);
    expect(p.qty * 100_000 * 1.003).toBeLessThanOrEqual(1_000);
    expect(planOrder({ ...base, target: 1, freeQuote: 0 })).toMatchObject({ kind: "none", reason: "no-funds" });
  });

  it("on a spot venue clips short targets to flat and never sells more than it holds", () => {
    expect(clipTarget({ ...base, target: -0.7 })).toBe(0);
    expect(planOrder({ ...base, target: -1, position: 0.02 })).toMatchObject({ kind: "order", side: "sell", qty: 0.02 });
    expect(planOrder({ ...base, allowShort: true, target: -0.5, position: 0.02 })).toMatchObject({ kind: "order", side: "sell", qty: 0.07 });
  });

  it("clips the target to the largest position the risk limits allow", () => {
    expect(planOrder({ ...base, target: 1, maxAbsPosition: 0.03 })).toMatchObject({ kind: "order", side: "buy", qty: 0.03 });
  });
});

describe("reducesPosition", () => {
  it("is true only for orders that shrink |position| without flipping it", () => {
    expect(reducesPosition("sell", 1, 2)).toBe(true);
    expect(reducesPosition("sell", 2, 2)).toBe(true);
    expect(reducesPosition("sell", 3, 2)).toBe(false);
    expect(reducesPosition("buy", 1, 2)).toBe(false);
    expect(reducesPosition("buy", 1, -2)).toBe(true);
  });
});
