import type { OrderRequest, TimeInForce } from "../../core/order";
import { err, ok, type Result } from "../../core/result";
import { wire, type WireError } from "./errors";
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

/**
 * POST /api/v3/order parameters -> OrderRequest, with Binance's validation order and messages.
 * MARKET orders take a quantity and no price or timeInForce; LIMIT orders need all three.
 */
export function orderRequestOf(p: NewOrderParams, newId: () => string): Result<{ req: OrderRequest; respType: "ACK" | "RESULT" | "FULL" }, WireError> {
  if (p.side !== "BUY" && p.side !== "SELL") return err(wire.badSide());
  if (p.type !== "MARKET" && p.type !== "LIMIT") return err(wire.badType());
  if (p.quantity === undefined) return err(wire.mandatory("quantity"));
  if (!decimalParam.safeParse(p.quantity).success || !(Number(p.quantity) > 0)) return err(wire.illegal("quantity", "^([0-9]{1,20})(\\.[0-9]{1,20})?$"));
  const clientOrderId = p.newClientOrderId ?? newId();
  if (!clientOrderIdParam.safeParse(clientOrderId).success) return err(wire.illegal("newClientOrderId", "^[\\.A-Z\\:/a-z0-9_-]{1,36}$"));
  const base = { clientOrderId, symbol: p.symbol, side: p.side === "BUY" ? ("buy" as const) : ("sell" as const), qty: Number(p.quantity) };
  const respType = p.newOrderRespType ?? "FULL";
  if (p.type === "MARKET") {
    if (p.price !== undefined) return err(wire.notRequired("price"));
    if (p.timeInForce !== undefined) return err(wire.notRequired("timeInForce"));
    return ok({ req: { ...base, type: "market", timeInForce: "GTC" }, respType });
  }
  if (p.timeInForce === undefined) return err(wire.mandatory("timeInForce"));
  if (!["GTC", "IOC", "FOK"].includes(p.timeInForce)) return err(wire.badTif());
  if (p.price === undefined) return err(wire.mandatory("price"));
  if (!decimalParam.safeParse(p.price).success || !(Number(p.price) > 0)) return err(wire.illegal("price", "^([0-9]{1,20})(\\.[0-9]{1,20})?$"));
  return ok({ req: { ...base, type: "limit", price: Number(p.price), timeInForce: p.timeInForce as TimeInForce }, respType });
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
