/**
 * tradelab for notebooks: a short, discoverable API over the library. In a tslab cell:
 *
 *   import * as tl from "./lib/index";
 *   const data = await tl.open();
 *   tl.table(await data.query("SELECT symbol, count(*) AS bars FROM bars GROUP BY ALL"));
 *   tl.show(tl.plot.candles(await data.loadBars({ symbol: "BTCUSDT", timeframe: "1h", from: "2025-07-01" })));
 *   const bt = await tl.backtest({ strategy: "sma-cross", symbols: ["BTCUSDT"], from: "2025-06-01", to: "2025-08-01" });
 *   tl.showBacktest(bt);
 */
import { openDataSession } from "./infra/data/index";
import type { DataSession, DataSessionOptions } from "./infra/data/index";
import { checkData, type DataCheckOptions, type DataCheckReport } from "./infra/data/quality/check-data";
import { loadPlotly, show, showTable } from "./infra/notebook-display";
import { runBacktestCommand, type BacktestOutcome, type BacktestRequest } from "./app/build-backtest";
import { backtestFigures, metricsTable } from "./services/backtest/report";
import { candlesFigure } from "./plot/candles";
import { costBreakdownFigure, drawdownFigure, equityFigure, positionFigure, returnDistributionFigure, rollingSharpeFigure } from "./plot/performance";
import { ExecutionModels } from "./sim/execution-models";
import { loadExecutionData } from "./sim/loaders";
import type { ExecutionConfig } from "./config/schemas/execution";
import { hourOfWeekHeatmap, intervalFigure, linesFigure, panelsFigure, residualsFigure, scatterFitFigure, tableFigure } from "./plot/charts";

export type { DataSession, BacktestOutcome, BacktestRequest, DataCheckReport };
export { toArrowTable, toDataFrame } from "./infra/data/index";
export { computeMetrics, calendarFor } from "./services/backtest/metrics";
export { walkForward, walkForwardWindows } from "./services/backtest/walk-forward";
export { dailyReturns, metricsTable } from "./services/backtest/report";
export { createStrategy, STRATEGY_NAMES } from "./services/strategies/baselines";
export { loadTrainConfig, loadLiveConfig } from "./config/kinds";
export { SeededRng } from "./sim/rng";

/** The execution models (fees, slippage, latency, fills, filters) of an `execution:` config section. */
export function executionModels(execution: ExecutionConfig, seed = 0): ExecutionModels {
  return new ExecutionModels(execution, loadExecutionData(execution), seed);
}
export { runSlippageCalibration, runLatencyCalibration } from "./app/build-calibration";
export { slippageFigures } from "./services/calibrate-slippage-report";
export { latencyFitFigures, seasonalityFigures } from "./services/calibrate-latency-report";
export { loadSlippageProfile, loadSeasonality } from "./sim/loaders";
export { runTrainCommand as train, type TrainRequest } from "./app/build-training";
export type { TrainProgress } from "./rl/trainer";
export { evaluateCheckpoint, type EvaluateOutcome } from "./app/build-evaluation";
export { checkpointBacktestPolicy } from "./app/live-checkpoint-backtest";

/** Opens the DuckDB session over data/ (views: bars, trades, book, journal). Close it with `.close()`. */
export function open(opts: DataSessionOptions = {}): Promise<DataSession> {
  return openDataSession(opts);
}

/** Figure builders (pure: they return plotly specs; `show` draws them inline). */
export const plot = {
  candles: candlesFigure,
  equity: equityFigure,
  drawdown: drawdownFigure,
  position: positionFigure,
  returns: returnDistributionFigure,
  rollingSharpe: rollingSharpeFigure,
  costs: costBreakdownFigure,
  lines: linesFigure,
  panels: panelsFigure,
  scatterFit: scatterFitFigure,
  residuals: residualsFigure,
  hourOfWeek: hourOfWeekHeatmap,
  intervals: intervalFigure,
  table: tableFigure,
};

export { show, loadPlotly };

/** Shows rows as a table inline. */
export function table(rows: readonly Record<string, unknown>[], opts: { title?: string; maxRows?: number; digits?: number } = {}): void {
  showTable(rows, opts);
}

/** Runs the data quality checks (gaps, duplicates, OHLC, outliers) and returns one row per series. */
export async function dataQuality(opts: DataCheckOptions = {}): Promise<{ report: DataCheckReport; rows: Record<string, unknown>[] }> {
  const report = await checkData(opts);
  const rows = report.series.map((s) => ({
    venue: s.venue,
    symbol: s.symbol,
    timeframe: s.timeframe,
    rows: s.rows,
    first: s.first === undefined ? "" : new Date(s.first).toISOString().slice(0, 16),
    last: s.last === undefined ? "" : new Date(s.last).toISOString().slice(0, 16),
    errors: s.errors,
    warnings: s.warnings,
    findings: s.checks.filter((c) => c.severity !== "ok").map((c) => `${c.name}: ${c.detail}`).join("; "),
  }));
  return { report, rows };
}

/** A backtest of a rule strategy (or a policy) next to buy-and-hold, through the execution simulator. */
export function backtest(req: BacktestRequest): Promise<BacktestOutcome> {
  return runBacktestCommand(req);
}

/** The metrics table (strategy vs buy-and-hold) and every backtest figure, inline. */
export function showBacktest(o: BacktestOutcome, which?: readonly string[]): void {
  const t = metricsTable(o.result);
  showTable(t.rows.map((r) => Object.fromEntries(t.header.map((h, j) => [h, r[j]]))), { title: `${o.result.label} on ${o.result.symbols.join(", ")}` });
  for (const f of backtestFigures(o.result, o.series[0]?.bars)) if (!which || which.includes(f.title)) show(f.figure);
}
