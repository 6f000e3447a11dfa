/**
 * Feature pipeline throughput on 10M synthetic 1m bars (generated in memory, seeded), default
 * feature set: batch (raw float64 features), batch + normalisation (float32, what the env and the
 * trainer consume), and the streaming form the live runner uses.
 */
import { sliceBarColumns } from "../lib/core/bar";
import { FeaturePipeline, syntheticBars } from "../lib/features/index";
import { SeededRng } from "../lib/sim/rng";
import type { BenchResult } from "./types";

const N = 10_000_000;
const CHUNK = 1_000_000;
const STREAM_BARS = 1_000_000;

function best(reps: number, f: () => void): number {
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    f();
    b = Math.min(b, performance.now() - t0);
  }
  return b / 1000;
}

export async function run(): Promise<BenchResult[]> {
  const bars = syntheticBars(N, new SeededRng(1));
  const p = FeaturePipeline.fromConfig({});
  p.fit(p.compute(sliceBarColumns(bars, 0, CHUNK)));
  const chunks = Array.from({ length: N / CHUNK }, (_, k) => sliceBarColumns(bars, k * CHUNK, (k + 1) * CHUNK));
  const raw = new Float64Array(CHUNK * p.width);
  const norm = new Float32Array(CHUNK * p.width);

  const rawSec = best(3, () => {
    const b = p.batcher();
    for (const c of chunks) b.computeInto(c, raw);
  });
  const normSec = best(3, () => {
    const b = p.batcher();
    for (const c of chunks) b.transformInto(c, norm);
  });
  const s = p.stream();
  const bar = { ts: 0, open: 0, high: 0, low: 0, close: 0, volume: 0 };
  const streamSec = best(1, () => {
    for (let i = 0; i < STREAM_BARS; i++) {
      bar.ts = bars.ts[i]!;
      bar.open = bars.open[i]!;
      bar.high = bars.high[i]!;
      bar.low = bars.low[i]!;
      bar.close = bars.close[i]!;
      bar.volume = bars.volume[i]!;
      if (s.push(bar)) s.observation();
    }
  });
  const note = `${p.width} features, default set, 10M bars in 1M-bar chunks`;
  return [
    { name: "features batch + normalise (float32 obs)", value: N / normSec, unit: "bars/s", target: ">= 5M bars/s", note },
    { name: "features batch, raw float64", value: N / rawSec, unit: "bars/s", note },
    { name: "features streaming push + observation", value: STREAM_BARS / streamSec, unit: "bars/s", note: "one bar at a time (live form)" },
  ];
}
