import type { BarColumns } from "../../core/bar";
import type { Figure } from "../../core/figure";
import { candlesFigure, type TradeMarker } from "../../plot/candles";
import { costBreakdownFigure, drawdownFigure, equityFigure, positionFigure, returnDistributionFigure, rollingSharpeFigure } from "../../plot/performance";
import { strideIndex } from "../../plot/figure";
import { calendarFor, type Metrics } from "./metrics";
import type { BacktestResult } from "./service";

/** Rows of label, strategy value, benchmark value, formatted for people. */
export function metricsTable(r: BacktestResult): { header: string[]; rows: string[][] } {
  const m = r.metrics;
  const b = r.benchmarkMetrics;
  const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
  const num = (v: number) => v.toFixed(2);
  const money = (v: number) => v.toFixed(2);
  const days = (ms: number) => `${(ms / 86_400_000).toFixed(2)} d`;
  const spec: [string, (x: Metrics) => string][] = [
    ["total return", (x) => pct(x.totalReturn)],
    ["annual return", (x) => pct(x.annualReturn)],
    ["annual volatility", (x) => pct(x.annualVolatility)],
    ["Sharpe", (x) => num(x.sharpe)],
    ["Sortino", (x) => num(x.sortino)],
    ["Calmar", (x) => num(x.calmar)],
    ["max drawdown", (x) => pct(x.maxDrawdown)],
    ["max drawdown duration", (x) => days(x.maxDrawdownDurationMs)],
    ["exposure", (x) => pct(x.exposure)],
    ["turnover (x/yr)", (x) => num(x.turnover)],
    ["fills", (x) => String(x.trades)],
    ["round trips", (x) => String(x.roundTrips)],
    ["hit rate", (x) => pct(x.hitRate)],
    ["avg win", (x) => money(x.avgWin)],
    ["avg loss", (x) => money(x.avgLoss)],
    ["fees paid", (x) => money(x.feesPaid)],
    ["slippage paid", (x) => money(x.slippagePaid)],
    ["end equity", (x) => money(x.endEquity)],
  ];
  return { header: ["metric", r.label, ...(b ? ["buy & hold"] : [])], rows: spec.map(([name, f]) => [name, f(m), ...(b ? [f(b)] : [])]) };
}

/** Per-bar simple returns of an equity curve. */
export function barReturns(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(Math.max(0, equity.length - 1));
  for (let i = 1; i < equity.length; i++) out[i - 1] = equity[i]! / equity[i - 1]! - 1;
  return out;
}

/** Every figure of a backtest report, in reading order. `bars` (first symbol) adds the candlestick view. */
export function backtestFigures(r: BacktestResult, bars?: BarColumns): { title: string; figure: Figure }[] {
  const run = r.run;
  const figs: { title: string; figure: Figure }[] = [];
  figs.push({ title: "Equity vs buy & hold", figure: equityFigure(run.ts, run.equity, r.benchmarkRun?.equity) });
  figs.push({ title: "Drawdown", figure: drawdownFigure(run.ts, run.equity, r.benchmarkRun?.equity) });
  const sym = r.symbols[0]!;
  if (bars) {
    const maxCandles = 3000;
    const markers: TradeMarker[] = run.fills.filter((f) => f.symbol === sym).map((f) => ({ ts: f.ts, price: f.price, side: f.side, qty: f.qty, label: `${f.side} ${f.qty.toPrecision(4)} @ ${f.price}` }));
    const view = bars.length > maxCandles ? tail(bars, maxCandles) : bars;
    const start = view.ts[0]!;
    figs.push({ title: `Trades on ${sym}`, figure: candlesFigure(view, { title: `${sym}: trades${bars.length > maxCandles ? ` (last ${maxCandles} bars)` : ""}`, markers: markers.filter((m) => m.ts >= start) }) });
  }
  figs.push({ title: "Position", figure: positionFigure(run.ts, run.positions[sym]!, `Position in ${sym} (base units)`) });
  const gross = run.equity[run.equity.length - 1]! - run.equity[0]! + r.metrics.feesPaid + r.metrics.slippagePaid;
  figs.push({ title: "Costs", figure: costBreakdownFigure({ fees: r.metrics.feesPaid, slippage: r.metrics.slippagePaid }, gross) });
  const daily = dailyReturns(run.ts, run.equity);
  const dailyB = r.benchmarkRun ? dailyReturns(r.benchmarkRun.ts, r.benchmarkRun.equity) : undefined;
  figs.push({ title: "Daily returns", figure: returnDistributionFigure(daily, dailyB, "Distribution of daily returns") });
  const cal = calendarFor(r.market, r.timeframeMs);
  const rets = barReturns(run.equity);
  const window = Math.max(20, Math.round(cal.periodsPerYear / 52));
  const idx = strideIndex(rets.length, rets.length);
  figs.push({ title: "Rolling Sharpe", figure: rollingSharpeFigure(Float64Array.from(idx, (i) => run.ts[i + 1]!), rets, window, cal.periodsPerYear) });
  return figs;
}

function tail(b: BarColumns, n: number): BarColumns {
  const s = b.length - n;
  return { ts: b.ts.subarray(s), open: b.open.subarray(s), high: b.high.subarray(s), low: b.low.subarray(s), close: b.close.subarray(s), volume: b.volume.subarray(s), length: n };
}

/** Close-to-close returns per UTC day (last equity of each day). */
export function dailyReturns(ts: ArrayLike<number>, equity: ArrayLike<number>): Float64Array {
  const closes: number[] = [];
  let day = Math.floor(ts[0]! / 86_400_000);
  let last = equity[0]!;
  closes.push(last);
  for (let i = 0; i < ts.length; i++) {
    const d = Math.floor(ts[i]! / 86_400_000);
    if (d !== day) {
      closes.push(last);
      day = d;
    }
    last = equity[i]!;
  }
  closes.push(last);
  return barReturns(closes);
}
