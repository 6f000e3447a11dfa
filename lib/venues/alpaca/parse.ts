import type { ZodType } from "zod";
import { parseVenuePayload, rawText, sessionDateMs } from "../../infra/venue-payload";
import type { Bar, Timeframe } from "../../core/bar";
import { barProblem, timeframeMs } from "../../core/bar";
import type { Fill } from "../../core/fill";
import type { Order, OrderStatus, TimeInForce } from "../../core/order";
import type { Balance, VenuePosition } from "../../core/ports/execution.port";
import { VenueError } from "../../core/errors";
import type { RawAccount, RawAsset, RawBar, RawClock, RawOrder, RawPosition, RawStreamBar, RawTradeUpdate } from "./schemas";

/** US equity sessions are dated in New York time. */
export const EXCHANGE_TIME_ZONE = "America/New_York";

/** Validates a raw payload; on failure throws PARSE_ERROR carrying the raw text and the bad paths. */
export function parseRaw<T>(schema: ZodType<T>, raw: unknown, what: string, rawText?: string): T {
  return parseVenuePayload("alpaca", schema, raw, what, rawText);
}


function bad(what: string, message: string, raw: unknown): never {
  throw new VenueError("PARSE_ERROR", `alpaca ${what}: ${message}`, { details: { venue: "alpaca", what, raw: rawText(raw) } });
}

/** Decimal string (or number) -> finite number. */
export function num(x: string | number, what: string): number {
  const v = typeof x === "number" ? x : x.trim() === "" ? Number.NaN : Number(x);
  if (!Number.isFinite(v)) bad(what, `not a finite decimal: ${JSON.stringify(x)}`, x);
  return v;
}

function optNum(x: string | number | null | undefined, what: string): number | undefined {
  return x === null || x === undefined ? undefined : num(x, what);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** RFC 3339 (nanosecond fractions, any offset) -> integer ms UTC; fractions below 1 ms are truncated. */
export function rfc3339ToMs(s: string, what: string): number {
  const m = RFC3339.exec(s);
  if (!m) bad(what, `not an RFC 3339 timestamp: ${JSON.stringify(s)}`, s);
  const [, y, mo, d, h, mi, sec, frac, off] = m;
  const ms = frac ? Number((frac + "00").slice(0, 3)) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), ms);
  if (off !== "Z") {
    const sign = off!.startsWith("-") ? -1 : 1;
    t -= sign * (Number(off!.slice(1, 3)) * 60 + Number(off!.slice(4, 6))) * 60_000;
  }
  return t;
}

/** ms UTC -> RFC 3339 with whole seconds (Alpaca rejects fractional seconds in start/end). */
export function msToRfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

export { sessionDateMs };

/** Alpaca timeframe string for ours. */
export function alpacaTimeframe(tf: Timeframe): string {
  const map: Record<Timeframe, string> = { "1m": "1Min", "5m": "5Min", "15m": "15Min", "1h": "1Hour", "4h": "4Hour", "1d": "1Day" };
  return map[tf];
}

/**
 * Raw bar -> Bar. Intraday bars keep their open time; daily bars (stamped at midnight New York)
 * are keyed to 00:00 UTC of their session date, like every daily bar in the project.
 */
export function parseBar(raw: RawBar | RawStreamBar, tf: Timeframe, symbol: string): Bar {
  const t = rfc3339ToMs(raw.t, `bar ${symbol} t`);
  const ts = tf === "1d" ? sessionDateMs(t, EXCHANGE_TIME_ZONE) : t;
  const bar: Bar = { ts, open: raw.o, high: raw.h, low: raw.l, close: raw.c, volume: raw.v };
  if (raw.n !== undefined) bar.trades = raw.n;
  if (raw.vw !== undefined) bar.quoteVolume = raw.vw * raw.v;
  const problem = barProblem(bar);
  if (problem) bad(`bar ${symbol} ${raw.t}`, problem, raw);
  if (tf !== "1d" && ts % timeframeMs(tf) !== 0 && tf !== "4h") bad(`bar ${symbol} ${raw.t}`, `open time not aligned to ${tf}`, raw);
  return bar;
}

const STATUS: Record<string, OrderStatus> = {
  pending_new: "submitted",
  accepted: "submitted",
  accepted_for_bidding: "submitted",
  new: "accepted",
  held: "accepted",
  stopped: "accepted",
  suspended: "accepted",
  done_for_day: "accepted",
  pending_replace: "accepted",
  partially_filled: "partially_filled",
  filled: "filled",
  pending_cancel: "cancelling",
  canceled: "canceled",
  replaced: "canceled",
  expired: "expired",
  rejected: "rejected",
};

function orderStatus(raw: RawOrder, filledQty: number, qty: number): OrderStatus {
  // "calculated": done for the day, settlement pending; filled or not depends on the quantity.
  if (raw.status === "calculated") return filledQty >= qty && qty > 0 ? "filled" : filledQty > 0 ? "partially_filled" : "accepted";
  const s = STATUS[raw.status];
  if (!s) bad(`order ${raw.client_order_id}`, `unknown order status ${JSON.stringify(raw.status)}`, raw);
  return s;
}

function timeInForce(tif: string): TimeInForce {
  if (tif === "ioc") return "IOC";
  if (tif === "fok") return "FOK";
  return "GTC"; // day, gtc, opg, cls all rest on the book until done or cancelled
}

/** Raw order -> Order. Notional orders (no qty) report their filled quantity as qty. */
export function parseOrder(raw: RawOrder): Order {
  const w = `order ${raw.client_order_id}`;
  const filledQty = num(raw.filled_qty, `${w} filled_qty`);
  const qty = optNum(raw.qty, `${w} qty`) ?? filledQty;
  const status = orderStatus(raw, filledQty, qty);
  const type = raw.type === "limit" || raw.type === "stop_limit" ? "limit" : "market";
  const order: Order = {
    clientOrderId: raw.client_order_id,
    symbol: raw.symbol,
    side: raw.side,
    type,
    qty,
    timeInForce: timeInForce(raw.time_in_force),
    status,
    filledQty,
    avgPrice: optNum(raw.filled_avg_price, `${w} filled_avg_price`) ?? 0,
    createdTs: rfc3339ToMs(raw.created_at, `${w} created_at`),
    updatedTs: rfc3339ToMs(raw.updated_at ?? raw.created_at, `${w} updated_at`),
    venueOrderId: raw.id,
  };
  const limit = optNum(raw.limit_price, `${w} limit_price`);
  if (type === "limit" && limit !== undefined) order.price = limit;
  if (status === "rejected") order.rejectReason = `alpaca status ${raw.status}`;
  if (raw.status === "replaced") order.rejectReason = "replaced";
  return order;
}

export function parsePosition(raw: RawPosition): VenuePosition {
  const w = `position ${raw.symbol}`;
  const qty = Math.abs(num(raw.qty, `${w} qty`));
  return { symbol: raw.symbol.trim(), qty: raw.side === "short" ? -qty : qty, avgPrice: num(raw.avg_entry_price, `${w} avg_entry_price`) };
}

/**
 * The account's cash as one balance. Free: cash spendable without borrowing (cash capped by buying
 * power, never below 0); locked: cash held back by open buy orders (cash above buying power). On a
 * margin account buying power exceeds cash and nothing shows as locked.
 */
export function parseBalances(raw: RawAccount): Balance[] {
  const cash = num(raw.cash, "account cash");
  const buyingPower = num(raw.buying_power, "account buying_power");
  return [{ asset: raw.currency, free: Math.max(0, Math.min(cash, buyingPower)), locked: Math.max(0, cash - buyingPower) }];
}

export interface MarketClock {
  ts: number;
  isOpen: boolean;
  nextOpen: number;
  nextClose: number;
}

export function parseClock(raw: RawClock): MarketClock {
  return {
    ts: rfc3339ToMs(raw.timestamp, "clock timestamp"),
    isOpen: raw.is_open,
    nextOpen: rfc3339ToMs(raw.next_open, "clock next_open"),
    nextClose: rfc3339ToMs(raw.next_close, "clock next_close"),
  };
}

export interface AssetRules {
  symbol: string;
  tradable: boolean;
  fractionable: boolean;
  shortable: boolean;
  minOrderSize?: number;
  minTradeIncrement?: number;
  priceIncrement?: number;
}

export function parseAsset(raw: RawAsset): AssetRules {
  const w = `asset ${raw.symbol}`;
  const rules: AssetRules = {
    symbol: raw.symbol,
    tradable: raw.tradable && raw.status === "active",
    fractionable: raw.fractionable ?? false,
    shortable: raw.shortable ?? false,
  };
  const mos = optNum(raw.min_order_size, `${w} min_order_size`);
  const mti = optNum(raw.min_trade_increment, `${w} min_trade_increment`);
  const pi = optNum(raw.price_increment, `${w} price_increment`);
  if (mos !== undefined) rules.minOrderSize = mos;
  if (mti !== undefined) rules.minTradeIncrement = mti;
  if (pi !== undefined) rules.priceIncrement = pi;
  return rules;
}

/** What a fill or partial_fill trade update contributes, given the quantity already seen filled. */
export function parseTradeUpdateFill(u: RawTradeUpdate, order: Order, seenFilledQty: number): Fill | null {
  if (u.event !== "fill" && u.event !== "partial_fill") return null;
  const w = `trade_update ${u.order.client_order_id}`;
  const ts = u.timestamp ? rfc3339ToMs(u.timestamp, `${w} timestamp`) : order.updatedTs;
  // `qty`/`price` describe this execution; older streams omit qty, so fall back to the filled delta.
  const qty = optNum(u.qty, `${w} qty`) ?? order.filledQty - seenFilledQty;
  if (!(qty > 0)) return null;
  const price = optNum(u.price, `${w} price`) ?? order.avgPrice;
  if (!(price > 0)) bad(w, `fill without a positive price`, u);
  const requestedPrice = order.price ?? price;
  const submitted = u.order.submitted_at ? rfc3339ToMs(u.order.submitted_at, `${w} submitted_at`) : order.createdTs;
  const fill: Fill = {
    ts,
    symbol: order.symbol,
    clientOrderId: order.clientOrderId,
    side: order.side,
    qty,
    requestedPrice,
    price,
    fee: 0, // equities trade commission-free at Alpaca; regulatory fees are not reported per fill
    feeAsset: "USD",
    slippageCost: (order.side === "buy" ? price - requestedPrice : requestedPrice - price) * qty,
    latencyMs: Math.max(0, ts - submitted),
    liquidity: order.type === "market" ? "taker" : "maker",
  };
  if (u.execution_id) fill.tradeId = u.execution_id;
  return fill;
}
