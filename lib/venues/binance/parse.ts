import type { z } from "zod";
import { instrumentFromBinanceSymbol } from "../../config/binance-filters/index";
import type { Bar, Timeframe } from "../../core/bar";
import { DataError, VenueError } from "../../core/errors";
import type { Fill } from "../../core/fill";
import type { Instrument } from "../../core/instrument";
import type { Side } from "../../core/market";
import type { Order, OrderStatus, OrderType, TimeInForce } from "../../core/order";
import type { Balance } from "../../core/ports/execution.port";
import type { RawAccount, RawCancelOrder, RawExecutionReport, RawKlineRow, RawMyTrade, RawOrder, RawOrderStatus, RawSymbolInfo, RawWsKline } from "./schemas";

const RAW_LIMIT = 2000;

/** Compact text of a raw payload for error details (never holds credentials: payloads are venue data). */
export function rawText(raw: unknown): string {
  const s = typeof raw === "string" ? raw : JSON.stringify(raw);
  return s === undefined ? String(raw) : s.length > RAW_LIMIT ? `${s.slice(0, RAW_LIMIT)}…(${s.length} chars)` : s;
}

/**
 * Validates a raw payload. On failure throws VenueError PARSE_ERROR whose message names the failing
 * paths and whose details carry the raw payload, so a malformed frame can be inspected later.
 */
export function decode<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  throw new VenueError("PARSE_ERROR", `binance ${what}: unexpected payload (${issues.join("; ")})`, {
    details: { venue: "binance", what, issues, raw: rawText(raw) },
  });
}

/** Decimal string -> number; a non-finite result is corrupt data. */
export function num(s: string, field: string): number {
  const v = Number(s);
  if (!Number.isFinite(v)) throw new DataError(`binance: ${field} is not a finite number: ${s}`, { field, value: s });
  return v;
}

/** Kline REST row -> Bar plus its close time (ms, inclusive). */
export function barFromKlineRow(r: RawKlineRow): { bar: Bar; closeTime: number } {
  const bar: Bar = {
    ts: r[0],
    open: num(r[1], "open"),
    high: num(r[2], "high"),
    low: num(r[3], "low"),
    close: num(r[4], "close"),
    volume: num(r[5], "volume"),
    quoteVolume: num(r[7], "quoteVolume"),
    trades: r[8],
    takerBuyVolume: num(r[9], "takerBuyVolume"),
  };
  return { bar, closeTime: r[6] };
}

export function barFromWsKline(e: RawWsKline): Bar {
  const k = e.k;
  return {
    ts: k.t,
    open: num(k.o, "open"),
    high: num(k.h, "high"),
    low: num(k.l, "low"),
    close: num(k.c, "close"),
    volume: num(k.v, "volume"),
    quoteVolume: num(k.q, "quoteVolume"),
    trades: k.n,
    takerBuyVolume: num(k.V, "takerBuyVolume"),
  };
}

/** Binance interval names equal ours for every timeframe the core knows. */
export function intervalOf(tf: Timeframe): string {
  return tf;
}

/**
 * exchangeInfo symbol -> Instrument through the parser the simulator uses (lib/config/binance-filters:
 * every spot and USD-M filter, zeros as "no bound"). A malformed filter is a PARSE_ERROR whose message
 * names the symbol, the filter index and type, and the field.
 */
export function instrumentFromSymbol(s: RawSymbolInfo, venue: string): Instrument {
  try {
    return instrumentFromBinanceSymbol(s, { venue }, `exchangeInfo.${s.symbol}`);
  } catch (e) {
    if (!(e instanceof DataError)) throw e;
    throw new VenueError("PARSE_ERROR", `binance ${e.message}`, { details: { venue: "binance", what: "exchangeInfo", ...e.details, raw: rawText(s) } });
  }
}

const STATUS: Record<RawOrderStatus, OrderStatus> = {
  NEW: "accepted",
  PENDING_NEW: "submitted",
  PARTIALLY_FILLED: "partially_filled",
  FILLED: "filled",
  CANCELED: "canceled",
  PENDING_CANCEL: "cancelling",
  REJECTED: "rejected",
  EXPIRED: "expired",
  EXPIRED_IN_MATCH: "expired",
};

export function orderStatusOf(s: RawOrderStatus): OrderStatus {
  return STATUS[s];
}

export function sideOf(s: "BUY" | "SELL"): Side {
  return s === "BUY" ? "buy" : "sell";
}

function orderTypeOf(t: string | undefined): OrderType {
  return t === "MARKET" ? "market" : "limit";
}

function tifOf(t: string | undefined): TimeInForce {
  return t === "IOC" || t === "FOK" ? t : "GTC";
}

/**
 * Order response / query -> Order. ACK responses carry no status or quantities: `fallback` (the
 * request as sent) supplies them and the status is "accepted".
 */
export function orderFromRaw(r: RawOrder, fallback?: Partial<Order>): Order {
  const type = r.type !== undefined ? orderTypeOf(r.type) : (fallback?.type ?? "limit");
  const qty = r.origQty !== undefined ? num(r.origQty, "origQty") : (fallback?.qty ?? 0);
  const filled = r.executedQty !== undefined ? num(r.executedQty, "executedQty") : 0;
  const quote = r.cummulativeQuoteQty !== undefined ? num(r.cummulativeQuoteQty, "cummulativeQuoteQty") : 0;
  const created = r.time ?? r.transactTime ?? fallback?.createdTs ?? 0;
  const o: Order = {
    clientOrderId: r.clientOrderId,
    symbol: r.symbol,
    side: r.side !== undefined ? sideOf(r.side) : (fallback?.side ?? "buy"),
    type,
    qty,
    timeInForce: r.timeInForce !== undefined ? tifOf(r.timeInForce) : (fallback?.timeInForce ?? "GTC"),
    status: r.status !== undefined ? orderStatusOf(r.status) : "accepted",
    filledQty: filled,
    avgPrice: filled > 0 ? quote / filled : 0,
    createdTs: created,
    updatedTs: r.updateTime ?? r.transactTime ?? created,
    venueOrderId: String(r.orderId),
  };
  if (type === "limit") o.price = r.price !== undefined ? num(r.price, "price") : fallback?.price;
  return o;
}

/**
 * DELETE /api/v3/order response -> the canceled order. The venue answers with `clientOrderId` = the
 * cancel request's own id and the order's id in `origClientOrderId` (rest-api.md "Cancel order"); the
 * response carries no creation time, so `known` (the order as tracked) supplies it.
 */
export function orderFromCancel(r: RawCancelOrder, known?: Order): Order {
  const o = orderFromRaw({ ...r, clientOrderId: r.origClientOrderId }, known);
  if (known !== undefined) o.createdTs = known.createdTs;
  return o;
}

/**
 * A commission as the venue charged it, in its own asset: a buy's commission in the base asset
 * (Binance spot's default) came out of the quantity received, which the book must know to hold
 * what the venue holds (faqs/commission_faq.md). A missing asset means the quote asset.
 */
export function commissionOf(amount: number, asset: string | null, side: Side, inst: Pick<Instrument, "baseAsset" | "quoteAsset"> | undefined): { fee: number; feeAsset: string; feeFromBase?: boolean } {
  const a = asset ?? inst?.quoteAsset ?? "";
  if (inst && side === "buy" && a === inst.baseAsset) return { fee: amount, feeAsset: a, feeFromBase: true };
  return { fee: amount, feeAsset: a };
}

/** Context the venue does not send but a Fill records (see Fill): what was asked and when. */
export interface FillContext {
  requestedPrice?: number;
  submittedTs?: number;
  instrument?: Pick<Instrument, "baseAsset" | "quoteAsset">;
}

function makeFill(f: Omit<Fill, "slippageCost" | "requestedPrice" | "latencyMs">, ctx: FillContext): Fill {
  const requested = ctx.requestedPrice ?? f.price;
  const slip = (f.side === "buy" ? f.price - requested : requested - f.price) * f.qty;
  return { ...f, requestedPrice: requested, slippageCost: slip, latencyMs: ctx.submittedTs !== undefined ? Math.max(0, f.ts - ctx.submittedTs) : 0 };
}

/** executionReport with x=TRADE -> Fill. */
export function fillFromExecutionReport(e: RawExecutionReport, ctx: FillContext = {}): Fill {
  const price = num(e.L, "L");
  const c = commissionOf(num(e.n, "n"), e.N, sideOf(e.S), ctx.instrument);
  return makeFill(
    { ts: e.T, symbol: e.s, clientOrderId: e.c, side: sideOf(e.S), qty: num(e.l, "l"), price, ...c, liquidity: e.m ? "maker" : "taker", tradeId: String(e.t) },
    ctx,
  );
}

/** A fill inside a FULL new-order response -> Fill. */
export function fillFromOrderFill(
  r: RawOrder,
  f: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number },
  side: Side,
  ctx: FillContext = {},
): Fill {
  const price = num(f.price, "price");
  const c = commissionOf(num(f.commission, "commission"), f.commissionAsset, side, ctx.instrument);
  const ts = r.transactTime ?? r.updateTime ?? 0;
  return makeFill({ ts, symbol: r.symbol, clientOrderId: r.clientOrderId, side, qty: num(f.qty, "qty"), price, ...c, liquidity: "taker", tradeId: String(f.tradeId) }, ctx);
}

/** GET myTrades entry -> Fill (the caller supplies the clientOrderId, which myTrades does not carry). */
export function fillFromMyTrade(t: RawMyTrade, clientOrderId: string, ctx: FillContext = {}): Fill {
  const price = num(t.price, "price");
  const c = commissionOf(num(t.commission, "commission"), t.commissionAsset, t.isBuyer ? "buy" : "sell", ctx.instrument);
  return makeFill(
    { ts: t.time, symbol: t.symbol, clientOrderId, side: t.isBuyer ? "buy" : "sell", qty: num(t.qty, "qty"), price, ...c, liquidity: t.isMaker ? "maker" : "taker", tradeId: String(t.id) },
    ctx,
  );
}

export function balancesFromAccount(a: RawAccount): Balance[] {
  return a.balances.map((b) => ({ asset: b.asset, free: num(b.free, "free"), locked: num(b.locked, "locked") }));
}

/** Rounding direction onto a step grid. */
export type StepRounding = "floor" | "ceil";

/**
 * A positive finite number as an exact decimal (digits x 10^exp), read from its shortest round-trip
 * form with at most 15 significant digits: 0.1 + 0.2 is 0.3 here, and 0.3 / 0.1 lands on a grid point.
 */
function decimalOf(x: number): { digits: bigint; exp: number } {
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(Number(x.toPrecision(15)).toExponential());
  if (m === null) throw new DataError(`cannot represent ${x} as a decimal`);
  const frac = m[2] ?? "";
  return { digits: BigInt(m[1]! + frac), exp: Number(m[3] ?? 0) - frac.length };
}

const TEN = BigInt(10);
const ZERO = BigInt(0);

/** x x 10^d as an integer, rounded in direction `mode` (x >= 0). */
function scaled(x: number, d: number, mode: StepRounding): bigint {
  if (x === 0) return ZERO;
  const { digits, exp } = decimalOf(x);
  const shift = exp + d;
  if (shift >= 0) return digits * TEN ** BigInt(shift);
  const div = TEN ** BigInt(-shift);
  const q = digits / div;
  return mode === "ceil" && q * div !== digits ? q + BigInt(1) : q;
}

/** An integer count of 10^-d as a plain decimal string without trailing zeros. */
function plain(units: bigint, d: number): string {
  if (d === 0) return units.toString();
  const s = units.toString().padStart(d + 1, "0");
  const out = `${s.slice(0, s.length - d)}.${s.slice(s.length - d)}`.replace(/0+$/, "");
  return out.endsWith(".") ? out.slice(0, -1) : out;
}

function checkSendable(x: number, what: string): void {
  if (!Number.isFinite(x) || x < 0) throw new DataError(`cannot send ${what} ${x}: must be a finite number >= 0`, { field: what, value: x });
}

/**
 * `x` on the grid of `step` (a multiple of it), rounded down or up, as a plain decimal string (never
 * exponent notation, never more decimals than `step` has: Binance rejects excess precision with
 * -1111). Without a step the value is written as is, to at most 15 significant digits.
 */
export function formatOnStep(x: number, step: number | undefined, mode: StepRounding, what = "value"): string {
  checkSendable(x, what);
  if (step === undefined || !(step > 0)) return formatDecimal(x);
  const d = decimalsOf(step);
  const unit = scaled(step, d, "floor");
  const v = scaled(x, d, mode);
  let n = v / unit;
  if (mode === "ceil" && n * unit !== v) n += BigInt(1);
  return plain(n * unit, d);
}

/** A quantity floored to the lot step (a sell never exceeds what is held). */
export function formatQty(qty: number, step: number | undefined): string {
  return formatOnStep(qty, step, "floor", "quantity");
}

/** A limit price on the tick grid, on the passive side: a buy rounds down, a sell rounds up. */
export function formatPrice(price: number, tick: number | undefined, side: Side): string {
  return formatOnStep(price, tick, side === "buy" ? "floor" : "ceil", "price");
}

/** A number as a plain decimal string (never exponent notation), to at most 15 significant digits. */
export function formatDecimal(x: number): string {
  checkSendable(x, "value");
  if (x === 0) return "0";
  const { digits, exp } = decimalOf(x);
  return exp >= 0 ? (digits * TEN ** BigInt(exp)).toString() : plain(digits, -exp);
}

/** Decimals of a step size (0.00001 -> 5, 1 -> 0), read from its decimal form. */
export function decimalsOf(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  const { digits, exp } = decimalOf(step);
  let d = -exp;
  let n = digits;
  while (d > 0 && n % TEN === ZERO) {
    n /= TEN;
    d--;
  }
  return Math.max(0, d);
}
