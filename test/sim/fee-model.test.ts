import { describe, expect, it } from "vitest";
import { feesSchema } from "../../lib/config/schemas/execution";
import { createFeeModel } from "../../lib/sim/fee-model";
import { MatchingEngine } from "../../lib/sim/matching";
import type { Fill } from "../../lib/core/fill";
import { MIN, TEN_BARS, models } from "./fixtures";

const fees = (x: unknown) => feesSchema.parse(x);

describe("crypto fee model", () => {
  const m = createFeeModel(fees({ makerBps: 10, takerBps: 10, tokenDiscount: 0.75, minFee: 0.05, commissionStep: 0.01 }), {
    table: { BTCUSDT: { makerBps: 2, takerBps: 4 }, REBUSDT: { makerBps: -1, takerBps: 5 } },
  });

  it("charges the per-symbol taker and maker rates times the token discount", () => {
    const f = m.forSymbol("BTCUSDT");
    expect(f.fee("buy", 0.5, 60_000, "taker")).toBeCloseTo(9, 12); // 30000 * 4bps * 0.75
    expect(f.fee("sell", 0.5, 60_000, "maker")).toBeCloseTo(4.5, 12); // 30000 * 2bps * 0.75
    expect(m.rates("BTCUSDT")).toEqual({ makerBps: 1.5, takerBps: 3 });
  });

  it("falls back to the global rates for a symbol missing from the fee file", () => {
    expect(m.rates("XYZUSDT")).toEqual({ makerBps: 7.5, takerBps: 7.5 });
    expect(m.forSymbol("XYZUSDT").fee("buy", 2, 500, "taker")).toBeCloseTo(0.75, 12); // 1000 * 7.5bps
  });

  it("raises small fees to the minimum fee", () => {
    expect(m.forSymbol("BTCUSDT").fee("buy", 0.001, 60_000, "taker")).toBe(0.05); // 0.018 -> 0.05
  });

  it("rounds fees up to the commission step, never down", () => {
    // 0.0123 * 61234.56 = 753.185088; * 4bps * 0.75 = 0.22595... -> 0.23
    expect(m.forSymbol("BTCUSDT").fee("buy", 0.0123, 61_234.56, "taker")).toBe(0.23);
  });

  it("rounds a maker rebate toward zero and does not apply the minimum fee to it", () => {
    // 1000 * -1bps * 0.75 = -0.075 -> -0.07
    expect(m.forSymbol("REBUSDT").fee("buy", 10, 100, "maker")).toBe(-0.07);
  });
});

describe("crypto fees without a commission step", () => {
  it("are rounded to the 8 decimals of a commission field", () => {
    const m = createFeeModel(fees({ makerBps: 10, takerBps: 7.5 })).forSymbol("BTCUSDT");
    expect(m.fee("buy", 0.00123, 101_234.57, "taker")).toBe(0.09338889); // 0.093388890825
    expect(m.fee("sell", 0.1, 0.3, "maker")).toBe(0.00003);
  });
});

describe("equity fee model", () => {
  const m = createFeeModel(fees({ kind: "equity" }));

  it("charges nothing on buys with zero commission", () => {
    expect(m.forSymbol("SPY").fee("buy", 100, 150, "taker")).toBe(0);
  });

  it("charges the SEC fee on sell proceeds and the FINRA TAF per share, each rounded up to the cent", () => {
    // SEC 15000 * 0.0000278 = 0.417 -> 0.42; TAF 100 * 0.000166 = 0.0166 -> 0.02
    expect(m.forSymbol("SPY").fee("sell", 100, 150, "taker")).toBeCloseTo(0.44, 12);
  });

  it("caps the FINRA TAF per order", () => {
    // SEC 600000 * 0.0000278 = 16.68; TAF 60000 * 0.000166 = 9.96 -> cap 8.30
    expect(m.forSymbol("SPY").fee("sell", 60_000, 10, "taker")).toBeCloseTo(24.98, 12);
  });

  it("adds per-share and bps commission on both sides", () => {
    const c = createFeeModel(fees({ kind: "equity", equity: { commissionPerShare: 0.005, commissionBps: 1, secFeeRate: 0, finraTafPerShare: 0 } }));
    expect(c.forSymbol("AAPL").fee("buy", 100, 200, "taker")).toBeCloseTo(0.5 + 2, 12);
    expect(c.forSymbol("AAPL").fee("sell", 100, 200, "taker")).toBeCloseTo(2.5, 12);
  });
});

describe("fees in a hand-worked 10-bar scenario", () => {
  it("charges taker fees on market fills, maker fees on resting limits, with minimum fee and step", () => {
    const cfg = {
      fees: { makerBps: 2, takerBps: 10, minFee: 0.02, commissionStep: 0.001, commissionAsset: "quote" },
      slippage: { kind: "fixed", fixedBps: 0 },
      latency: { enabled: false },
      fill: { participationCap: 1 },
    };
    const fills: Fill[] = [];
    const e = new MatchingEngine(models(cfg).forSymbol("TOYUSDT", MIN), { onFill: (f) => fills.push(f) });
    const c = TEN_BARS;
    let cash = 1000;
    let pos = 0;
    for (let i = 0; i < c.length; i++) {
      e.onBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
      const now = c.ts[i]! + MIN;
      if (i === 0) e.submit({ clientOrderId: "a", symbol: "TOYUSDT", side: "buy", type: "market", qty: 1, timeInForce: "GTC" }, now);
      if (i === 3) e.submit({ clientOrderId: "b", symbol: "TOYUSDT", side: "sell", type: "market", qty: 0.4, timeInForce: "GTC" }, now);
      if (i === 4) e.submit({ clientOrderId: "c", symbol: "TOYUSDT", side: "buy", type: "limit", price: 99.9, qty: 0.5, timeInForce: "GTC" }, now);
    }
    for (const f of fills) {
      cash -= (f.side === "buy" ? 1 : -1) * f.qty * f.price + f.fee;
      pos += (f.side === "buy" ? 1 : -1) * f.qty;
    }
    expect(fills.map((f) => [f.clientOrderId, f.price, f.liquidity, f.fee])).toEqual([
      ["a", 100.5, "taker", 0.101], // 100.5 * 10bps = 0.1005 -> 0.101
      ["b", 101, "taker", 0.041], // 40.4 * 10bps = 0.0404 -> 0.041
      ["c", 99.9, "maker", 0.02], // 49.95 * 2bps = 0.00999 -> min fee 0.02
    ]);
    expect(cash).toBeCloseTo(889.788, 9);
    expect(pos).toBeCloseTo(1.1, 12);
    expect(cash + pos * c.close[9]!).toBeCloseTo(1001.108, 9);
  });
});
