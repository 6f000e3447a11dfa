import { describe, expect, it } from "vitest";
import { VectorKernel, targetDelta } from "../../lib/sim/vector-kernel";
import { MIN, TEN_BARS, TOY, instruments, models } from "./fixtures";

const CFG = { fees: { takerBps: 10, makerBps: 10, commissionAsset: "quote" }, slippage: { kind: "fixed", fixedBps: 5 }, latency: { enabled: false }, fill: { participationCap: 1 } };
const NaN_ = Number.NaN;
const TARGETS = Float64Array.from([0.5, NaN_, 0.5, 0, NaN_, -0.3, -0.3, 1, NaN_, 0]);

function kernel(cfg: object = CFG, opts = {}): VectorKernel {
  return new VectorKernel(models(cfg, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN), { initialCash: 1000, ...opts });
}

describe("vectorised kernel (hand-worked 10 bars: 10 bps taker fee, 5 bps slippage, lot 0.001, min notional 10)", () => {
  const n = TEN_BARS.length;
  const out = {
    position: new Float64Array(n),
    equity: new Float64Array(n),
    fillQty: new Float64Array(n),
    fillPrice: new Float64Array(n),
    fee: new Float64Array(n),
    slippageCost: new Float64Array(n),
    requestedPrice: new Float64Array(n),
  };
  const { summary } = kernel().run(TEN_BARS, TARGETS, out);

  it("fills each decision at the next bar's open plus slippage on the tick grid against the taker, rounded toward zero to the lot", () => {
    // bar 0: 0.5 * 1000 / 100.5 = 4.9751 -> 4.975; bar 3: flat; bar 5: -0.3 * 1000.8880375 / 99 = -3.03299 -> -3.032;
    // bar 7: 994.9788211 / 100.8 + 3.032 = 12.9029 -> 12.902
    expect(Array.from(out.fillQty)).toEqual([0, 4.975, 0, 0, -4.975, 0, -3.032, 0, 12.902, 0]);
    // open * (1 +- 5 bps), then the tick (0.01) above for a buy and below for a sell
    expect(Array.from(out.fillPrice)).toEqual([0, 100.56, 0, 0, 100.94, 0, 98.95, 0, 100.86, 0]); // 100.55025, 100.9495, 98.9505, 100.8504
    expect(Array.from(out.requestedPrice)).toEqual([0, 100.5, 0, 0, 101, 0, 99, 0, 100.8, 0]);
  });

  it("charges the taker fee on every fill (8 decimals) and books the slippage cost", () => {
    // qty * price * 10 bps: 4.975 * 100.56, 4.975 * 100.94, 3.032 * 98.95, 12.902 * 100.86
    expect(Array.from(out.fee)).toEqual([0, 0.500286, 0, 0, 0.5021765, 0, 0.3000164, 0, 1.30129572, 0]);
    expect(out.slippageCost[1]).toBeCloseTo(4.975 * 0.06, 12);
    expect(out.slippageCost[8]).toBeCloseTo(12.902 * 0.06, 12);
    expect(summary.fees).toBeCloseTo(0.500286 + 0.5021765 + 0.3000164 + 1.30129572, 12);
  });

  it("marks equity at every close net of fees and slippage", () => {
    const expected = [1000, 1004.176214, 1006.663714, 1001.688714, 1000.8880375, 1000.8880375, 998.9204211, 994.9788211, 994.87740538, 996.85140538];
    expected.forEach((e, i) => expect(out.equity[i]).toBeCloseTo(e, 9));
    expect(Array.from(out.position)).toEqual([0, 4.975, 4.975, 4.975, 0, 0, -3.032, -3.032, 9.87, 9.87]);
  });

  it("counts rebalances below the minimum notional as filter rejections (bars 2 and 6)", () => {
    expect(summary.filterRejections).toBe(2);
    expect(summary.fills).toBe(4);
    expect(summary.finalEquity).toBeCloseTo(996.85140538, 9);
  });
});

describe("vectorised kernel behaviour", () => {
  it("computes the signed order toward a target fraction of equity", () => {
    expect(targetDelta(0.5, 1000, 2, 100, 3)).toBe(7);
    expect(targetDelta(-1, 1000, 1, 100, 0)).toBe(-10);
    expect(targetDelta(1, -5, 1, 100, 2)).toBe(-2); // no equity: only closes
  });

  it("skips rebalances inside the band", () => {
    const { summary } = kernel(CFG, { rebalanceBand: 0.01 }).run(TEN_BARS, TARGETS);
    expect(summary.filterRejections).toBe(0);
    expect(summary.fills).toBe(4);
  });

  it("gives the same result through step, markAt/decideTarget, markBar/decideTarget and run", () => {
    const a = kernel();
    const b = kernel();
    const d = kernel();
    const byRun = kernel().run(TEN_BARS, TARGETS).outputs.equity;
    for (let i = 0; i < TEN_BARS.length; i++) {
      expect(a.step(TEN_BARS, i, TARGETS[i]!)).toBe(byRun[i]);
      const c = TEN_BARS;
      expect(b.markBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!, Number.NaN)).toBe(byRun[i]);
      b.decideTarget(TARGETS[i]!);
      expect(d.markAt(TEN_BARS, i)).toBe(byRun[i]);
      d.decideTarget(TARGETS[i]!);
    }
    expect(d.summarize()).toEqual(kernel().run(TEN_BARS, TARGETS).summary);
  });

  it("starts over on reset", () => {
    const k = kernel();
    const first = k.run(TEN_BARS, TARGETS).summary;
    k.reset();
    expect(k.run(TEN_BARS, TARGETS).summary).toEqual(first);
  });

  it("refuses out-of-order or NaN bars and bad options", () => {
    const k = kernel();
    k.step(TEN_BARS, 1, Number.NaN);
    expect(() => k.step(TEN_BARS, 0, Number.NaN)).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
    const bad = { ...TEN_BARS, close: Float64Array.from(TEN_BARS.close, (x, i) => (i === 3 ? Number.NaN : x)) };
    expect(() => kernel().run(bad, TARGETS)).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
    expect(() => kernel(CFG, { initialCash: -1 })).toThrow(expect.objectContaining({ code: "INVARIANT" }));
    expect(() => kernel().run(TEN_BARS, new Float64Array(3))).toThrow(expect.objectContaining({ code: "INVARIANT" }));
  });

  it("caps each fill at the participation limit and re-decides the rest at the next close", () => {
    const k = kernel({ ...CFG, fill: { participationCap: 0.05 } });
    const out = { position: new Float64Array(10), equity: new Float64Array(10), fillQty: new Float64Array(10) };
    k.run(TEN_BARS, new Float64Array(10).fill(0.9), out);
    // about 8.9 units wanted; 5% of each bar: bar 1 volume 40 -> 2, bar 2 volume 60 -> 3, bar 3 volume 30 -> 1.5
    expect(Array.from(out.fillQty.subarray(0, 4))).toEqual([0, 2, 3, 1.5]);
  });
});
