import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { conformalSchema } from "../../lib/config/schemas/conformal";
import { ConformalPredictor } from "../../lib/conformal/predictor";
import { SortedWindow } from "../../lib/conformal/sorted-window";
import { rollingCoverage, runConformal, type ConformalTrace } from "../../lib/conformal/trace";

const GLOB = "data/bars/venue=binance/symbol=BTCUSDT/timeframe=1m/*.parquet";
const ALPHA = 0.1;
const LOOKBACK = 1440; // one day of 1m returns for the stand-in forecaster
const DAY = 1440;

/** BTCUSDT 1m closes in time order; ts is a parquet TIMESTAMP (bar open, UTC), read as epoch ms. */
async function loadCloses(): Promise<{ ts: Float64Array; close: Float64Array }> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    const reader = await con.runAndReadAll(`SELECT epoch_ms(ts)::DOUBLE AS ts, close::DOUBLE AS close FROM read_parquet('${GLOB}') ORDER BY ts`);
    const [ts, close] = reader.getColumns() as [number[], number[]];
    return { ts: Float64Array.from(ts), close: Float64Array.from(close) };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/**
 * Stand-in for the critic's quantile forecasts: the empirical alpha/2 and 1 - alpha/2 quantiles of
 * the previous LOOKBACK one-minute log returns (linear interpolation between order statistics).
 * Forecast i is for return i and uses returns i - LOOKBACK .. i - 1 only.
 */
function rollingQuantileBands(r: Float64Array): { lo: Float64Array; hi: Float64Array } {
  const n = r.length;
  const lo = new Float64Array(n).fill(Number.NaN);
  const hi = new Float64Array(n).fill(Number.NaN);
  const w = new SortedWindow(LOOKBACK);
  const at = (p: number) => {
    const h = (LOOKBACK - 1) * p;
    const k = Math.floor(h);
    const a = w.kth(k + 1);
    return k + 1 < LOOKBACK ? a + (h - k) * (w.kth(k + 2) - a) : a;
  };
  for (let i = 0; i < n; i++) {
    if (w.size === LOOKBACK) {
      lo[i] = at(ALPHA / 2);
      hi[i] = at(1 - ALPHA / 2);
    }
    w.push(r[i]!);
  }
  return { lo, hi };
}

/**
 * A forecaster frozen after training: the alpha/2 and 1 - alpha/2 quantiles of all returns before
 * `trainTo`, the same band for every later bar. Volatility regimes then move its coverage around.
 */
function staticBands(r: Float64Array, trainTo: number): { lo: Float64Array; hi: Float64Array } {
  const sorted = Float64Array.from(r.subarray(0, trainTo)).sort();
  const at = (p: number) => {
    const h = (trainTo - 1) * p;
    const k = Math.floor(h);
    return sorted[k]! + (h - k) * (sorted[Math.min(k + 1, trainTo - 1)]! - sorted[k]!);
  };
  return { lo: new Float64Array(r.length).fill(at(ALPHA / 2)), hi: new Float64Array(r.length).fill(at(1 - ALPHA / 2)) };
}

function worstDailyGap(tr: ConformalTrace): number {
  let worst = 0;
  for (const c of rollingCoverage(tr.covered, DAY)) if (!Number.isNaN(c)) worst = Math.max(worst, Math.abs(c - (1 - ALPHA)));
  return worst;
}

describe("conformal intervals on real BTCUSDT 1m returns", () => {
  it("holds adaptive long-run coverage within 2 points of nominal on the test split (last 30%)", async () => {
    const { ts, close } = await loadCloses();
    expect(close.length).toBeGreaterThan(100_000);
    // log returns between consecutive bars; a gap in the data makes one return span several minutes
    const r = new Float64Array(close.length - 1);
    let gaps = 0;
    expect(close.every((c) => c > 0 && Number.isFinite(c))).toBe(true);
    for (let i = 1; i < close.length; i++) {
      r[i - 1] = Math.log(close[i]! / close[i - 1]!);
      if (ts[i]! - ts[i - 1]! !== 60_000) gaps++;
    }
    const n = r.length;
    const testFrom = Math.floor(n * 0.7);
    const valFrom = Math.floor(n * 0.55); // validation: the 15% just before the test split
    const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
    console.info(`BTCUSDT 1m: ${n} returns (${gaps} gaps), test split ${n - testFrom} returns from ${new Date(ts[testFrom + 1]!).toISOString()}, nominal ${pct(1 - ALPHA)}`);

    const rolling = rollingQuantileBands(r);
    const fixed = staticBands(r, valFrom);
    for (const [name, bands] of [["rolling 1-day quantiles", rolling], ["static training-split quantiles", fixed]] as const) {
      const res = evaluate(r, bands.lo, bands.hi, valFrom, testFrom);
      const line = (label: string, t: ConformalTrace) =>
        `    ${label.padEnd(30)} coverage ${pct(t.coverage)}  worst 1-day gap ${pct(worstDailyGap(t))}  mean width ${(t.meanWidth * 1e4).toFixed(2)} bp`;
      console.info(
        [
          `  forecaster: ${name} (raw band coverage ${pct(res.raw)})`,
          line("split (validation, frozen)", res.splitValidation),
          line("split (rolling 5000)", res.splitRolling),
          line("adaptive ACI (gamma 0.005)", res.aci),
        ].join("\n"),
      );
      expect(Math.abs(res.aci.coverage - (1 - ALPHA))).toBeLessThanOrEqual(0.02);
      expect(res.aci.infinite).toBe(0);
      expect(worstDailyGap(res.aci)).toBeLessThan(worstDailyGap(res.splitRolling));
    }
  });
});

interface Evaluation {
  raw: number;
  splitValidation: ConformalTrace;
  splitRolling: ConformalTrace;
  aci: ConformalTrace;
}

/** Split (frozen on the validation split), split (rolling window) and ACI over the test split. */
function evaluate(r: Float64Array, lo: Float64Array, hi: Float64Array, valFrom: number, testFrom: number): Evaluation {
  const n = r.length;
  const sl = (a: Float64Array, from: number, to: number) => a.subarray(from, to);
  const make = (method: "split" | "adaptive", updates: "rolling" | "frozen", window: number) => {
    const p = new ConformalPredictor(conformalSchema.parse({ enabled: true, method, alpha: ALPHA, calibrationUpdates: updates, calibrationWindow: window, gamma: 0.005 }));
    p.calibrate(sl(lo, testFrom - window, testFrom), sl(hi, testFrom - window, testFrom), sl(r, testFrom - window, testFrom));
    return runConformal(p, sl(lo, testFrom, n), sl(hi, testFrom, n), sl(r, testFrom, n));
  };
  let hits = 0;
  for (let i = testFrom; i < n; i++) if (r[i]! >= lo[i]! && r[i]! <= hi[i]!) hits++;
  return {
    raw: hits / (n - testFrom),
    // split as in the textbook: calibrated once on the whole validation split, then frozen
    splitValidation: make("split", "frozen", testFrom - valFrom),
    splitRolling: make("split", "rolling", 5000),
    aci: make("adaptive", "rolling", 5000),
  };
}
