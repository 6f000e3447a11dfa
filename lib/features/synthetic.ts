import type { BarColumns } from "../core/bar";
import { emptyBarColumns } from "../core/bar";
import type { Rng } from "../core/rng";

export interface SyntheticBarsOptions {
  /** First bar open time, ms UTC. Default 2024-01-01T00:00Z. */
  startTs?: number;
  /** Bar length, ms. Default 60_000. */
  stepMs?: number;
  /** First open. Default 50_000. */
  price?: number;
  /** Per-bar log-return std. Default 0.001. */
  vol?: number;
  /** Mean volume. Default 10. */
  volume?: number;
}

/**
 * Geometric-Brownian bars with consistent OHLC and lognormal volumes, from a seeded Rng, written
 * straight into columns (for tests and benchmarks; real research uses real data).
 */
export function syntheticBars(n: number, rng: Rng, opts: SyntheticBarsOptions = {}): BarColumns {
  const b = emptyBarColumns(n);
  const step = opts.stepMs ?? 60_000;
  const vol = opts.vol ?? 0.001;
  const meanVol = opts.volume ?? 10;
  let t = opts.startTs ?? Date.UTC(2024, 0, 1);
  let price = opts.price ?? 50_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = open * Math.exp(vol * rng.normal());
    const hi = Math.max(open, close) * (1 + Math.abs(vol * 0.5 * rng.normal()));
    const lo = Math.min(open, close) * (1 - Math.abs(vol * 0.5 * rng.normal()));
    b.ts[i] = t;
    b.open[i] = open;
    b.high[i] = hi;
    b.low[i] = lo;
    b.close[i] = close;
    b.volume[i] = meanVol * Math.exp(0.8 * rng.normal() - 0.32);
    price = close;
    t += step;
  }
  return b;
}
