import { z } from "zod";

/**
 * Zod schemas for the filters of a Binance exchangeInfo symbol: every filter of the spot docs
 * (filters.md) and the USD-M futures variants (GET /fapi/v1/exchangeInfo). Objects are loose:
 * Binance adds fields over time (avgPriceMins, ...) and that must not break parsing.
 */

/** A non-negative decimal: Binance sends strings ("0.00100000"); mirrors and our own files may send numbers. */
export const decimal = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isFinite(n)) {
    ctx.addIssue({ code: "custom", message: `not a decimal number: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  if (n < 0) {
    ctx.addIssue({ code: "custom", message: `must not be negative: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

/** An integer count; USD-M sends some as strings ("multiplierDecimal": "4"). */
const count = z.union([z.string().regex(/^\d+$/, "expected a non-negative integer"), z.number().int().nonnegative()]).transform(Number);

export const priceFilter = z.looseObject({ minPrice: decimal, maxPrice: decimal, tickSize: decimal });
/** LOT_SIZE and MARKET_LOT_SIZE share a shape. */
export const lotSize = z.looseObject({ minQty: decimal, maxQty: decimal, stepSize: decimal });
/** Spot sends `minNotional` + `applyToMarket`; USD-M futures sends `notional` only. */
export const minNotional = z
  .looseObject({ minNotional: decimal.optional(), notional: decimal.optional(), applyToMarket: z.boolean().optional(), avgPriceMins: count.optional() })
  .refine((f) => f.minNotional !== undefined || f.notional !== undefined, { message: "needs minNotional (spot) or notional (USD-M futures)", path: ["minNotional"] });
export const notional = z.looseObject({
  minNotional: decimal,
  applyMinToMarket: z.boolean().optional(),
  maxNotional: decimal.optional(),
  applyMaxToMarket: z.boolean().optional(),
  avgPriceMins: count.optional(),
});
/** Spot sends avgPriceMins; USD-M futures sends multiplierDecimal. */
export const percentPrice = z.looseObject({ multiplierUp: decimal, multiplierDown: decimal, avgPriceMins: count.optional(), multiplierDecimal: count.optional() });
export const percentPriceBySide = z.looseObject({
  bidMultiplierUp: decimal,
  bidMultiplierDown: decimal,
  askMultiplierUp: decimal,
  askMultiplierDown: decimal,
  avgPriceMins: count.optional(),
});
export const icebergParts = z.looseObject({ limit: count });
/** Spot names the field after the filter; USD-M futures calls it `limit`. */
export const maxNumOrders = z.looseObject({ maxNumOrders: count.optional(), limit: count.optional() });
export const maxNumAlgoOrders = z.looseObject({ maxNumAlgoOrders: count.optional(), limit: count.optional() });
export const maxNumIcebergOrders = z.looseObject({ maxNumIcebergOrders: count });
export const maxPosition = z.looseObject({ maxPosition: decimal });
export const trailingDelta = z.looseObject({ minTrailingAboveDelta: count, maxTrailingAboveDelta: count, minTrailingBelowDelta: count, maxTrailingBelowDelta: count });
export const maxNumOrderAmends = z.looseObject({ maxNumOrderAmends: count });
export const maxNumOrderLists = z.looseObject({ maxNumOrderLists: count });
/** MAX_ASSET is an account (myFilters) filter; accepted when it appears so a payload that carries it parses. */
export const maxAsset = z.looseObject({ asset: z.string().min(1), limit: decimal });

/** Every filter type this parser validates. Types not listed are kept out of the Instrument without failing. */
export const FILTER_SCHEMAS = {
  PRICE_FILTER: priceFilter,
  PERCENT_PRICE: percentPrice,
  PERCENT_PRICE_BY_SIDE: percentPriceBySide,
  LOT_SIZE: lotSize,
  MIN_NOTIONAL: minNotional,
  NOTIONAL: notional,
  ICEBERG_PARTS: icebergParts,
  MARKET_LOT_SIZE: lotSize,
  MAX_NUM_ORDERS: maxNumOrders,
  MAX_NUM_ALGO_ORDERS: maxNumAlgoOrders,
  MAX_NUM_ICEBERG_ORDERS: maxNumIcebergOrders,
  MAX_POSITION: maxPosition,
  TRAILING_DELTA: trailingDelta,
  MAX_NUM_ORDER_AMENDS: maxNumOrderAmends,
  MAX_NUM_ORDER_LISTS: maxNumOrderLists,
  EXCHANGE_MAX_NUM_ORDERS: maxNumOrders,
  EXCHANGE_MAX_NUM_ALGO_ORDERS: maxNumAlgoOrders,
  EXCHANGE_MAX_NUM_ICEBERG_ORDERS: maxNumIcebergOrders,
  EXCHANGE_MAX_NUM_ORDER_LISTS: maxNumOrderLists,
  MAX_ASSET: maxAsset,
} as const;

export type KnownFilterType = keyof typeof FILTER_SCHEMAS;
export type ParsedFilter<K extends KnownFilterType> = z.output<(typeof FILTER_SCHEMAS)[K]>;

export function isKnownFilterType(t: string): t is KnownFilterType {
  return Object.prototype.hasOwnProperty.call(FILTER_SCHEMAS, t);
}

export const rawFilterSchema = z.looseObject({ filterType: z.string().min(1) });
export const rawSymbolSchema = z.looseObject({
  symbol: z.string().min(1),
  status: z.string().optional(),
  baseAsset: z.string().min(1),
  quoteAsset: z.string().min(1),
  filters: z.array(rawFilterSchema),
});
export type RawBinanceSymbol = z.infer<typeof rawSymbolSchema>;
