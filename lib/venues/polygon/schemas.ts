import { z } from "zod";

/**
 * Raw Polygon payloads: the aggregates REST endpoint and the stocks WebSocket. Objects are not
 * strict: Polygon adds fields over time. All prices arrive as JSON numbers; times as ms UTC.
 */

/** One aggregate bar in REST results. `t` is the window start, ms UTC. */
export const AggSchema = z.object({
  t: z.number(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  v: z.number(),
  vw: z.number().optional(),
  n: z.number().optional(),
});
export type RawAgg = z.infer<typeof AggSchema>;

/**
 * GET /v2/aggs/ticker/{ticker}/range/{multiplier}/{timespan}/{from}/{to}. `results` is absent when
 * the range is empty; `next_url` (no API key in it) continues a truncated answer. `status` is "OK",
 * or "DELAYED" on plans with delayed data.
 */
export const AggsResponseSchema = z.object({
  ticker: z.string().optional(),
  status: z.string(),
  adjusted: z.boolean().optional(),
  queryCount: z.number().optional(),
  resultsCount: z.number().optional(),
  request_id: z.string().optional(),
  results: z.array(AggSchema).optional(),
  next_url: z.string().optional(),
});
export type RawAggsResponse = z.infer<typeof AggsResponseSchema>;

/** Error bodies: {"status":"ERROR","request_id":..,"error":".."} or {"status":"NOT_AUTHORIZED","message":".."}. */
export const ApiErrorSchema = z.object({
  status: z.string().optional(),
  request_id: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});

/** Every WebSocket frame is a JSON array of events tagged by `ev`. */
export const WsFrameSchema = z.array(z.object({ ev: z.string() }).passthrough());

export const WsStatusSchema = z.object({ ev: z.literal("status"), status: z.string(), message: z.string().optional() });

/** Stocks minute aggregate (channel AM). s/e: window start/end, ms UTC; av: day volume so far. */
export const WsMinuteAggSchema = z.object({
  ev: z.literal("AM"),
  sym: z.string(),
  v: z.number(),
  o: z.number(),
  h: z.number(),
  l: z.number(),
  c: z.number(),
  s: z.number(),
  e: z.number(),
  vw: z.number().optional(),
  av: z.number().optional(),
  z: z.number().optional(),
});
export type RawMinuteAgg = z.infer<typeof WsMinuteAggSchema>;
