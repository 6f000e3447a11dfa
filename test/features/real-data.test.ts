import { beforeAll, describe, expect, it } from "vitest";
import type { BarColumns } from "../../lib/core/bar";
import { sliceBarColumns } from "../../lib/core/bar";
import type { FeatureMatrix } from "../../lib/features/index";
import { FeaturePipeline } from "../../lib/features/index";
import { SeededRng } from "../../lib/sim/rng";
import { loadBtcusdt1m } from "./real-bars";

/** Parity and look-ahead on every embedded real BTCUSDT 1m bar (Binance spot). */
describe("features on the real BTCUSDT 1m series", () => {
  let bars: BarColumns;
  let p: FeaturePipeline;
  let batch: FeatureMatrix;

  beforeAll(async () => {
    bars = await loadBtcusdt1m();
    p = FeaturePipeline.fromConfig({});
    batch = p.compute(bars, "BTCUSDT");
  });

  it("covers the whole embedded series", () => {
    expect(bars.length).toBe(130_708);
    expect(batch.rows).toBe(130_708);
  });

  it("batch and streaming forms agree on every feature of every bar to 1e-9", () => {
    const s = p.stream("BTCUSDT");
    const w = p.width;
    let worst = 0;
    for (let i = 0; i < bars.length; i++) {
      s.push({ ts: bars.ts[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! });
      for (let j = 0; j < w; j++) {
        const a = batch.values[i * w + j]!;
        const b = s.raw[j]!;
        const d = Math.abs(a - b);
        if (!(d <= 1e-9)) throw new Error(`${p.names[j]} at ${new Date(bars.ts[i]!).toISOString()} (row ${i}): batch ${a}, streaming ${b}`);
        if (d > worst) worst = d;
      }
    }
    expect(s.count).toBe(bars.length);
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it("normalised observations agree between forms after fitting on the training split", () => {
    p.fit(batch, { to: Date.parse("2025-07-21T00:00:00Z") });
    const z = p.transform(batch);
    const s = p.stream("BTCUSDT");
    for (let i = 0; i < bars.length; i++) {
      const ready = s.push({ ts: bars.ts[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! });
      if (!ready) continue;
      const o = s.observation();
      for (let j = 0; j < p.width; j++) {
        if (o[j] !== z[i * p.width + j]) throw new Error(`${p.names[j]} row ${i}: ${o[j]} vs ${z[i * p.width + j]}`);
      }
    }
  });

  it("no feature at bar t changes when the bars after t are altered or removed", () => {
    const rng = new SeededRng(5);
    const w = p.width;
    for (const t of [p.warmup, 40_000, 99_999, bars.length - 2]) {
      // scramble every later bar (keeping them valid bars) ...
      const altered: BarColumns = { ...sliceBarColumns(bars, 0), length: bars.length };
      for (const k of ["open", "high", "low", "close", "volume"] as const) altered[k] = bars[k].slice();
      for (let i = t + 1; i < bars.length; i++) {
        const f = Math.exp(0.05 * rng.normal());
        altered.open[i] = bars.open[i]! * f;
        altered.close[i] = bars.close[i]! * f * (1 + 0.01 * rng.normal());
        altered.high[i] = Math.max(altered.open[i]!, altered.close[i]!) * 1.01;
        altered.low[i] = Math.min(altered.open[i]!, altered.close[i]!) * 0.99;
        altered.volume[i] = bars.volume[i]! * 10 * rng.next();
      }
      const a = p.compute(altered);
      // ... or cut the series at t
      const cut = p.compute(sliceBarColumns(bars, 0, t + 1));
      const n = (t + 1) * w;
      for (let k = 0; k < n; k++) {
        if (a.values[k] !== batch.values[k] || cut.values[k] !== batch.values[k]) {
          throw new Error(`${p.names[k % w]} at row ${Math.floor(k / w)} changed when bars after ${t} changed`);
        }
      }
      // the alteration did reach the later rows (so the check above could have failed)
      let changed = 0;
      for (let k = n; k < a.values.length; k++) if (a.values[k] !== batch.values[k]) changed++;
      expect(changed).toBeGreaterThan(0);
    }
  });
});
