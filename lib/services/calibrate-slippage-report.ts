import { residualsFigure, scatterFitFigure } from "../plot/charts";
import type { BookSlippageResult } from "./calibrate-slippage";
import type { JournalSlippageResult } from "./calibrate-slippage-journal";
import type { Figure } from "../core/figure";
import { type BucketStats, logSpace, quantileSorted, sortedFinite } from "./calibration/fit-stats";
import { type CalibrationBlock, fmt, strided, type TitledFigure, withSe } from "./calibration/report-blocks";

export type SlippageResult = BookSlippageResult | JournalSlippageResult;

const MAX_POINTS = 3000;

/** Parameter and fit-quality rows of one symbol (the CLI prints them, the report tabulates them). */
export function slippageSummaryRows(r: SlippageResult): [string, string][] {
  const f = r.fit;
  const rows: [string, string][] = [
    ["halfSpreadBps", `${withSe(f.halfSpreadBps, f.stdErr.halfSpreadBps)}${f.atBound.halfSpreadBps ? " (held at 0)" : ""}`],
    ["k", `${withSe(f.k, f.stdErr.k)}${f.atBound.k ? " (held at 0)" : ""}`],
    ["R^2 / adj. R^2 (every measurement)", `${fmt(f.r2)} / ${fmt(f.adjR2)}`],
    ["R^2 of the bucket means (average cost curve)", fmt(f.binnedR2)],
    ["RMSE / MAE (bps)", `${fmt(f.rmse)} / ${fmt(f.mae)}`],
    ["measurements", String(f.n)],
    ["impact exponent d (0.5 = sqrt law)", f.exponent ? `${withSe(f.exponent.value, f.exponent.stdErr, 3)} (R^2 ${fmt(f.exponent.r2, 3)} at that exponent)` : "n/a"],
    ["median sigma per bar / bar volume V", `${fmt(r.measured.sigma, 6)} / ${fmt(r.measured.volume, 4)}`],
    ["bars for sigma, V", `${r.measured.timeframeMs / 1000}s, EWMA half-life ${r.measured.halfLifeBars} bars`],
  ];
  if (r.method === "book-walk") {
    const m = r.measured;
    rows.push(
      ["quoted half-spread mean / median (bps)", `${fmt(m.halfSpreadBps.mean)} / ${fmt(m.halfSpreadBps.median)}`],
      ["snapshots used / total", `${m.usedSnapshots} / ${m.snapshots}`],
      ["order sizes (base units)", `${m.sizes.length} from ${fmt(m.sizes[0]!, 6)} to ${fmt(m.sizes[m.sizes.length - 1]!, 6)}`],
      ["orders beyond visible depth (left out)", String(m.beyondDepth)],
    );
    const ro = r.realOrders;
    if (ro) {
      rows.push(
        ["real taker orders (out of sample)", `${ro.n} rebuilt from the trades`],
        ["  mean observed / predicted (bps)", `${fmt(ro.meanObservedBps)} / ${fmt(ro.meanPredictedBps)}`],
        ["  RMSE (bps) / R^2", `${fmt(ro.rmse)} / ${fmt(ro.r2, 3)}`],
      );
    }
  } else {
    const m = r.measured;
    rows.push(["fills used / total (maker fills skipped)", `${m.usedFills} / ${m.fills} (${m.makerFills})`], ["sigma, V from the journal records", String(m.fromRecord)]);
  }
  return rows;
}

/** The fitted cost at median sigma and V over a notional grid spanning `notional`. */
function fitCurve(r: SlippageResult, notional: ArrayLike<number>, price: number): { x: Float64Array; y: Float64Array } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let i = 0; i < notional.length; i++) {
    lo = Math.min(lo, notional[i]!);
    hi = Math.max(hi, notional[i]!);
  }
  const x = lo > 0 && hi > lo ? logSpace(lo, hi, 60) : Float64Array.of(lo, hi);
  return { x, y: x.map((n) => r.fit.halfSpreadBps + r.fit.k * 10_000 * r.measured.sigma * Math.sqrt(n / price / r.measured.volume)) };
}

/** Measurements, their bucket means and the fit curve; the y axis stops at the 99.5th percentile so the curve stays readable. */
function costScatter(r: SlippageResult, title: string, label: string, pts: { notional: ArrayLike<number>; cost: ArrayLike<number> }, buckets: readonly BucketStats[], price: number): Figure {
  const idx = strided(pts.cost.length, MAX_POINTS);
  const curve = fitCurve(r, pts.notional, price);
  const fig = scatterFitFigure(
    title,
    { x: idx.map((i) => pts.notional[i]!), y: idx.map((i) => pts.cost[i]!), label },
    { x: curve.x, y: curve.y, label: `fit: ${fmt(r.fit.halfSpreadBps, 3)} + ${fmt(r.fit.k, 3)}·σ·√(q/V) at median σ, V` },
    { x: "order notional (quote, log)", y: "cost (bps)", logX: true },
  );
  const b = buckets.filter((x) => x.n > 0);
  fig.data.push({ type: "scatter", mode: "markers", name: "bucket mean", x: b.map((x) => Math.sqrt(x.lo * x.hi)), y: b.map((x) => x.meanObserved), marker: { size: 11, color: "#111", symbol: "diamond" } });
  const sorted = sortedFinite(pts.cost);
  const top = Math.max(quantileSorted(sorted, 0.995), ...b.map((x) => x.meanObserved), ...Array.from(curve.y));
  const bottom = Math.min(0, quantileSorted(sorted, 0.005));
  fig.layout["yaxis"] = { ...(fig.layout["yaxis"] as Record<string, unknown>), range: [bottom, top * 1.1] };
  return fig;
}

/** Fit curve over the measured costs, residuals by size bucket, and the real taker orders against the fit. */
export function slippageFigures(r: SlippageResult): TitledFigure[] {
  const o = r.orders;
  const price = o.notional[0]! / o.qty[0]!;
  const b = r.fit.buckets.filter((x) => x.n > 0);
  const out: TitledFigure[] = [
    { title: "Fit over the measurements", figure: costScatter(r, `${r.symbol}: cost vs order size (${r.method === "book-walk" ? "market orders walked through the book" : "journal fills"})`, r.method === "book-walk" ? "book walk" : "fills", { notional: o.notional, cost: o.costBps }, r.fit.buckets, price) },
    { title: "Residuals by size bucket", figure: residualsFigure(`${r.symbol}: residuals (measured - fitted) by notional bucket`, b.map((x) => x.label), b.map((x) => x.meanResidual), b.map((x) => x.stdResidual), "residual (bps)") },
  ];
  if (r.method === "book-walk" && r.realOrders) {
    const ro = r.realOrders;
    const rb = ro.buckets.filter((x) => x.n > 0);
    out.push(
      { title: "Real taker orders vs the fit", figure: costScatter(r, `${r.symbol}: real taker orders rebuilt from the trades (out of sample)`, "real taker orders", { notional: ro.notional, cost: ro.costBps }, ro.buckets, price) },
      { title: "Real taker order residuals", figure: residualsFigure(`${r.symbol}: real taker orders, observed - predicted by notional`, rb.map((x) => x.label), rb.map((x) => x.meanResidual), rb.map((x) => x.stdResidual), "residual (bps)") },
    );
  }
  return out;
}

/** The report section of one symbol: parameters, figures and the bucket table. */
export function slippageReportBlocks(r: SlippageResult): CalibrationBlock[] {
  const blocks: CalibrationBlock[] = [
    { kind: "heading", text: `${r.symbol} (${r.method})` },
    { kind: "table", header: ["quantity", "value"], rows: slippageSummaryRows(r) },
  ];
  for (const f of slippageFigures(r)) blocks.push({ kind: "figure", figure: f.figure });
  blocks.push({
    kind: "table",
    header: ["notional bucket", "n", "mean measured (bps)", "mean fitted (bps)", "mean residual", "std residual", "mean |residual|"],
    rows: r.fit.buckets.map((x) => [x.label, x.n, fmt(x.meanObserved), fmt(x.meanFitted), fmt(x.meanResidual), fmt(x.stdResidual), fmt(x.meanAbsResidual)]),
  });
  return blocks;
}
