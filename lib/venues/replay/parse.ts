import type { OrderRequest, TimeInForce } from "../../core/order";
import { err, ok, type Result } from "../../core/result";
import { wire, type WireError } from "./errors";
import { ORDER_TYPES, type RawSymbolEntry, type WireOrderType } from "./exchange-info";
import { units, unitsToString } from "./order-filters";
import { clientOrderIdParam, decimalParam, type NewOrderParams } from "./schemas";

/** Query string (and form body) -> plain object; the last occurrence of a name wins. */
export function paramsOf(search: URLSearchParams, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of search) out[k] = v;
  if (body) for (const [k, v] of new URLSearchParams(body)) out[k] = v;
  return out;
}

/** The first failing field of a zod-checked parameter set, as Binance reports it (-1102). */
export function firstBadParam(issues: readonly { path: readonly PropertyKey[] }[]): WireError {
  return wire.mandatory(String(issues[0]?.path[0] ?? "?"));
}

/** Binance's -2010 answers for order types a symbol does not enable. */
const UNSUPPORTED_TYPE: Record<string, string> = {
  STOP_LOSS: "Stop loss orders are not supported for this symbol.",
  STOP_LOSS_LIMIT: "Stop loss limit orders are not supported for this symbol.",
  TAKE_PROFIT: "Take profit orders are not supported for this symbol.",
  TAKE_PROFIT_LIMIT: "Take profit limit orders are not supported for this symbol.",
};

/** A new order as parsed from the wire: the simulator's request plus the exact decimals the filters check. */
export interface ParsedOrder {
  req: OrderRequest;
  respType: "ACK" | "RESULT" | "FULL";
  type: WireOrderType;
  /** Exact values (10^-20 units); quantity is absent for a quoteOrderQty market order. */
  quantity?: bigint;
  price?: bigint;
  quoteOrderQty?: bigint;
}

const DECIMAL_RE = "^([0-9]{1,20})(\\.[0-9]{1,20})?$";

/** A positive decimal parameter, with Binance's -1100 (not a decimal) and -1111 (more decimals than the asset has) answers. */
function positive(name: string, v: string, precision: number): Result<bigint, WireError> {
  const u = decimalParam.safeParse(v).success ? units(v) : undefined;
  if (u === undefined) return err(wire.illegal(name, DECIMAL_RE));
  const frac = v.split(".")[1] ?? "";
  if (frac.replace(/0+$/, "").length > precision) return err(wire.precision(name));
  if (!(u > BigInt(0))) return err(wire.illegal(name, DECIMAL_RE));
  return ok(u);
}

const asNumber = (u: bigint): number => Number(unitsToString(u, 20));

/**
 * POST /api/v3/order parameters -> the simulator's request, with Binance's validation order and
 * messages. MARKET takes `quantity` or `quoteOrderQty` and no price or timeInForce; LIMIT needs
 * timeInForce, quantity and price; LIMIT_MAKER (post-only) quantity and price, no timeInForce.
 * A quoteOrderQty order's `req.qty` is 0 here: the exchange estimates it from the market price.
 */
export function orderRequestOf(p: NewOrderParams, entry: RawSymbolEntry, newId: () => string): Result<ParsedOrder, WireError> {
  if (p.side !== "BUY" && p.side !== "SELL") return err(wire.badSide());
  if (UNSUPPORTED_TYPE[p.type] !== undefined) return err(wire.rejected(UNSUPPORTED_TYPE[p.type]!));
  if (!(ORDER_TYPES as readonly string[]).includes(p.type)) return err(wire.badType());
  const type = p.type as WireOrderType;
  const basePrecision = typeof entry.baseAssetPrecision === "number" ? entry.baseAssetPrecision : 8;
  const quotePrecision = typeof entry.quotePrecision === "number" ? entry.quotePrecision : 8;
  let quantity: bigint | undefined;
  let quoteOrderQty: bigint | undefined;
  if (type === "MARKET") {
    if (p.quantity === undefined && p.quoteOrderQty === undefined) return err(wire.eitherParam("quantity", "quoteOrderQty"));
    if (p.quantity !== undefined && p.quoteOrderQty !== undefined) return err(wire.badCombo());
  } else if (p.quantity === undefined) return err(wire.mandatory("quantity"));
  if (p.quoteOrderQty !== undefined && type !== "MARKET") return err(wire.notRequired("quoteOrderQty"));
  if (p.quantity !== undefined) {
    const q = positive("quantity", p.quantity, basePrecision);
    if (!q.ok) return err(q.error);
    quantity = q.value;
  }
  if (p.quoteOrderQty !== undefined) {
    if (entry.quoteOrderQtyMarketAllowed === false) return err(wire.rejected("Quote order qty market orders are not support for this symbol."));
    const q = positive("quoteOrderQty", p.quoteOrderQty, quotePrecision);
    if (!q.ok) return err(q.error);
    quoteOrderQty = q.value;
  }
  const clientOrderId = p.newClientOrderId ?? newId();
  if (!clientOrderIdParam.safeParse(clientOrderId).success) return err(wire.illegal("newClientOrderId", "^[\\.A-Z\\:/a-z0-9_-]{1,36}$"));
  const base = { clientOrderId, symbol: p.symbol, side: p.side === "BUY" ? ("buy" as const) : ("sell" as const), qty: quantity !== undefined ? asNumber(quantity) : 0 };
  const respType = p.newOrderRespType ?? (type === "LIMIT_MAKER" ? "ACK" : "FULL");
  if (type === "MARKET") {
    if (p.price !== undefined) return err(wire.notRequired("price"));
    if (p.timeInForce !== undefined) return err(wire.notRequired("timeInForce"));
    // a market order never rests: what cannot fill where it meets the market expires (IOC)
    return ok({ req: { ...base, type: "market", timeInForce: "IOC" }, respType, type, quantity, quoteOrderQty });
  }
  let tif: TimeInForce = "GTC";
  if (type === "LIMIT") {
    if (p.timeInForce === undefined) return err(wire.mandatory("timeInForce"));
    if (!["GTC", "IOC", "FOK"].includes(p.timeInForce)) return err(wire.badTif());
    tif = p.timeInForce as TimeInForce;
  } else if (p.timeInForce !== undefined) return err(wire.notRequired("timeInForce"));
  if (p.price === undefined) return err(wire.mandatory("price"));
  const px = positive("price", p.price, quotePrecision);
  if (!px.ok) return err(px.error);
  return ok({ req: { ...base, type: "limit", price: asNumber(px.value), timeInForce: tif }, respType, type, quantity, price: px.value });
}

/**
 * Decimal text for the wire. Values that survive 8 decimals are sent as Binance does ("0.00100000");
 * others (simulated fill prices off the tick grid, fees) keep every digit, so a client reads back
 * exactly the number the simulator produced. Never exponent notation.
 */
export function dec(x: number): string {
  const fixed = x.toFixed(8);
  if (Number(fixed) === x) return fixed;
  const s = String(x);
  return /e/i.test(s) ? x.toFixed(20).replace(/0+$/, "") : s;
}
