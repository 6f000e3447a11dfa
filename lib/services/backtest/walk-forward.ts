import type { BarColumns } from "../../core/bar";
import { sliceBarColumns } from "../../core/bar";
import { DataError } from "../../core/errors";
import type { Policy } from "../strategies/policy";
import { backtest, type BacktestSpec, type BacktestResult } from "./service";

const DAY = 86_400_000;

/** Rolling windows: fit (choose parameters) on `train`, evaluate out of sample on `test`. */
export interface WalkForwardWindows {
  trainDays: number;
  testDays: number;
  stepDays: number;
}

export interface WalkForwardWindow {
  trainFrom: number;
  trainTo: number;
  testFrom: number;
  testTo: number;
}

/** Windows over [from, to): the first test window starts trainDays after `from`; the last one ends by `to`. */
export function walkForwardWindows(from: number, to: number, w: WalkForwardWindows): WalkForwardWindow[] {
  const out: WalkForwardWindow[] = [];
  for (let start = from; start + (w.trainDays + w.testDays) * DAY <= to; start += w.stepDays * DAY) {
    const trainTo = start + w.trainDays * DAY;
    out.push({ trainFrom: start, trainTo, testFrom: trainTo, testTo: trainTo + w.testDays * DAY });
  }
  return out;
}

/** One candidate: a label and a policy factory (a parameter set of a strategy, or a checkpoint). */
export interface Candidate {
  label: string;
  policy: (symbol: string) => Policy;
}

export interface WalkForwardStep {
  window: WalkForwardWindow;
  chosen: string;
  /** In-sample Sharpe of every candidate on the train window. */
  trainSharpe: Record<string, number>;
  test: BacktestResult;
}

export interface WalkForwardResult {
  steps: WalkForwardStep[];
  /** Out-of-sample equity stitched across test windows (each window restarts from the previous end). */
  ts: Float64Array;
  equity: Float64Array;
  benchmark: Float64Array;
}

function slice(bars: BarColumns, from: number, to: number): BarColumns {
  let a = 0;
  while (a < bars.length && bars.ts[a]! < from) a++;
  let b = a;
  while (b < bars.length && bars.ts[b]! < to) b++;
  return sliceBarColumns(bars, a, b);
}

/**
 * Walk-forward evaluation: on each train window every candidate is backtested and the best by Sharpe
 * is chosen; only its run on the following test window counts. Nothing from a test window is used to
 * choose anything.
 */
export async function walkForward(
  base: Omit<BacktestSpec, "policy" | "label" | "series"> & { series: readonly { symbol: string; bars: BarColumns }[] },
  candidates: readonly Candidate[],
  w: WalkForwardWindows,
): Promise<WalkForwardResult> {
  if (candidates.length === 0) throw new DataError("walk-forward needs at least one candidate");
  const first = base.series[0]!.bars;
  const windows = walkForwardWindows(first.ts[0]!, first.ts[first.length - 1]! + base.timeframeMs, w);
  if (windows.length === 0) throw new DataError(`the data range is shorter than one train + test window (${w.trainDays} + ${w.testDays} days)`);
  const steps: WalkForwardStep[] = [];
  const ts: number[] = [];
  const eq: number[] = [];
  const bm: number[] = [];
  let scale = 1;
  let scaleB = 1;
  for (const win of windows) {
    const trainSeries = base.series.map((s) => ({ symbol: s.symbol, bars: slice(s.bars, win.trainFrom, win.trainTo) }));
    const testSeries = base.series.map((s) => ({ symbol: s.symbol, bars: slice(s.bars, win.testFrom, win.testTo) }));
    const trainSharpe: Record<string, number> = {};
    let best = candidates[0]!;
    for (const c of candidates) {
      const r = await backtest({ ...base, series: trainSeries, label: c.label, policy: c.policy, benchmark: false });
      trainSharpe[c.label] = r.metrics.sharpe;
      if (r.metrics.sharpe > trainSharpe[best.label]!) best = c;
    }
    const test = await backtest({ ...base, series: testSeries, label: best.label, policy: best.policy });
    steps.push({ window: win, chosen: best.label, trainSharpe, test });
    const e = test.run.equity;
    const b = test.benchmarkRun!.equity;
    for (let i = 0; i < e.length; i++) {
      ts.push(test.run.ts[i]!);
      eq.push((e[i]! / e[0]!) * scale * base.initialCash);
      bm.push((b[i]! / b[0]!) * scaleB * base.initialCash);
    }
    scale *= e[e.length - 1]! / e[0]!;
    scaleB *= b[b.length - 1]! / b[0]!;
  }
  return { steps, ts: Float64Array.from(ts), equity: Float64Array.from(eq), benchmark: Float64Array.from(bm) };
}
