import { resolve } from "node:path";
import { loadTrainConfig } from "../config/kinds";
import type { ConfigOf } from "../config/kinds";
import { DataError } from "../core/errors";
import { openDataSession } from "../infra/data/index";
import { parseTimeframe } from "../infra/data/timeframe";
import { writeReportHtml, type ReportBlock } from "../infra/html-report";
import { ExecutionModels } from "../sim/execution-models";
import { loadExecutionData } from "../sim/loaders";
import { backtest, type BacktestResult } from "../services/backtest/service";
import { backtestFigures, metricsTable } from "../services/backtest/report";
import { createStrategy } from "../services/strategies/baselines";
import type { Policy } from "../services/strategies/policy";
import type { BacktestSeries } from "../services/backtest/engine";
import { staleReferenceWarnings } from "./build-calibration";

export interface BacktestRequest {
  /** Train-kind config supplying execution, data and backtest sections. Default configs/config_train.yaml. */
  config?: string;
  /** Values merged over the config before validation, e.g. `{ execution: { slippage: { kind: "profile", profileFile: "..." } } }`. */
  overrides?: Record<string, unknown>;
  /** A rule baseline name, or... */
  strategy?: string;
  /** ...a policy built by the caller (e.g. a PPO checkpoint adapter). */
  policy?: { label: string; create: (symbol: string) => Policy };
  symbols?: readonly string[];
  venue?: string;
  timeframe?: string;
  from?: string | number;
  to?: string | number;
  initialCash?: number;
  seed?: number;
  /** Write a standalone HTML report here. */
  report?: string;
  onProgress?: (phase: string, done: number, total: number) => void;
}

export interface BacktestOutcome {
  result: BacktestResult;
  series: BacktestSeries[];
  reportPath?: string;
  timings: { loadMs: number; simulateMs: number; reportMs: number };
  /** Reference files (fees, exchange filters) older than their configured refresh age. */
  warnings: string[];
}

const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Strategy parameters from the config's backtest.strategies section. */
export function strategyParams(cfg: ConfigOf<"train">, name: string): Record<string, number | boolean> {
  const all = cfg.backtest.strategies as Record<string, Record<string, number | boolean>>;
  return { ...(all[camel(name)] ?? {}) };
}

/** Loads config and bars, runs the backtest (and its buy-and-hold benchmark), optionally writes the report. */
export async function runBacktestCommand(req: BacktestRequest): Promise<BacktestOutcome> {
  const cfg = loadTrainConfig(req.config ?? "configs/config_train.yaml", { overrides: req.overrides, overridesSource: "backtest request" });
  const symbols = req.symbols && req.symbols.length > 0 ? req.symbols : cfg.data.symbols;
  const timeframe = req.timeframe ?? cfg.data.timeframe;
  const tf = parseTimeframe(timeframe);
  const t0 = performance.now();
  const session = await openDataSession({ dataDir: resolve(cfg.data.dir) });
  let series: BacktestSeries[];
  try {
    series = [];
    for (const symbol of symbols) {
      const bars = await session.loadBars({ venue: req.venue ?? cfg.data.venue, symbol, timeframe, from: req.from, to: req.to });
      if (bars.length < 2) throw new DataError(`no bars for ${symbol} ${timeframe} in [${String(req.from ?? "start")}, ${String(req.to ?? "end")})`, { symbol });
      series.push({ symbol, bars });
    }
  } finally {
    session.close();
  }
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const models = new ExecutionModels(cfg.execution, loadExecutionData(cfg.execution), req.seed ?? 0);
  const label = req.policy?.label ?? req.strategy ?? "sma-cross";
  const create = req.policy?.create ?? ((_: string) => createStrategy(label, strategyParams(cfg, label)));
  const result = await backtest({
    series,
    timeframeMs: tf.ms,
    market: cfg.data.assetClass,
    models,
    initialCash: req.initialCash ?? cfg.env.initialCash,
    label,
    policy: create,
    onProgress: req.onProgress,
  });
  const simulateMs = performance.now() - t1;
  const t2 = performance.now();
  let reportPath: string | undefined;
  if (req.report) reportPath = writeBacktestReport(req.report, result, series);
  const warnings = staleReferenceWarnings(cfg.execution);
  return { result, series, reportPath, warnings, timings: { loadMs, simulateMs, reportMs: performance.now() - t2 } };
}

export function writeBacktestReport(path: string, r: BacktestResult, series: readonly BacktestSeries[]): string {
  const t = metricsTable(r);
  const range = `${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()}`;
  const blocks: ReportBlock[] = [
    { kind: "text", text: `${r.symbols.join(", ")} ${r.timeframeMs / 60_000}m bars, ${range}, ${r.run.ts.length.toLocaleString("en-US")} bars; costs on (fees, slippage, latency, exchange filters as configured). Fills digest ${r.fillsDigest}.` },
    { kind: "heading", text: "Metrics" },
    { kind: "table", header: t.header, rows: t.rows },
  ];
  for (const f of backtestFigures(r, series[0]?.bars)) blocks.push({ kind: "heading", text: f.title }, { kind: "figure", figure: f.figure });
  return writeReportHtml(path, `Backtest: ${r.label} on ${r.symbols.join(", ")}`, blocks);
}
