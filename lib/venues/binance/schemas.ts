import { z } from "zod";

/**
 * Raw Binance payloads exactly as the wire carries them (decimal strings stay strings here; parse.ts
 * converts). Objects are not strict: Binance adds fields over time and that must not break parsing.
 */

/** A decimal number sent as a string ("0.01634790"). */
export const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, "expected a decimal string");
const ms = z.number().int().nonnegative();

export const errorBodySchema = z.object({ code: z.number().int(), msg: z.string() });
export const serverTimeSchema = z.object({ serverTime: ms });

/** GET /api/v3/klines row: [openTime, o, h, l, c, v, closeTime, quoteVolume, trades, takerBuyBase, takerBuyQuote, ignore]. */
export const klineRowSchema = z.tuple([ms, decimal, decimal, decimal, decimal, decimal, ms, decimal, z.number().int().nonnegative(), decimal, decimal]).rest(z.unknown());
export const klinesSchema = z.array(klineRowSchema);

export const filterSchema = z.looseObject({ filterType: z.string() });

export const symbolInfoSchema = z.looseObject({
  symbol: z.string().min(1),
  status: z.string(),
  baseAsset: z.string(),
  quoteAsset: z.string(),
  filters: z.array(filterSchema),
  orderTypes: z.array(z.string()).optional(),
});

export const exchangeInfoSchema = z.looseObject({
  timezone: z.string().optional(),
  serverTime: ms,
  rateLimits: z.array(z.looseObject({})).optional(),
  symbols: z.array(symbolInfoSchema),
});

const priceFilter = z.looseObject({ filterType: z.literal("PRICE_FILTER"), minPrice: decimal, maxPrice: decimal, tickSize: decimal });
const lotSize = z.looseObject({ filterType: z.enum(["LOT_SIZE", "MARKET_LOT_SIZE"]), minQty: decimal, maxQty: decimal, stepSize: decimal });
/** Spot sends minNotional; USD-M futures sends notional. */
const minNotional = z.looseObject({ filterType: z.literal("MIN_NOTIONAL"), minNotional: decimal.optional(), notional: decimal.optional(), applyToMarket: z.boolean().optional() });
const notional = z.looseObject({
  filterType: z.literal("NOTIONAL"),
  minNotional: decimal,
  maxNotional: decimal.optional(),
  applyMinToMarket: z.boolean().optional(),
  applyMaxToMarket: z.boolean().optional(),
});
const percentPriceBySide = z.looseObject({
  filterType: z.literal("PERCENT_PRICE_BY_SIDE"),
  bidMultiplierUp: decimal,
  bidMultiplierDown: decimal,
  askMultiplierUp: decimal,
  askMultiplierDown: decimal,
});
/** The filters the adapter converts; others are kept raw and ignored. */
export const knownFilterSchemas = { PRICE_FILTER: priceFilter, LOT_SIZE: lotSize, MARKET_LOT_SIZE: lotSize, MIN_NOTIONAL: minNotional, NOTIONAL: notional, PERCENT_PRICE_BY_SIDE: percentPriceBySide } as const;

export const accountSchema = z.looseObject({
  commissionRates: z.looseObject({ maker: decimal, taker: decimal }).optional(),
  makerCommission: z.number().optional(),
  takerCommission: z.number().optional(),
  canTrade: z.boolean(),
  updateTime: ms,
  balances: z.array(z.looseObject({ asset: z.string(), free: decimal, locked: decimal })),
});

export const orderStatusSchema = z.enum(["NEW", "PENDING_NEW", "PARTIALLY_FILLED", "FILLED", "CANCELED", "PENDING_CANCEL", "REJECTED", "EXPIRED", "EXPIRED_IN_MATCH"]);
export const sideSchema = z.enum(["BUY", "SELL"]);

export const orderFillSchema = z.looseObject({ price: decimal, qty: decimal, commission: decimal, commissionAsset: z.string(), tradeId: z.number().int() });

/** New-order response (ACK carries only the identity fields) and GET /api/v3/order, openOrders entries. */
export const orderSchema = z.looseObject({
  symbol: z.string(),
  orderId: z.number().int(),
  clientOrderId: z.string(),
  transactTime: ms.optional(),
  time: ms.optional(),
  updateTime: ms.optional(),
  price: decimal.optional(),
  origQty: decimal.optional(),
  executedQty: decimal.optional(),
  cummulativeQuoteQty: decimal.optional(),
  status: orderStatusSchema.optional(),
  timeInForce: z.string().optional(),
  type: z.string().optional(),
  side: sideSchema.optional(),
  fills: z.array(orderFillSchema).optional(),
});
export const openOrdersSchema = z.array(orderSchema);

export const myTradeSchema = z.looseObject({
  symbol: z.string(),
  id: z.number().int(),
  orderId: z.number().int(),
  price: decimal,
  qty: decimal,
  commission: decimal,
  commissionAsset: z.string(),
  time: ms,
  isBuyer: z.boolean(),
  isMaker: z.boolean(),
});
export const myTradesSchema = z.array(myTradeSchema);


/** <symbol>@kline_<interval> stream event. */
export const wsKlineSchema = z.looseObject({
  e: z.literal("kline"),
  E: ms,
  s: z.string(),
  k: z.looseObject({
    t: ms,
    T: ms,
    s: z.string(),
    i: z.string(),
    o: decimal,
    c: decimal,
    h: decimal,
    l: decimal,
    v: decimal,
    n: z.number().int().nonnegative(),
    x: z.boolean(),
    q: decimal,
    V: decimal,
  }),
});

/** Combined stream envelope (/stream?streams=a/b). */
export const combinedEnvelopeSchema = z.object({ stream: z.string(), data: z.unknown() });

export const executionReportSchema = z.looseObject({
  e: z.literal("executionReport"),
  E: ms,
  s: z.string(),
  c: z.string(),
  S: sideSchema,
  o: z.string(),
  f: z.string(),
  q: decimal,
  p: decimal,
  C: z.string().nullable().optional(),
  x: z.string(),
  X: orderStatusSchema,
  r: z.string(),
  i: z.number().int(),
  l: decimal,
  z: decimal,
  L: decimal,
  n: decimal,
  N: z.string().nullable(),
  T: ms,
  t: z.number().int(),
  m: z.boolean(),
  O: ms,
  Z: decimal,
});

export const accountPositionSchema = z.looseObject({
  e: z.literal("outboundAccountPosition"),
  E: ms,
  u: ms,
  B: z.array(z.looseObject({ a: z.string(), f: decimal, l: decimal })),
});

export const userEventSchema = z.looseObject({ e: z.string(), E: ms.optional() });

export type RawKlineRow = z.infer<typeof klineRowSchema>;
export type RawSymbolInfo = z.infer<typeof symbolInfoSchema>;
export type RawExchangeInfo = z.infer<typeof exchangeInfoSchema>;
export type RawAccount = z.infer<typeof accountSchema>;
export type RawOrder = z.infer<typeof orderSchema>;
export type RawOrderStatus = z.infer<typeof orderStatusSchema>;
export type RawMyTrade = z.infer<typeof myTradeSchema>;
export type RawWsKline = z.infer<typeof wsKlineSchema>;
export type RawExecutionReport = z.infer<typeof executionReportSchema>;
export type RawAccountPosition = z.infer<typeof accountPositionSchema>;
