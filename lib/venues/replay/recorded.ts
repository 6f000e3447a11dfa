import { sqlStr, type DataSession } from "../../infra/data/index";

/** One recorded order book snapshot (data/book kind=top10_1s): levels best first. */
export interface BookSnapshot {
  ts: number;
  lastUpdateId: number;
  bids: [number, number][];
  asks: [number, number][];
}

/** One recorded trade print (data/trades kind=trade), or an aggregate trade (kind=aggtrade). */
export interface TradePrint {
  ts: number;
  id: number;
  price: number;
  qty: number;
  isBuyerMaker: boolean;
  /** First and last trade id of an aggregate trade (NaN for single trades). */
  firstId: number;
  lastId: number;
}

/** What data/ recorded of a symbol's market inside the replayed range, ascending by time. */
export interface RecordedMarket {
  book: BookSnapshot[];
  trades: TradePrint[];
  aggTrades: TradePrint[];
}

const LEVELS = 10;

/** The columns of a view with files behind it (none when data/ has no such files). */
async function columnsOf(session: DataSession, name: string): Promise<Set<string>> {
  if (!session.views.some((v) => v.name === name && v.files > 0)) return new Set();
  return new Set((await session.query(`SELECT column_name FROM (DESCRIBE ${name})`)).map((r) => String(r.column_name)));
}

/** Recorded book snapshots and trades of `symbol` with time in [from, to); undefined when data/ has none. */
export async function loadRecorded(session: DataSession, venue: string, symbol: string, from: number, to: number): Promise<RecordedMarket | undefined> {
  const where = `venue = ${sqlStr(venue)} AND symbol = ${sqlStr(symbol)} AND ts_ms >= ${from} AND ts_ms < ${to}`;
  const out: RecordedMarket = { book: [], trades: [], aggTrades: [] };
  const bookCols = await columnsOf(session, "book");
  if (bookCols.has("last_update_id")) {
    const cols = ["ts_ms", "last_update_id"];
    for (let i = 1; i <= LEVELS; i++) for (const c of [`bid_px_${i}`, `bid_qty_${i}`, `ask_px_${i}`, `ask_qty_${i}`]) cols.push(bookCols.has(c) ? c : `NULL::DOUBLE AS ${c}`);
    const x = await session.queryColumns(`SELECT ${cols.join(", ")} FROM book WHERE kind = 'top10_1s' AND ${where} ORDER BY ts_ms`);
    for (let j = 0; j < x.ts_ms!.length; j++) {
      const snap: BookSnapshot = { ts: x.ts_ms![j]!, lastUpdateId: x.last_update_id![j]!, bids: [], asks: [] };
      for (let i = 1; i <= LEVELS; i++) {
        const bp = x[`bid_px_${i}`]![j]!;
        const ap = x[`ask_px_${i}`]![j]!;
        if (bp > 0) snap.bids.push([bp, x[`bid_qty_${i}`]![j]!]);
        if (ap > 0) snap.asks.push([ap, x[`ask_qty_${i}`]![j]!]);
      }
      out.book.push(snap);
    }
  }
  const tradeCols = await columnsOf(session, "trades");
  if (tradeCols.size > 0) {
    const opt = (c: string): string => (tradeCols.has(c) ? `coalesce(${c}, -1)` : "-1");
    const x = await session.queryColumns(
      `SELECT ts_ms, trade_id, price, qty, is_buyer_maker::DOUBLE AS m, ${opt("first_trade_id")} AS f, ${opt("last_trade_id")} AS l, (kind = 'aggtrade')::DOUBLE AS agg ` +
        `FROM trades WHERE ${where} ORDER BY ts_ms, trade_id`,
    );
    for (let j = 0; j < x.ts_ms!.length; j++) {
      const agg = x.agg![j] === 1;
      const t: TradePrint = { ts: x.ts_ms![j]!, id: x.trade_id![j]!, price: x.price![j]!, qty: x.qty![j]!, isBuyerMaker: x.m![j] === 1, firstId: agg ? x.f![j]! : Number.NaN, lastId: agg ? x.l![j]! : Number.NaN };
      (agg ? out.aggTrades : out.trades).push(t);
    }
  }
  return out.book.length + out.trades.length + out.aggTrades.length > 0 ? out : undefined;
}

/** Index of the last element with ts <= t, or -1 (binary search over an ascending list). */
export function lastAtOrBefore(list: readonly { ts: number }[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.ts <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
