import { z } from "zod";

/** Request parameters the replay exchange accepts (query string or form body), as Binance documents them. */

export const decimalParam = z.string().regex(/^\d+(\.\d+)?$/);
/** newClientOrderId: rest-api.md "A unique id among open orders ... ^[\.A-Z\:/a-z0-9_-]{1,36}$". */
export const clientOrderIdParam = z.string().regex(/^[.A-Z:/a-z0-9_-]{1,36}$/);

export const newOrderParams = z.looseObject({
  symbol: z.string().min(1),
  side: z.string(),
  type: z.string(),
  timeInForce: z.string().optional(),
  quantity: z.string().optional(),
  quoteOrderQty: z.string().optional(),
  price: z.string().optional(),
  newClientOrderId: z.string().optional(),
  newOrderRespType: z.enum(["ACK", "RESULT", "FULL"]).optional(),
  computeCommissionRates: z.enum(["true", "false"]).optional(),
});
export type NewOrderParams = z.infer<typeof newOrderParams>;

export const orderRefParams = z.looseObject({
  symbol: z.string().min(1),
  orderId: z.string().regex(/^\d+$/).optional(),
  origClientOrderId: z.string().optional(),
  /** DELETE only: the cancel's own client id, and ONLY_NEW / ONLY_PARTIALLY_FILLED. */
  newClientOrderId: z.string().optional(),
  cancelRestrictions: z.string().optional(),
});

export const klinesParams = z.looseObject({
  symbol: z.string().min(1),
  interval: z.string().min(1),
  startTime: z.string().regex(/^\d+$/).optional(),
  endTime: z.string().regex(/^\d+$/).optional(),
  limit: z.string().regex(/^\d+$/).optional(),
});

export const myTradesParams = z.looseObject({
  symbol: z.string().min(1),
  orderId: z.string().regex(/^\d+$/).optional(),
  startTime: z.string().regex(/^\d+$/).optional(),
  endTime: z.string().regex(/^\d+$/).optional(),
  fromId: z.string().regex(/^\d+$/).optional(),
  limit: z.string().regex(/^\d+$/).optional(),
});

/** SUBSCRIBE / UNSUBSCRIBE / LIST_SUBSCRIPTIONS frames on a market stream connection. */
export const streamRequest = z.object({
  method: z.enum(["SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS"]),
  params: z.array(z.string()).optional(),
  id: z.union([z.number(), z.string(), z.null()]),
});
