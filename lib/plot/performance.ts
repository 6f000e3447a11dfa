import { baseLayout, COLORS, isoTimes, pick, strideIndex, type Figure, type Trace } from "./figure";

const MAX_POINTS = 5000;

/** Equity curve(s) against a benchmark, both rebased to the first value. */
export function equityFigure(ts: ArrayLike<number>, equity: ArrayLike<number>, benchmark?: ArrayLike<number>, title = "Equity vs benchmark"): Figure {
  const idx = strideIndex(ts.length, MAX_POINTS);
  const x = isoTimes(pick(ts, idx));
  const rebase = (ys: ArrayLike<number>) => {
    const y0 = ys[0] ?? 1;
    return pick(ys, idx).map((v) => v / y0);
  };
  const data: Trace[] = [{ type: "scatter", mode: "lines", name: "strategy", x, y: rebase(equity), line: { color: COLORS.strategy, width: 1.6 } }];
  if (benchmark) data.push({ type: "scatter", mode: "lines", name: "buy & hold", x, y: rebase(benchmark), line: { color: COLORS.benchmark, width: 1.2, dash: "dot" } });
  return { data, layout: baseLayout(title, { yaxis: { title: { text: "growth of 1" } } }) };
}

/** Drawdown from the running peak, in percent (<= 0). */
export function drawdownSeries(equity: ArrayLike<number>): Float64Array {
  const out = new Float64Array(equity.length);
  let peak = -Infinity;
  for (let i = 0; i < equity.length; i++) {
    const e = equity[i]!;
    if (e > peak) peak = e;
    out[i] = peak > 0 ? (e / peak - 1) * 100 : 0;
  }
  return out;
}

export function drawdownFigure(ts: ArrayLike<number>, equity: ArrayLike<number>, benchmark?: ArrayLike<number>): Figure {
  const idx = strideIndex(ts.length, MAX_POINTS);
  const x = isoTimes(pick(ts, idx));
  const data: Trace[] = [
    { type: "scatter", mode: "lines", name: "strategy", x, y: pick(drawdownSeries(equity), idx), fill: "tozeroy", line: { color: COLORS.drawdown, width: 1 } },
  ];
  if (benchmark) data.push({ type: "scatter", mode: "lines", name: "buy & hold", x, y: pick(drawdownSeries(benchmark), idx), line: { color: COLORS.benchmark, width: 1, dash: "dot" } });
  return { data, layout: baseLayout("Drawdown", { yaxis: { title: { text: "% from peak" } } }) };
}

/** Position (fraction of max, or quantity) over time as a step line. */
export function positionFigure(ts: ArrayLike<number>, position: ArrayLike<number>, title = "Position"): Figure {
  const idx = strideIndex(ts.length, MAX_POINTS);
  return {
    data: [{ type: "scatter", mode: "lines", name: "position", x: isoTimes(pick(ts, idx)), y: pick(position, idx), line: { shape: "hv", color: COLORS.strategy, width: 1 }, fill: "tozeroy" }],
    layout: baseLayout(title, { yaxis: { title: { text: "position" } } }),
  };
}

/** Rolling annualised Sharpe of per-bar returns over `window` bars. */
export function rollingSharpe(returns: ArrayLike<number>, window: number, periodsPerYear: number): Float64Array {
  const n = returns.length;
  const out = new Float64Array(n).fill(Number.NaN);
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const r = returns[i]!;
    s += r;
    s2 += r * r;
    if (i >= window) {
      const o = returns[i - window]!;
      s -= o;
      s2 -= o * o;
    }
    if (i >= window - 1) {
      const m = s / window;
      const v = Math.max(0, s2 / window - m * m) * (window / (window - 1));
      out[i] = v > 0 ? (m / Math.sqrt(v)) * Math.sqrt(periodsPerYear) : 0;
    }
  }
  return out;
}

export function rollingSharpeFigure(ts: ArrayLike<number>, returns: ArrayLike<number>, window: number, periodsPerYear: number): Figure {
  const rs = rollingSharpe(returns, window, periodsPerYear);
  const idx = strideIndex(ts.length, MAX_POINTS);
  return {
    data: [{ type: "scatter", mode: "lines", name: `Sharpe (${window} bars)`, x: isoTimes(pick(ts, idx)), y: pick(rs, idx).map((v) => (Number.isFinite(v) ? v : null)), line: { color: COLORS.strategy, width: 1 } }],
    layout: baseLayout(`Rolling Sharpe (${window} bars, annualised)`, { yaxis: { title: { text: "Sharpe" }, zeroline: true } }),
  };
}

/** Histogram of per-period returns in percent, strategy and optional benchmark overlaid. */
export function returnDistributionFigure(returns: ArrayLike<number>, benchmark?: ArrayLike<number>, title = "Return distribution"): Figure {
  const pct = (xs: ArrayLike<number>) => Array.from(xs, (v) => v * 100);
  const data: Trace[] = [{ type: "histogram", name: "strategy", x: pct(returns), opacity: 0.7, nbinsx: 80, marker: { color: COLORS.strategy } }];
  if (benchmark) data.push({ type: "histogram", name: "buy & hold", x: pct(benchmark), opacity: 0.5, nbinsx: 80, marker: { color: COLORS.benchmark } });
  return { data, layout: baseLayout(title, { barmode: "overlay", hovermode: "closest", xaxis: { title: { text: "return per period (%)" } }, yaxis: { title: { text: "count" } } }) };
}

/** Cost attribution: fees, slippage (and latency cost when known) as bars, in quote currency. */
export function costBreakdownFigure(costs: { fees: number; slippage: number; latency?: number }, grossPnl?: number): Figure {
  const labels = ["fees", "slippage"];
  const values = [costs.fees, costs.slippage];
  const colors: string[] = [COLORS.fee, COLORS.slippage];
  if (costs.latency !== undefined) {
    labels.push("latency");
    values.push(costs.latency);
    colors.push(COLORS.latency);
  }
  const data: Trace[] = [{ type: "bar", name: "costs", x: labels, y: values, marker: { color: colors }, text: values.map((v) => v.toFixed(2)), textposition: "auto" }];
  if (grossPnl !== undefined) data.push({ type: "bar", name: "gross PnL", x: ["gross PnL"], y: [grossPnl], marker: { color: COLORS.strategy } });
  return { data, layout: baseLayout("Cost breakdown", { hovermode: "closest", yaxis: { title: { text: "quote currency" } }, showlegend: false }) };
}
