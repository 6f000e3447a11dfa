import { describe, expect, it } from "vitest";
import type { BarColumns } from "../../lib/core/bar";
import { barColumnsFromBars } from "../../lib/core/bar";
import { SeededRng } from "../../lib/sim/rng";
import type { FeaturesConfigInput, FeatureMatrix } from "../../lib/features/index";
import { FeaturePipeline, featureColumn, syntheticBars, ewWarmup, lnRatio } from "../../lib/features/index";
import { ema, perBar, windowMean, windowStd } from "./reference";

const N = 3000;
const bars = syntheticBars(N, new SeededRng(7), { vol: 0.002 });

function run(step: NonNullable<FeaturesConfigInput["steps"]>[number], b: BarColumns = bars): FeatureMatrix {
  return FeaturePipeline.fromConfig({ steps: [step], state: [] }).compute(b);
}

function expectClose(actual: Float64Array, expected: Float64Array, from: number, tol: number): void {
  for (let i = from; i < actual.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i]!));
    if (!(Math.abs(actual[i]! - expected[i]!) <= tol * scale)) {
      throw new Error(`row ${i}: got ${actual[i]}, expected ${expected[i]} (tolerance ${tol})`);
    }
  }
}

describe("feature steps against their textbook definitions", () => {
  it("log returns are ln(close_t / close_{t-h}) once h bars exist", () => {
    const m = run({ kind: "logReturns", horizons: [1, 7] });
    expect(m.names).toEqual(["logret_1", "logret_7"]);
    expect(m.warmup).toBe(7);
    const ref7 = perBar(bars, (i) => (i >= 7 ? Math.log(bars.close[i]! / bars.close[i - 7]!) : 0));
    expectClose(featureColumn(m, "logret_7"), ref7, 7, 1e-12);
    const ref1 = perBar(bars, (i) => (i >= 1 ? Math.log(bars.close[i]! / bars.close[i - 1]!) : 0));
    expectClose(featureColumn(m, "logret_1"), ref1, 1, 1e-12);
  });

  it("EWMA volatility follows var = l var + (1 - l) r^2 with l = 2^(-1/halfLife)", () => {
    const m = run({ kind: "ewmaVol", halfLife: 10 });
    const l = Math.pow(2, -0.1);
    const ref = new Float64Array(N);
    let v = 0;
    for (let i = 1; i < N; i++) {
      const r = Math.log(bars.close[i]! / bars.close[i - 1]!);
      v = i === 1 ? r * r : l * v + (1 - l) * r * r;
      ref[i] = Math.sqrt(v);
    }
    expect(m.warmup).toBe(1 + ewWarmup(l));
    expectClose(featureColumn(m, 0), ref, 1, 1e-12);
  });

  it("Parkinson and Garman-Klass volatility match a full-window recomputation", () => {
    const w = 13;
    const hl2 = perBar(bars, (i) => Math.log(bars.high[i]! / bars.low[i]!) ** 2);
    const gk = perBar(bars, (i) => 0.5 * hl2[i]! - (2 * Math.LN2 - 1) * Math.log(bars.close[i]! / bars.open[i]!) ** 2);
    const pk = run({ kind: "parkinsonVol", window: w });
    const g = run({ kind: "garmanKlassVol", window: w });
    expect(pk.warmup).toBe(w - 1);
    expectClose(featureColumn(pk, 0), perBar(bars, (i) => Math.sqrt(windowMean(hl2, i, w) / (4 * Math.LN2))), w - 1, 1e-11);
    expectClose(featureColumn(g, 0), perBar(bars, (i) => Math.sqrt(Math.max(0, windowMean(gk, i, w)))), w - 1, 1e-11);
  });

  it("RSI is Wilder's 100 * avgGain / (avgGain + avgLoss) with alpha = 1/period", () => {
    const p = 5;
    const m = run({ kind: "rsi", period: p });
    let g = 0;
    let l = 0;
    const ref = new Float64Array(N).fill(50);
    for (let i = 1; i < N; i++) {
      const d = bars.close[i]! - bars.close[i - 1]!;
      const gi = Math.max(d, 0);
      const li = Math.max(-d, 0);
      g = i === 1 ? gi : g + (gi - g) / p;
      l = i === 1 ? li : l + (li - l) / p;
      ref[i] = 100 - 100 / (1 + g / l);
    }
    expectClose(featureColumn(m, 0), ref, 1, 1e-10);
    const col = featureColumn(m, 0);
    expect(Math.min(...col)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...col)).toBeLessThanOrEqual(100);
  });

  it("RSI of a strictly rising series is 100 and of a flat one 50", () => {
    const up = barColumnsFromBars(Array.from({ length: 30 }, (_, i) => ({ ts: i * 60_000, open: 100 + i, high: 101 + i, low: 99 + i, close: 100 + i, volume: 1 })));
    expect(featureColumn(run({ kind: "rsi", period: 14 }, up), 0)[29]).toBe(100);
    const flat = barColumnsFromBars(Array.from({ length: 30 }, (_, i) => ({ ts: i * 60_000, open: 100, high: 100, low: 100, close: 100, volume: 1 })));
    expect(featureColumn(run({ kind: "rsi", period: 14 }, flat), 0)[29]).toBe(50);
  });

  it("MACD line, signal and histogram are EMA differences divided by the close", () => {
    const m = run({ kind: "macd", fast: 4, slow: 9, signal: 3 });
    const line = ema(bars.close, 2 / 5).map((f, i) => f - ema(bars.close, 2 / 10)[i]!);
    const sig = ema(line, 2 / 4);
    expectClose(featureColumn(m, 0), perBar(bars, (i) => line[i]! / bars.close[i]!), 0, 1e-12);
    expectClose(featureColumn(m, 1), perBar(bars, (i) => sig[i]! / bars.close[i]!), 0, 1e-12);
    expectClose(featureColumn(m, 2), perBar(bars, (i) => (line[i]! - sig[i]!) / bars.close[i]!), 0, 1e-12);
    expect(m.warmup).toBe(ewWarmup(1 - 2 / 10) + ewWarmup(1 - 2 / 4));
  });

  it("ATR is the Wilder average of the true range, divided by the close", () => {
    const p = 6;
    const m = run({ kind: "atr", period: p });
    let atr = 0;
    const ref = perBar(bars, (i) => {
      const tr = i === 0 ? bars.high[0]! - bars.low[0]! : Math.max(bars.high[i]! - bars.low[i]!, Math.abs(bars.high[i]! - bars.close[i - 1]!), Math.abs(bars.low[i]! - bars.close[i - 1]!));
      atr = i === 0 ? tr : atr + (tr - atr) / p;
      return atr / bars.close[i]!;
    });
    expectClose(featureColumn(m, 0), ref, 0, 1e-12);
  });

  it("Bollinger z, volume z and relative volume match full-window statistics", () => {
    const w = 11;
    const bb = run({ kind: "bollinger", window: w });
    expectClose(featureColumn(bb, 0), perBar(bars, (i) => (bars.close[i]! - windowMean(bars.close, i, w)) / windowStd(bars.close, i, w)), w - 1, 1e-7);
    const lv = perBar(bars, (i) => Math.log1p(bars.volume[i]!));
    const vz = run({ kind: "volumeZ", window: w });
    expectClose(featureColumn(vz, 0), perBar(bars, (i) => (lv[i]! - windowMean(lv, i, w)) / windowStd(lv, i, w)), w - 1, 1e-9);
    const rv = run({ kind: "relativeVolume", window: w });
    expectClose(featureColumn(rv, 0), perBar(bars, (i) => bars.volume[i]! / windowMean(bars.volume, i, w)), w - 1, 1e-12);
  });

  it("bar shape splits the range into body and wicks", () => {
    const b = barColumnsFromBars([
      { ts: 0, open: 100, high: 110, low: 95, close: 105, volume: 1 },
      { ts: 60_000, open: 105, high: 105, low: 105, close: 105, volume: 1 },
      { ts: 120_000, open: 104, high: 108, low: 100, close: 102, volume: 1 },
    ]);
    const m = run({ kind: "barShape" }, b);
    expect(m.names).toEqual(["range", "body", "upper_wick", "lower_wick"]);
    expect(Array.from(m.values.subarray(0, 4))).toEqual([Math.log(110 / 95), 5 / 15, 5 / 15, 5 / 15]);
    expect(Array.from(m.values.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(m.values[8]).toBeCloseTo(Math.log(108 / 100), 15);
    expect(Array.from(m.values.subarray(9, 12))).toEqual([-2 / 8, 4 / 8, 2 / 8]);
  });

  it("calendar encodes UTC time of day and weekday (Monday = 0) as sin/cos", () => {
    const mon = Date.UTC(2024, 0, 1); // a Monday, 00:00
    const sunNoon = Date.UTC(2024, 0, 7, 12, 0);
    const wed0630 = Date.UTC(2024, 0, 3, 6, 30);
    const b = barColumnsFromBars([mon, wed0630, sunNoon, sunNoon + 30_000].map((ts) => ({ ts, open: 1, high: 1, low: 1, close: 1, volume: 0 })));
    const m = run({ kind: "calendar" }, b);
    expect(m.names).toEqual(["hour_sin", "hour_cos", "dow_sin", "dow_cos"]);
    const row = (i: number) => Array.from(m.values.subarray(i * 4, i * 4 + 4));
    expect(row(0)).toEqual([0, 1, 0, 1]);
    const [hs, hc, ds, dc] = row(1);
    expect(hs).toBeCloseTo(Math.sin((2 * Math.PI * 6.5) / 24), 15);
    expect(hc).toBeCloseTo(Math.cos((2 * Math.PI * 6.5) / 24), 15);
    expect(ds).toBeCloseTo(Math.sin((2 * Math.PI * 2) / 7), 15);
    expect(dc).toBeCloseTo(Math.cos((2 * Math.PI * 2) / 7), 15);
    expect(row(2)[0]).toBeCloseTo(0, 15);
    expect(row(2)[1]).toBeCloseTo(-1, 15);
    expect(row(2)[2]).toBeCloseTo(Math.sin((2 * Math.PI * 6) / 7), 15);
    // a ts off the minute grid takes the exact trigonometric path
    expect(row(3)[0]).toBeCloseTo(Math.sin((2 * Math.PI * (12 * 3600 + 30)) / 86400), 14);
  });

  it("lnRatio equals ln(a / b) and stays exact on tiny ranges", () => {
    for (const [a, b] of [[1.5, 1], [100.01, 100], [100, 100.01], [2, 3], [105_000.01, 105_000]]) {
      expect(lnRatio(a!, b!)).toBeCloseTo(Math.log(a! / b!), 15);
    }
    // one tick on a 105k price: a - b is exact, so log1p((a - b) / b) is the reference
    const a = 105_000.01;
    const b = 105_000;
    const exact = Math.log1p((a - b) / b);
    expect(Math.abs(lnRatio(a, b) - exact) / exact).toBeLessThan(2e-16);
    expect(lnRatio(7, 7)).toBe(0);
  });
});
