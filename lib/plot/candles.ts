import type { BarColumns } from "../core/bar";
import { baseLayout, COLORS, isoTimes, type Figure, type Trace } from "./figure";

/** A trade marker on a price chart. */
export interface TradeMarker {
  ts: number;
  price: number;
  side: "buy" | "sell";
  qty?: number;
  label?: string;
}

export interface CandlesOptions {
  title?: string;
  /** Show a volume subplot under the candles. Default true. */
  volume?: boolean;
  markers?: readonly TradeMarker[];
  /** Extra line overlays (e.g. moving averages), keyed by name. */
  overlays?: Record<string, ArrayLike<number>>;
}

/** Candlesticks with optional volume, entry/exit markers and overlays. */
export function candlesFigure(bars: BarColumns, opts: CandlesOptions = {}): Figure {
  const x = isoTimes(bars.ts);
  const withVolume = opts.volume ?? true;
  const data: Trace[] = [
    {
      type: "candlestick",
      name: "price",
      x,
      open: bars.open,
      high: bars.high,
      low: bars.low,
      close: bars.close,
      increasing: { line: { color: COLORS.up } },
      decreasing: { line: { color: COLORS.down } },
      yaxis: "y",
    },
  ];
  for (const [name, ys] of Object.entries(opts.overlays ?? {})) {
    data.push({ type: "scatter", mode: "lines", name, x, y: Array.from(ys, (v) => (Number.isFinite(v) ? v : null)), line: { width: 1 } });
  }
  for (const side of ["buy", "sell"] as const) {
    const ms = (opts.markers ?? []).filter((m) => m.side === side);
    if (ms.length === 0) continue;
    data.push({
      type: "scatter",
      mode: "markers",
      name: side === "buy" ? "buys" : "sells",
      x: isoTimes(ms.map((m) => m.ts)),
      y: ms.map((m) => m.price),
      text: ms.map((m) => m.label ?? `${side} ${m.qty ?? ""}`.trim()),
      marker: { symbol: side === "buy" ? "triangle-up" : "triangle-down", size: 10, color: side === "buy" ? COLORS.up : COLORS.down, line: { width: 1, color: "#222" } },
    });
  }
  const layout = baseLayout(opts.title ?? "Price", { xaxis: { rangeslider: { visible: false }, type: "date" }, yaxis: { title: { text: "price" }, domain: withVolume ? [0.28, 1] : [0, 1] } });
  if (withVolume) {
    data.push({ type: "bar", name: "volume", x, y: bars.volume, yaxis: "y2", marker: { color: "rgba(100,100,100,0.45)" } });
    layout["yaxis2"] = { title: { text: "volume" }, domain: [0, 0.22] };
  }
  return { data, layout };
}
