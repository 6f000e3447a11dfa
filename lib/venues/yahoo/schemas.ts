import { z } from "zod";

/**
 * Raw Yahoo Finance chart v8 payloads (GET /v8/finance/chart/{symbol}). Objects are not strict.
 * Series arrays are parallel to `timestamp` and hold null where Yahoo has no value (halted minutes,
 * holidays in some macro series, the session still forming).
 */
const series = z.array(z.number().nullable());

export const ChartMetaSchema = z.object({
  symbol: z.string(),
  currency: z.string().nullable().optional(),
  exchangeName: z.string().optional(),
  instrumentType: z.string().optional(),
  /** IANA zone of the listing exchange, e.g. "America/New_York". */
  exchangeTimezoneName: z.string(),
  gmtoffset: z.number().optional(),
  dataGranularity: z.string().optional(),
  /** Decimal places Yahoo displays; values carry float32 noise beyond them. */
  priceHint: z.number().int().min(0).max(12).optional(),
});
export type RawChartMeta = z.infer<typeof ChartMetaSchema>;

export const QuoteSeriesSchema = z.object({
  open: series.optional(),
  high: series.optional(),
  low: series.optional(),
  close: series.optional(),
  volume: series.optional(),
});

export const ChartResultSchema = z.object({
  meta: ChartMetaSchema,
  /** Epoch seconds of each row's start (absent when the range holds no data). */
  timestamp: z.array(z.number()).optional(),
  indicators: z.object({
    quote: z.array(QuoteSeriesSchema),
    adjclose: z.array(z.object({ adjclose: series.optional() })).optional(),
  }),
});
export type RawChartResult = z.infer<typeof ChartResultSchema>;

export const ChartErrorSchema = z.object({ code: z.string(), description: z.string().nullable().optional() });
export type RawChartError = z.infer<typeof ChartErrorSchema>;

export const ChartResponseSchema = z.object({
  chart: z.object({
    result: z.array(ChartResultSchema).nullable(),
    error: ChartErrorSchema.nullable(),
  }),
});
export type RawChartResponse = z.infer<typeof ChartResponseSchema>;

/** Error bodies of other Yahoo services ({"finance":{"error":...}}), seen on 401/403. */
export const FinanceErrorSchema = z.object({ finance: z.object({ error: ChartErrorSchema.nullable() }) });
