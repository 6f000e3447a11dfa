import type { BarColumns } from "../core/bar";
import type { BookColumns, TradeColumns } from "./calibrate-slippage-book";
import { marketStatsAt } from "./calibrate-slippage-book";
import { formatNotional, impactRegressor, type SqrtImpactFit } from "./calibrate-slippage-fit";
import { type BucketStats, logSpace, residualsByBucket } from "./calibration/fit-stats";

/** Real taker orders rebuilt from the trade prints, scored against a fit they took no part in. */
export interface RealOrderCheck {
  n: number;
  ts: Float64Array;
  qty: Float64Array;
  notional: Float64Array;
  /** Realised cost against the mid before the order, bps. */
  costBps: Float64Array;
  /** The fit's prediction, bps. */
  predictedBps: Float64Array;
  meanObservedBps: number;
  meanPredictedBps: number;
  rmse: number;
  /** Out-of-sample R^2 (negative when the fit predicts worse than the mean). */
  r2: number;
  buckets: BucketStats[];
}

/**
 * Rebuilds taker orders from consecutive trades with the same time and taker side (a market order
 * sweeping several levels prints one trade per maker, all at the matching time), and measures each
 * one's cost: VWAP against its first price (the touch it hit) plus the half-spread of the last book
 * snapshot before it. Returns null when no order can be scored (no snapshot or statistics yet).
 */
export function checkRealOrders(
  trades: TradeColumns,
  book: BookColumns,
  bars: BarColumns,
  stats: { timeframeMs: number; halfLifeBars: number; warmupBars: number },
  fit: Pick<SqrtImpactFit, "halfSpreadBps" | "k">,
): RealOrderCheck | null {
  const ts: number[] = [];
  const qty: number[] = [];
  const cost: number[] = [];
  const notional: number[] = [];
  let snap = -1;
  const n = trades.ts.length;
  for (let i = 0; i < n; ) {
    const t = trades.ts[i]!;
    const s = trades.side[i]!;
    const first = trades.price[i]!;
    let q = 0;
    let value = 0;
    let j = i;
    while (j < n && trades.ts[j] === t && trades.side[j] === s) {
      q += trades.qty[j]!;
      value += trades.qty[j]! * trades.price[j]!;
      j++;
    }
    i = j;
    while (snap + 1 < book.ts.length && book.ts[snap + 1]! <= t) snap++;
    if (snap < 0) continue;
    const bid = book.bidPx[0]![snap]!;
    const ask = book.askPx[0]![snap]!;
    const hs = ((ask - bid) / (ask + bid)) * 10_000;
    const vwap = value / q;
    ts.push(t);
    qty.push(q);
    notional.push(value);
    cost.push((s * (vwap - first) * 10_000) / first + hs);
  }
  const at = marketStatsAt(bars, stats.timeframeMs, stats.halfLifeBars, ts, stats.warmupBars);
  const keep: number[] = [];
  for (let i = 0; i < ts.length; i++) if (Number.isFinite(at.sigma[i]!)) keep.push(i);
  if (keep.length === 0) return null;
  const pick = (xs: ArrayLike<number>) => Float64Array.from(keep, (i) => xs[i]!);
  const out = { ts: pick(ts), qty: pick(qty), notional: pick(notional), costBps: pick(cost) };
  const x = impactRegressor(pick(at.sigma), pick(at.volume), out.qty);
  const predicted = x.map((v) => fit.halfSpreadBps + fit.k * v);
  let mo = 0;
  let mp = 0;
  for (let i = 0; i < keep.length; i++) {
    mo += out.costBps[i]!;
    mp += predicted[i]!;
  }
  mo /= keep.length;
  mp /= keep.length;
  let sse = 0;
  let tss = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = 0;
  for (let i = 0; i < keep.length; i++) {
    sse += (out.costBps[i]! - predicted[i]!) ** 2;
    tss += (out.costBps[i]! - mo) ** 2;
    lo = Math.min(lo, out.notional[i]!);
    hi = Math.max(hi, out.notional[i]!);
  }
  const edges = hi > lo ? logSpace(lo, hi, 7) : Float64Array.of(lo, hi);
  return {
    n: keep.length,
    ...out,
    predictedBps: predicted,
    meanObservedBps: mo,
    meanPredictedBps: mp,
    rmse: Math.sqrt(sse / keep.length),
    r2: tss > 0 ? 1 - sse / tss : Number.NaN,
    buckets: residualsByBucket(out.notional, out.costBps, predicted, edges, (a, b) => `${formatNotional(a)}-${formatNotional(b)}`),
  };
}
