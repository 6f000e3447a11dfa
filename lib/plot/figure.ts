import type { Figure, Trace } from "../core/figure";

export type { Figure, Trace };
export type Series = ArrayLike<number> | readonly (number | string | null)[];

/** ms timestamps -> ISO strings plotly reads as UTC dates. */
export function isoTimes(ts: ArrayLike<number>): string[] {
  const out = new Array<string>(ts.length);
  for (let i = 0; i < ts.length; i++) out[i] = new Date(ts[i]!).toISOString().replace("Z", "");
  return out;
}

/** Shared look: white background, compact margins, unified hover, UTC axis titles. */
export function baseLayout(title: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: { text: title, x: 0.01, font: { size: 15 } },
    template: "plotly_white",
    margin: { l: 60, r: 20, t: 45, b: 40 },
    hovermode: "x unified",
    legend: { orientation: "h", y: 1.08, x: 1, xanchor: "right" },
    ...extra,
  };
}

/** Downsamples a series to at most `max` points by striding, keeping the last point (for big inline plots). */
export function strideIndex(n: number, max: number): Int32Array {
  if (n <= max) return Int32Array.from({ length: n }, (_, i) => i);
  const step = (n - 1) / (max - 1);
  const idx = new Int32Array(max);
  for (let i = 0; i < max; i++) idx[i] = Math.round(i * step);
  return idx;
}

export function pick<T>(xs: ArrayLike<T>, idx: Int32Array): T[] {
  const out = new Array<T>(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = xs[idx[i]!]!;
  return out;
}

export const COLORS = {
  up: "#26a69a",
  down: "#ef5350",
  strategy: "#1f77b4",
  benchmark: "#7f7f7f",
  drawdown: "#d62728",
  fee: "#ff7f0e",
  slippage: "#9467bd",
  latency: "#8c564b",
  band: "rgba(31,119,180,0.15)",
} as const;
