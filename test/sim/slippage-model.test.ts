import { describe, expect, it } from "vitest";
import { slippageSchema } from "../../lib/config/schemas/execution";
import type { Fill } from "../../lib/core/fill";
import { MatchingEngine } from "../../lib/sim/matching";
import { applySlippage, createSlippageModel, newSlippageInput } from "../../lib/sim/slippage-model";
import type { SlippageProfile } from "../../lib/sim/slippage-profile";
import type { ExecutionData } from "../../lib/sim/execution-models";
import { BTCUSDT, MIN, TEN_BARS, TOY, instruments, models } from "./fixtures";

const slip = (x: unknown) => slippageSchema.parse(x);

// no tick grid: the fill carries the model's price unrounded (matching.test.ts covers the tick rounding)
const TOY_NO_TICK = { ...TOY, tickSize: 0 };

/** Runs TEN_BARS with one market buy of `qty` decided at bar 2's close (fills at bar 3's open, 102). */
function buyAtBar3(cfg: unknown, qty = 2, quoteSpreadBps = Number.NaN, data: ExecutionData = { instruments: instruments(BTCUSDT, TOY_NO_TICK) }): Fill {
  const fills: Fill[] = [];
  const base = { fees: { makerBps: 0, takerBps: 0 }, latency: { enabled: false }, fill: { participationCap: 1 } };
  const e = new MatchingEngine(models({ ...base, ...(cfg as object) }, data).forSymbol("TOYUSDT", MIN), { onFill: (f) => fills.push(f) });
  e.quoteSpreadBps = quoteSpreadBps;
  const c = TEN_BARS;
  for (let i = 0; i < c.length; i++) {
    e.onBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
    if (i === 2) e.submit({ clientOrderId: "x", symbol: "TOYUSDT", side: "buy", type: "market", qty, timeInForce: "IOC" }, c.ts[i]! + MIN);
  }
  expect(fills).toHaveLength(1);
  return fills[0]!;
}

describe("fixed slippage", () => {
  it("moves buys up and sells down by the configured bps of the reference price", () => {
    expect(applySlippage("buy", 100.5, 5)).toBeCloseTo(100.55025, 12);
    expect(applySlippage("sell", 100.5, 5)).toBeCloseTo(100.44975, 12);
    const f = buyAtBar3({ slippage: { kind: "fixed", fixedBps: 5 } });
    expect(f.requestedPrice).toBe(102);
    expect(f.price).toBeCloseTo(102.051, 12);
    expect(f.slippageCost).toBeCloseTo(0.102, 12); // (102.051 - 102) * 2
  });
});

describe("square-root impact slippage (hand-worked on the 10 bars)", () => {
  it("adds half the spread to k * sigma * sqrt(q / V) with EWMA sigma and volume (half-life 2 bars)", () => {
    // EWMA over bars 0..2 with alpha = 1 - 2^-0.5: sigma = 0.011918441907302154, V = 50.85786437626905
    // impact = 1 * sigma * sqrt(2 / V) * 1e4 = 23.63498996015656 bps; half spread 1 bps
    const f = buyAtBar3({ slippage: { kind: "sqrt-impact", sqrtImpact: { k: 1, halfLifeBars: 2, spreadEstimate: { method: "fixed", bps: 2 } } } });
    expect(f.price).toBeCloseTo(102.2512768975936, 10);
  });

  it("estimates the spread from the previous bar's range with the high-low method", () => {
    // last bar only: sigma = ln(103/101)/sqrt(4 ln 2); range 196.078 bps * 0.1 = 19.608 bps spread
    // 19.608/2 + 0.5 * sigma * sqrt(2/60) * 1e4 = 20.55396922683652 bps
    const f = buyAtBar3({ slippage: { sqrtImpact: { k: 0.5, halfLifeBars: 0, spreadEstimate: { method: "high-low", bps: 2, rangeFraction: 0.1 } } } });
    expect(f.price).toBeCloseTo(102.20965048611374, 10);
  });

  it("uses the quoted spread when one is known", () => {
    const withQuote = buyAtBar3({ slippage: { sqrtImpact: { k: 0, spreadEstimate: { bps: 2 } } } }, 2, 4);
    expect(withQuote.price).toBeCloseTo(102 * (1 + 2 / 10_000), 12);
    const estimateOnly = buyAtBar3({ slippage: { sqrtImpact: { k: 0, spreadSource: "estimate", spreadEstimate: { bps: 2 } } } }, 2, 4);
    expect(estimateOnly.price).toBeCloseTo(102 * (1 + 1 / 10_000), 12);
  });

  it("caps slippage at maxBps, also when volume or volatility is unknown", () => {
    const m = createSlippageModel(slip({ sqrtImpact: { k: 1, maxBps: 50 } })).forSymbol("X");
    const inp = newSlippageInput();
    inp.qty = 1000;
    inp.price = 100;
    inp.sigma = 0.01;
    inp.volume = 1;
    expect(m.bps(inp)).toBe(50);
    inp.volume = 0;
    inp.qty = 0.001;
    expect(m.bps(inp)).toBe(50);
  });
});

describe("calibrated profile slippage", () => {
  const how = new Array<number>(168).fill(1);
  how[0] = 1.5; // Monday 00:00 UTC, when TEN_BARS trade
  const profile: SlippageProfile = {
    version: 1,
    symbols: {
      TOYUSDT: { buckets: [{ maxNotional: 1000, bps: 1 }, { maxNotional: 10_000, bps: 3 }, { maxNotional: null, bps: 8 }], hourOfWeek: how, maxBps: 10 },
    },
    default: { halfSpreadBps: 0.5, k: 0 },
  };
  const cfg = slip({ kind: "profile", profileFile: "p.json" });

  it("picks the notional bucket and applies the hour-of-week multiplier, capped by maxBps", () => {
    const m = createSlippageModel(cfg, { profile }).forSymbol("TOYUSDT");
    const inp = newSlippageInput();
    inp.price = 100;
    inp.hourOfWeek = 0;
    inp.qty = 0.5; // 50
    expect(m.bps(inp)).toBeCloseTo(1.5, 12);
    inp.qty = 10; // 1000: still the first bucket (<=)
    expect(m.bps(inp)).toBeCloseTo(1.5, 12);
    inp.qty = 50; // 5000
    expect(m.bps(inp)).toBeCloseTo(4.5, 12);
    inp.qty = 200; // 20000 -> 8 * 1.5 = 12 -> cap 10
    expect(m.bps(inp)).toBe(10);
    inp.hourOfWeek = 5;
    inp.qty = 50;
    expect(m.bps(inp)).toBeCloseTo(3, 12);
  });

  it("uses the default entry for other symbols", () => {
    const inp = newSlippageInput();
    inp.sigma = 0.01;
    inp.volume = 10;
    inp.qty = 1;
    expect(createSlippageModel(cfg, { profile }).forSymbol("ETHUSDT").bps(inp)).toBe(0.5);
  });

  it("fails with UNKNOWN_SYMBOL when the profile has neither the symbol nor a default", () => {
    const m = createSlippageModel(cfg, { profile: { version: 1, symbols: {} } });
    expect(() => m.forSymbol("ETHUSDT")).toThrow(expect.objectContaining({ code: "UNKNOWN_SYMBOL" }));
  });

  it("refuses kind profile without a loaded profile", () => {
    expect(() => createSlippageModel(cfg)).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    expect(slippageSchema.safeParse({ kind: "profile" }).success).toBe(false);
  });

  it("prices the 10-bar scenario fill from the profile", () => {
    // notional 2 * 102 = 204 -> first bucket 1 bps, Monday 00:03 UTC -> * 1.5
    const f = buyAtBar3({ slippage: { kind: "profile", profileFile: "p.json" } }, 2, Number.NaN, { instruments: instruments(TOY_NO_TICK), profile });
    expect(f.price).toBeCloseTo(102 * 1.00015, 12);
    expect(f.slippageCost).toBeCloseTo(2 * 102 * 0.00015, 12);
  });
});
