import type { ExecutionModels } from "../../sim/execution-models";
import type { AccountMode } from "../../sim/sim-account";
import { BuyAndHold } from "../strategies/baselines";
import type { Policy } from "../strategies/policy";
import { runBacktest, type BacktestRun, type BacktestSeries } from "./engine";
import { calendarFor, computeMetrics, roundTrips, type Metrics } from "./metrics";

export interface BacktestSpec {
  series: readonly BacktestSeries[];
  timeframeMs: number;
  market: "crypto" | "equity";
  models: ExecutionModels;
  initialCash: number;
  /** Name shown in reports (strategy name or checkpoint path). */
  label: string;
  policy: (symbol: string) => Policy;
  accountMode?: AccountMode;
  /** Run the buy-and-hold benchmark through the same simulator. Default true. */
  benchmark?: boolean;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface BacktestResult {
  label: string;
  market: "crypto" | "equity";
  timeframeMs: number;
  symbols: string[];
  from: number;
  to: number;
  run: BacktestRun;
  metrics: Metrics;
  benchmarkRun?: BacktestRun;
  benchmarkMetrics?: Metrics;
  /** Stable fingerprint of the fill list (see fillsDigest). */
  fillsDigest: string;
}

/** Strategy (or agent) and buy-and-hold through the same simulator, with metrics side by side. */
export async function backtest(spec: BacktestSpec): Promise<BacktestResult> {
  const cal = calendarFor(spec.market, spec.timeframeMs);
  const common = { series: spec.series, timeframeMs: spec.timeframeMs, models: spec.models, initialCash: spec.initialCash, accountMode: spec.accountMode };
  const run = await runBacktest({ ...common, policy: spec.policy, onProgress: (d, t) => spec.onProgress?.(spec.label, d, t) });
  const metrics = metricsOf(run, cal, spec.models);
  const result: BacktestResult = {
    label: spec.label,
    market: spec.market,
    timeframeMs: spec.timeframeMs,
    symbols: spec.series.map((s) => s.symbol),
    from: run.ts[0]!,
    to: run.ts[run.ts.length - 1]! + spec.timeframeMs,
    run,
    metrics,
    fillsDigest: fillsDigest(run),
  };
  if (spec.benchmark ?? true) {
    const frac = 0.99 / spec.series.length;
    const b = await runBacktest({ ...common, policy: () => new BuyAndHold({ cashFraction: frac }), onProgress: (d, t) => spec.onProgress?.("buy-and-hold", d, t) });
    result.benchmarkRun = b;
    result.benchmarkMetrics = metricsOf(b, cal, spec.models);
  }
  return result;
}

/** Metrics of a run; exposure counts the bars holding more than dust (an unsellable remainder below one lot step). */
function metricsOf(run: BacktestRun, cal: ReturnType<typeof calendarFor>, models: ExecutionModels): Metrics {
  const symbols = Object.keys(run.positions);
  const exposure = new Float64Array(run.ts.length);
  for (const s of symbols) {
    const p = run.positions[s]!;
    const dust = models.dustQty(s);
    for (let i = 0; i < p.length; i++) if (p[i] !== 0 && !(Math.abs(p[i]!) < dust)) exposure[i] = 1;
  }
  return computeMetrics(run.equity, cal, { position: exposure, fills: run.fills, roundTrips: roundTrips(run.fills) });
}

/**
 * A stable fingerprint of the fills (FNV-1a 64 over ts, side, qty, price, fee at 1e-9 precision), so a
 * golden test notices any change in results without storing every fill.
 */
export function fillsDigest(run: BacktestRun): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const mix = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
    }
  };
  for (const f of run.fills) mix(`${f.symbol}|${f.ts}|${f.side}|${f.qty.toFixed(9)}|${f.price.toFixed(9)}|${f.fee.toFixed(9)};`);
  return `${run.fills.length}:${h1.toString(16).padStart(8, "0")}${h2.toString(16).padStart(8, "0")}`;
}
