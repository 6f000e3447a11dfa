import { baseLayout, COLORS, type Figure, type Trace } from "./figure";

/** Several named lines over a shared numeric x (training steps, PBT time, ...). */
export function linesFigure(title: string, x: ArrayLike<number> | readonly (number | string)[], series: Record<string, ArrayLike<number>>, axes: { x?: string; y?: string } = {}): Figure {
  const xs = Array.from(x as ArrayLike<number | string>);
  const data: Trace[] = Object.entries(series).map(([name, ys]) => ({ type: "scatter", mode: "lines", name, x: xs, y: Array.from(ys, (v) => (Number.isFinite(v) ? v : null)) }));
  return { data, layout: baseLayout(title, { hovermode: "closest", xaxis: { title: { text: axes.x ?? "" } }, yaxis: { title: { text: axes.y ?? "" } } }) };
}

/** Small multiples: one line chart per named series, stacked (e.g. learning curves: return, losses, KL, entropy). */
export function panelsFigure(title: string, x: ArrayLike<number>, panels: Record<string, ArrayLike<number>>, xTitle = "step"): Figure {
  const names = Object.keys(panels);
  const n = Math.max(1, names.length);
  const gap = 0.04;
  const h = (1 - gap * (n - 1)) / n;
  const layout = baseLayout(title, { hovermode: "closest", showlegend: false, height: Math.max(300, 170 * n) });
  const data: Trace[] = names.map((name, i) => {
    const axis = i === 0 ? "" : String(i + 1);
    const top = 1 - i * (h + gap);
    layout[`yaxis${axis}`] = { title: { text: name }, domain: [Math.max(0, top - h), top] };
    layout[`xaxis${axis}`] = { anchor: `y${axis}`, title: { text: i === n - 1 ? xTitle : "" }, matches: i === 0 ? undefined : "x" };
    return { type: "scatter", mode: "lines", name, x: Array.from(x), y: Array.from(panels[name]!, (v) => (Number.isFinite(v) ? v : null)), xaxis: `x${axis}`, yaxis: `y${axis}` };
  });
  return { data, layout };
}

/** Measurements as points with a fitted curve over them (calibration fits). */
export function scatterFitFigure(
  title: string,
  points: { x: ArrayLike<number>; y: ArrayLike<number>; label?: string },
  curve: { x: ArrayLike<number>; y: ArrayLike<number>; label?: string },
  axes: { x: string; y: string; logX?: boolean },
): Figure {
  return {
    data: [
      { type: "scatter", mode: "markers", name: points.label ?? "measured", x: Array.from(points.x), y: Array.from(points.y), marker: { size: 5, opacity: 0.55, color: COLORS.strategy } },
      { type: "scatter", mode: "lines", name: curve.label ?? "fit", x: Array.from(curve.x), y: Array.from(curve.y), line: { color: COLORS.drawdown, width: 2 } },
    ],
    layout: baseLayout(title, { hovermode: "closest", xaxis: { title: { text: axes.x }, type: axes.logX ? "log" : "linear" }, yaxis: { title: { text: axes.y } } }),
  };
}

/** Residuals by bucket (mean and spread), e.g. slippage fit residuals by order-size bucket. */
export function residualsFigure(title: string, buckets: readonly string[], mean: ArrayLike<number>, std: ArrayLike<number>, yTitle = "residual"): Figure {
  return {
    data: [{ type: "bar", name: "mean residual", x: [...buckets], y: Array.from(mean), error_y: { type: "data", array: Array.from(std), visible: true }, marker: { color: COLORS.slippage } }],
    layout: baseLayout(title, { hovermode: "closest", xaxis: { title: { text: "bucket" } }, yaxis: { title: { text: yTitle }, zeroline: true } }),
  };
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/** 168 hour-of-week values (index 0 = Monday 00:00 UTC) as a day x hour heatmap. */
export function hourOfWeekHeatmap(title: string, values: ArrayLike<number>, colorTitle = "multiplier"): Figure {
  if (values.length !== 168) throw new RangeError(`hour-of-week heatmap needs 168 values, got ${values.length}`);
  const z: number[][] = [];
  for (let d = 0; d < 7; d++) z.push(Array.from({ length: 24 }, (_, h) => values[d * 24 + h]!));
  return {
    data: [{ type: "heatmap", x: Array.from({ length: 24 }, (_, h) => `${h}:00`), y: DAYS, z, colorscale: "Viridis", colorbar: { title: { text: colorTitle } } }],
    layout: baseLayout(title, { hovermode: "closest", xaxis: { title: { text: "hour (UTC)" } }, yaxis: { autorange: "reversed" } }),
  };
}

/** Forecast intervals as a band with realised values, misses highlighted (conformal coverage). */
export function intervalFigure(title: string, x: ArrayLike<number> | readonly string[], lo: ArrayLike<number>, hi: ArrayLike<number>, realised: ArrayLike<number>): Figure {
  const xs = Array.from(x as ArrayLike<number | string>);
  const miss: number[] = [];
  for (let i = 0; i < realised.length; i++) if (realised[i]! < lo[i]! || realised[i]! > hi[i]!) miss.push(i);
  return {
    data: [
      { type: "scatter", mode: "lines", name: "upper", x: xs, y: Array.from(hi), line: { width: 0 }, showlegend: false },
      { type: "scatter", mode: "lines", name: "interval", x: xs, y: Array.from(lo), fill: "tonexty", fillcolor: COLORS.band, line: { width: 0 } },
      { type: "scatter", mode: "lines", name: "realised", x: xs, y: Array.from(realised), line: { color: COLORS.strategy, width: 1 } },
      { type: "scatter", mode: "markers", name: "outside", x: miss.map((i) => xs[i]), y: miss.map((i) => realised[i]!), marker: { color: COLORS.drawdown, size: 5 } },
    ],
    layout: baseLayout(title, { hovermode: "closest" }),
  };
}

/** A simple table figure (metrics side by side). */
export function tableFigure(title: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): Figure {
  const cols = header.map((_, j) => rows.map((r) => r[j] ?? ""));
  return {
    data: [{ type: "table", header: { values: [...header], fill: { color: "#eef" }, align: "left" }, cells: { values: cols, align: "left" } }],
    layout: baseLayout(title, { height: Math.min(900, 60 + 24 * (rows.length + 2)), hovermode: false }),
  };
}
