/**
 * Conformal prediction throughput: one online step = issue an interval + observe the outcome (ACI
 * update, score into the sorted sliding window, coverage tracking), at calibration windows of 10k and
 * 100k scores; and a batch run over 130k bars (the embedded BTCUSDT 1m size).
 */
import { conformalSchema } from "../lib/config/schemas/conformal";
import { ConformalPredictor } from "../lib/conformal/predictor";
import { runConformal } from "../lib/conformal/trace";
import { SeededRng } from "../lib/sim/rng";
import type { BenchResult } from "./types";

function series(n: number, seed: number): { lo: Float64Array; hi: Float64Array; y: Float64Array } {
  const rng = new SeededRng(seed);
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const vol = 1e-3 * (1 + 0.5 * Math.sin(i / 5000));
    lo[i] = -1.6e-3;
    hi[i] = 1.6e-3;
    y[i] = vol * rng.normal();
  }
  return { lo, hi, y };
}

function stepsPerSecond(window: number, steps: number): number {
  const p = new ConformalPredictor(conformalSchema.parse({ enabled: true, method: "adaptive", calibrationWindow: window }));
  const warm = series(window, 1);
  p.calibrate(warm.lo, warm.hi, warm.y);
  const s = series(steps, 2);
  let covered = 0;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    const iv = p.interval(s.lo[i]!, s.hi[i]!);
    if (p.observe(s.lo[i]!, s.hi[i]!, s.y[i]!, iv)) covered++;
  }
  const dt = (performance.now() - t0) / 1000;
  if (covered === 0) throw new Error("no outcome covered: the benchmark series is broken");
  return steps / dt;
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  stepsPerSecond(10_000, 50_000); // JIT warm-up
  for (const w of [10_000, 100_000]) {
    const sps = stepsPerSecond(w, 200_000);
    out.push({ name: `conformal ACI step, window ${w / 1000}k`, value: sps, unit: "steps/s", note: `${(1e6 / sps).toFixed(2)} us/step (interval + observe)` });
  }
  const n = 130_000;
  const s = series(n, 3);
  const p = new ConformalPredictor(conformalSchema.parse({ enabled: true, method: "adaptive", calibrationWindow: 5000 }));
  const t0 = performance.now();
  const tr = runConformal(p, s.lo, s.hi, s.y);
  const ms = performance.now() - t0;
  out.push({ name: "conformal runConformal, 130k bars, window 5k", value: ms, unit: "ms", note: `coverage ${(tr.coverage * 100).toFixed(2)}%` });
  return out;
}
