/** Side of the aggressor (taker) for trades, and of an order. */
export type Side = "buy" | "sell";

/** One trade print. */
export interface Trade {
  ts: number;
  symbol: string;
  price: number;
  qty: number;
  /** Side of the taker. */
  side: Side;
  id?: number;
}

/** Best bid/ask. */
export interface Quote {
  ts: number;
  symbol: string;
  bid: number;
  bidQty: number;
  ask: number;
  askQty: number;
}

export function midPrice(q: Quote): number {
  return (q.bid + q.ask) / 2;
}

export function spreadBps(q: Quote): number {
  const mid = midPrice(q);
  return mid > 0 ? ((q.ask - q.bid) / mid) * 10_000 : Number.NaN;
}
