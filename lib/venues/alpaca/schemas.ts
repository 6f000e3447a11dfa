import { z } from "zod";

/**
 * Raw Alpaca payloads (Trading API v2, Market Data API v2, the stock data stream and the trading
 * stream). Objects are not strict: Alpaca adds fields over time. Decimal fields arrive as strings in
 * the live API and as numbers in some SDK recordings, so both are accepted here and converted in
 * parse.ts.
 */
export const decimal = z.union([z.string(), z.number()]);
const nullableDecimal = decimal.nullable().optional();
const nullableString = z.string().nullable().optional();

// ---- Trading REST -------------------------------------------------------------------------------

export const OrderSchema = z.object({
  id: z.string(),
  client_order_id: z.string(),
  created_at: z.string(),
  updated_at: z.string().nullable().optional(),
  submitted_at: nullableString,
  filled_at: nullableString,
  canceled_at: nullableString,
  expired_at: nullableString,
  failed_at: nullableString,
  symbol: z.string(),
  asset_class: z.string().optional(),
  qty: nullableDecimal,
  notional: nullableDecimal,
  filled_qty: decimal,
  filled_avg_price: nullableDecimal,
  type: z.string(),
  order_type: z.string().optional(),
  side: z.enum(["buy", "sell"]),
  time_in_force: z.string(),
  limit_price: nullableDecimal,
  stop_price: nullableDecimal,
  status: z.string(),
  extended_hours: z.boolean().optional(),
});
export type RawOrder = z.infer<typeof OrderSchema>;
export const OrderListSchema = z.array(OrderSchema);

export const PositionSchema = z.object({
  symbol: z.string(),
  qty: decimal,
  side: z.enum(["long", "short"]),
  avg_entry_price: decimal,
  market_value: nullableDecimal,
  asset_class: z.string().optional(),
});
export type RawPosition = z.infer<typeof PositionSchema>;
export const PositionListSchema = z.array(PositionSchema);

export const AccountSchema = z.object({
  id: z.string(),
  status: z.string(),
  currency: z.string(),
  cash: decimal,
  buying_power: decimal,
  equity: decimal,
  portfolio_value: nullableDecimal,
  trading_blocked: z.boolean(),
  account_blocked: z.boolean().optional(),
  pattern_day_trader: z.boolean().optional(),
});
export type RawAccount = z.infer<typeof AccountSchema>;

export const ClockSchema = z.object({
  timestamp: z.string(),
  is_open: z.boolean(),
  next_open: z.string(),
  next_close: z.string(),
});
export type RawClock = z.infer<typeof ClockSchema>;

export const AssetSchema = z.object({
  id: z.string(),
  class: z.string(),
  exchange: z.string(),
  symbol: z.string(),
  status: z.string(),
  tradable: z.boolean(),
  fractionable: z.boolean().optional(),
  shortable: z.boolean().optional(),
  min_order_size: nullableDecimal,
  min_trade_increment: nullableDecimal,
  price_increment: nullableDecimal,
});
export type RawAsset = z.infer<typeof AssetSchema>;
export const AssetListSchema = z.array(AssetSchema);

/** Error body of every Alpaca REST endpoint: `{"code": 42210000, "message": "..."}`. */
export const ApiErrorSchema = z.object({ code: z.number().optional(), message: z.string() });
export type RawApiError = z.infer<typeof ApiErrorSchema>;

// ---- Market data REST ---------------------------------------------------------------------------

export const BarSchema = z.object({
  t: z.string(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number(),
  n: z.number().optional(),
  vw: z.number().optional(),
});
export type RawBar = z.infer<typeof BarSchema>;

/** GET /v2/stocks/{symbol}/bars. `bars` is null when the range holds no data. */
export const SingleBarsSchema = z.object({
  bars: z.array(BarSchema).nullable(),
  symbol: z.string(),
  next_page_token: z.string().nullable().optional(),
});

/** GET /v2/stocks/bars?symbols=... */
export const MultiBarsSchema = z.object({
  bars: z.record(z.string(), z.array(BarSchema)).nullable(),
  next_page_token: z.string().nullable().optional(),
});

// ---- Stock data stream (wss://stream.data.alpaca.markets/v2/{feed}) -----------------------------

export const StreamSuccessSchema = z.object({ T: z.literal("success"), msg: z.string() });
export const StreamErrorSchema = z.object({ T: z.literal("error"), code: z.number(), msg: z.string() });
export const StreamSubscriptionSchema = z.object({
  T: z.literal("subscription"),
  bars: z.array(z.string()).optional(),
  trades: z.array(z.string()).optional(),
  quotes: z.array(z.string()).optional(),
});
export const StreamBarSchema = z.object({
  T: z.literal("b"),
  S: z.string(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number(),
  t: z.string(),
  n: z.number().optional(),
  vw: z.number().optional(),
});
export type RawStreamBar = z.infer<typeof StreamBarSchema>;

/** Every frame is a JSON array of messages, each tagged by `T`. */
export const StreamFrameSchema = z.array(z.object({ T: z.string() }).passthrough());

// ---- Trading stream (wss://{paper-}api.alpaca.markets/stream) -----------------------------------

export const TradingAuthSchema = z.object({
  stream: z.literal("authorization"),
  data: z.object({ status: z.string(), action: z.string() }),
});
export const TradingListeningSchema = z.object({
  stream: z.literal("listening"),
  data: z.object({ streams: z.array(z.string()) }),
});
export const TradeUpdateSchema = z.object({
  stream: z.literal("trade_updates"),
  data: z.object({
    event: z.string(),
    execution_id: z.string().optional(),
    order: OrderSchema,
    timestamp: z.string().optional(),
    price: nullableDecimal,
    qty: nullableDecimal,
    position_qty: nullableDecimal,
  }),
});
export type RawTradeUpdate = z.infer<typeof TradeUpdateSchema>["data"];
export const TradingFrameSchema = z.object({ stream: z.string(), data: z.unknown() });
