import { DataError } from "../../core/errors";
import type { ExecutionModels } from "../../sim/execution-models";
import { ReplayClock } from "../../sim/replay-clock";
import { SimulatedVenue } from "../../sim/simulated-venue";
import type { AccountMode } from "../../sim/sim-account";
import type { Policy } from "../strategies/policy";
import { runVectorised } from "./vector-run";
import type { BacktestInput, BacktestRun, BacktestSeries } from "./types";

export type { BacktestInput, BacktestRun, BacktestSeries, Rejection } from "./types";

/**
 * Runs policies over bars through the simulated venue (the same matching engine, fee, slippage,
 * latency and filter models the env and the replay exchange use). After each bar closes the venue
 * first matches working orders against that bar, then each policy decides; a changed target becomes
 * a market order that trades in a LATER bar (never the signal bar). One account is shared by all symbols.
 */
export async function runBacktest(input: BacktestInput): Promise<BacktestRun> {
  const { series, timeframeMs, models } = input;
  if (series.length === 0) throw new DataError("backtest needs at least one symbol");
  for (const s of series) if (s.bars.length === 0) throw new DataError(`no bars for ${s.symbol} in the requested range`, { symbol: s.symbol });
  const times = mergedTimes(series);
  if (series.length === 1 && input.vectorised !== false) {
    const p = input.policy(series[0]!.symbol);
    p.prepare(series[0]!.bars, series[0]!.symbol);
    return runVectorised(series[0]!, p, models, timeframeMs, input.initialCash, input.onProgress);
  }
  const quote = input.quoteAsset ?? models.quoteAsset(series[0]!.symbol);
  const clock = new ReplayClock(times[0]!);
  const venue = new SimulatedVenue({ models, clock, timeframeMs, balances: { [quote]: input.initialCash }, accountMode: input.accountMode ?? "cash" });
  const policies = series.map((s) => {
    const p = input.policy(s.symbol);
    p.prepare(s.bars, s.symbol);
    return p;
  });
  const dust = series.map((s) => models.dustQty(s.symbol));
  const n = times.length;
  const out: BacktestRun = { ts: times, equity: new Float64Array(n), cash: new Float64Array(n), positions: {}, fills: [], rejections: [], decisions: 0 };
  for (const s of series) out.positions[s.symbol] = new Float64Array(n);
  const cursor = new Int32Array(series.length);
  const lastClose = new Float64Array(series.length).fill(Number.NaN);
  const every = input.progressEvery ?? 10_000;
  let seq = 0;
  const fresh: number[] = [];
  // fills since each symbol's previous decision (quantity and notional), for PolicyContext.fillPrice
  const index = new Map(series.map((s, k) => [s.symbol, k]));
  const filledQty = new Float64Array(series.length);
  const filledNotional = new Float64Array(series.length);
  let fillCursor = 0;
  for (let t = 0; t < n; t++) {
    const ts = times[t]!;
    fresh.length = 0;
    for (let k = 0; k < series.length; k++) {
      const b = series[k]!.bars;
      const i = cursor[k]!;
      if (i < b.length && b.ts[i] === ts) {
        venue.onBar(series[k]!.symbol, { ts, open: b.open[i]!, high: b.high[i]!, low: b.low[i]!, close: b.close[i]!, volume: b.volume[i]! });
        lastClose[k] = b.close[i]!;
        fresh.push(k);
        cursor[k] = i + 1;
      }
    }
    const equity = markEquity(venue, series, lastClose, quote);
    const all = venue.allFills();
    for (; fillCursor < all.length; fillCursor++) {
      const f = all[fillCursor]!;
      const k = index.get(f.symbol);
      if (k !== undefined) [filledQty[k], filledNotional[k]] = [filledQty[k]! + f.qty, filledNotional[k]! + f.qty * f.price];
    }
    for (const k of fresh) {
      const s = series[k]!;
      const i = cursor[k]! - 1;
      if (i < policies[k]!.warmup) continue;
      const pos = venue.account.position(s.symbol).qty;
      const fillPrice = filledQty[k]! > 0 ? filledNotional[k]! / filledQty[k]! : Number.NaN;
      filledQty[k] = filledNotional[k] = 0;
      const target = policies[k]!.decide({ i, bars: s.bars, symbol: s.symbol, cash: venue.account.free(quote), positionQty: pos, dustQty: dust[k], equity, fillPrice });
      if (target === null || !Number.isFinite(target)) continue;
      out.decisions++;
      const delta = target - pos;
      if (Math.abs(delta) <= 1e-12 * Math.max(1, Math.abs(pos))) continue;
      for (const o of await venue.openOrders(s.symbol)) await venue.cancel(s.symbol, o.clientOrderId);
      const r = await venue.submit({ clientOrderId: `bt-${s.symbol}-${i}-${seq++}`, symbol: s.symbol, side: delta > 0 ? "buy" : "sell", type: "market", qty: Math.abs(delta), timeInForce: "IOC" });
      if (!r.ok) out.rejections.push({ ts, symbol: s.symbol, code: r.error.code, message: r.error.message });
    }
    out.equity[t] = equity;
    out.cash[t] = balanceOf(venue, quote);
    for (let k = 0; k < series.length; k++) out.positions[series[k]!.symbol]![t] = venue.account.position(series[k]!.symbol).qty;
    if (input.onProgress && (t + 1) % every === 0) input.onProgress(t + 1, n);
  }
  input.onProgress?.(n, n);
  out.fills = [...venue.allFills()];
  return out;
}

function balanceOf(venue: SimulatedVenue, asset: string): number {
  return venue.account.balance(asset);
}

function markEquity(venue: SimulatedVenue, series: readonly BacktestSeries[], lastClose: Float64Array, quote: string): number {
  let e = balanceOf(venue, quote);
  for (let k = 0; k < series.length; k++) {
    const q = venue.account.position(series[k]!.symbol).qty;
    if (q !== 0) e += q * lastClose[k]!;
  }
  return e;
}

/** Sorted union of all series' bar times; each series must be strictly increasing. */
function mergedTimes(series: readonly BacktestSeries[]): Float64Array {
  for (const s of series) {
    for (let i = 1; i < s.bars.length; i++) {
      if (!(s.bars.ts[i]! > s.bars.ts[i - 1]!)) throw new DataError(`${s.symbol}: bar times not strictly increasing at row ${i} (ts ${s.bars.ts[i]})`, { symbol: s.symbol, row: i });
    }
  }
  if (series.length === 1) return Float64Array.from(series[0]!.bars.ts);
  const all = new Set<number>();
  for (const s of series) for (const t of s.bars.ts) all.add(t);
  return Float64Array.from([...all].sort((a, b) => a - b));
}
