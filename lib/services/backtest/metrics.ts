import { baseDelta, feeValue, type Fill } from "../../core/fill";

/** How many bars make a year, for annualisation. */
export interface Calendar {
  /** Bars per year: crypto trades 24/7 (525,600 1m bars); US equities 252 sessions x bars per session. */
  periodsPerYear: number;
  /** Length of one bar in ms, for durations. */
  barMs: number;
}

const YEAR_DAYS_CRYPTO = 365;
const SESSIONS_US = 252;
const RTH_MINUTES = 390;

/** Annualisation for a market and a bar length: 24/7 for crypto, 252 x 6.5 h sessions for US equities (daily bars: 252). */
export function calendarFor(market: "crypto" | "equity", barMs: number): Calendar {
  if (market === "crypto") return { periodsPerYear: (YEAR_DAYS_CRYPTO * 86_400_000) / barMs, barMs };
  if (barMs >= 86_400_000) return { periodsPerYear: SESSIONS_US * (86_400_000 / barMs), barMs };
  return { periodsPerYear: SESSIONS_US * Math.max(1, Math.round((RTH_MINUTES * 60_000) / barMs)), barMs };
}

/** A closed round trip (flat -> position -> flat), for hit rate and average win/loss. */
export interface RoundTrip {
  entryTs: number;
  exitTs: number;
  side: "long" | "short";
  qty: number;
  entryPrice: number;
  exitPrice: number;
  /** Net of the fees of both legs. */
  pnl: number;
}

export interface Metrics {
  startEquity: number;
  endEquity: number;
  totalReturn: number;
  annualReturn: number;
  annualVolatility: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  maxDrawdown: number;
  /** Longest time below a previous peak, ms. */
  maxDrawdownDurationMs: number;
  /** Fraction of bars with a non-zero position. */
  exposure: number;
  /** Traded notional / average equity, annualised. */
  turnover: number;
  trades: number;
  roundTrips: number;
  hitRate: number;
  avgWin: number;
  avgLoss: number;
  feesPaid: number;
  slippagePaid: number;
  bars: number;
}

/** Computes every metric from an equity curve (one value per bar close), positions and fills. */
export function computeMetrics(
  equity: ArrayLike<number>,
  cal: Calendar,
  opts: { position?: ArrayLike<number>; fills?: readonly Fill[]; roundTrips?: readonly RoundTrip[] } = {},
): Metrics {
  const n = equity.length;
  if (n < 2) throw new RangeError(`metrics need at least 2 equity points, got ${n}`);
  const e0 = equity[0]!;
  const e1 = equity[n - 1]!;
  let sum = 0;
  let sum2 = 0;
  let down2 = 0;
  let peak = e0;
  let maxDd = 0;
  let ddStart = 0;
  let maxDdDur = 0;
  for (let i = 1; i < n; i++) {
    const r = equity[i]! / equity[i - 1]! - 1;
    sum += r;
    sum2 += r * r;
    if (r < 0) down2 += r * r;
    const e = equity[i]!;
    if (e >= peak) {
      peak = e;
      ddStart = i;
    } else {
      maxDd = Math.max(maxDd, 1 - e / peak);
      maxDdDur = Math.max(maxDdDur, i - ddStart);
    }
  }
  const m = n - 1;
  const mean = sum / m;
  const variance = m > 1 ? Math.max(0, (sum2 - m * mean * mean) / (m - 1)) : 0;
  const sd = Math.sqrt(variance);
  const downside = Math.sqrt(down2 / m);
  const ppy = cal.periodsPerYear;
  const totalReturn = e1 / e0 - 1;
  const years = m / ppy;
  const annualReturn = e1 > 0 ? Math.pow(e1 / e0, 1 / years) - 1 : -1;
  const fills = opts.fills ?? [];
  const traded = fills.reduce((s, f) => s + f.qty * f.price, 0);
  let avgEq = 0;
  for (let i = 0; i < n; i++) avgEq += equity[i]!;
  avgEq /= n;
  let exposed = 0;
  if (opts.position) for (let i = 0; i < opts.position.length; i++) if (opts.position[i] !== 0) exposed++;
  const rts = opts.roundTrips ?? [];
  const wins = rts.filter((t) => t.pnl > 0);
  const losses = rts.filter((t) => t.pnl <= 0);
  return {
    startEquity: e0,
    endEquity: e1,
    totalReturn,
    annualReturn,
    annualVolatility: sd * Math.sqrt(ppy),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(ppy) : 0,
    sortino: downside > 0 ? (mean / downside) * Math.sqrt(ppy) : 0,
    calmar: maxDd > 0 ? annualReturn / maxDd : 0,
    maxDrawdown: maxDd,
    maxDrawdownDurationMs: maxDdDur * cal.barMs,
    exposure: opts.position && opts.position.length > 0 ? exposed / opts.position.length : 0,
    turnover: avgEq > 0 && years > 0 ? traded / avgEq / years : 0,
    trades: fills.length,
    roundTrips: rts.length,
    hitRate: rts.length ? wins.length / rts.length : 0,
    avgWin: wins.length ? wins.reduce((s, t) => s + t.pnl, 0) / wins.length : 0,
    avgLoss: losses.length ? losses.reduce((s, t) => s + t.pnl, 0) / losses.length : 0,
    feesPaid: fills.reduce((s, f) => s + feeValue(f), 0),
    slippagePaid: fills.reduce((s, f) => s + f.slippageCost, 0),
    bars: n,
  };
}

/** Pairs fills into round trips per symbol (FIFO on the net position; a flip closes and opens). */
export function roundTrips(fills: readonly Fill[]): RoundTrip[] {
  const out: RoundTrip[] = [];
  const open = new Map<string, { qty: number; cost: number; fees: number; ts: number }>();
  for (const f of fills) {
    const cur = open.get(f.symbol) ?? { qty: 0, cost: 0, fees: 0, ts: f.ts };
    // a buy whose fee came out of the base holds qty - fee: the lot is what was received
    let dq = baseDelta(f);
    const legQty = Math.abs(dq);
    let feeLeft = feeValue(f);
    if (cur.qty !== 0 && Math.sign(dq) !== Math.sign(cur.qty)) {
      const closeQty = Math.min(Math.abs(dq), Math.abs(cur.qty));
      const frac = closeQty / Math.abs(cur.qty);
      const entryPrice = cur.cost / cur.qty;
      const feeShare = feeValue(f) * (closeQty / legQty);
      const pnl = closeQty * (f.price - entryPrice) * Math.sign(cur.qty) - cur.fees * frac - feeShare;
      out.push({ entryTs: cur.ts, exitTs: f.ts, side: cur.qty > 0 ? "long" : "short", qty: closeQty, entryPrice, exitPrice: f.price, pnl });
      cur.cost -= entryPrice * closeQty * Math.sign(cur.qty);
      cur.fees -= cur.fees * frac;
      cur.qty -= closeQty * Math.sign(cur.qty);
      dq -= Math.sign(dq) * closeQty;
      feeLeft -= feeShare;
      if (Math.abs(cur.qty) < 1e-12) {
        cur.qty = 0;
        cur.cost = 0;
        cur.fees = 0;
      }
    }
    if (Math.abs(dq) > 1e-12) {
      if (cur.qty === 0) cur.ts = f.ts;
      cur.qty += dq;
      cur.cost += dq * f.price;
      cur.fees += feeLeft;
    }
    open.set(f.symbol, cur);
  }
  return out;
}
