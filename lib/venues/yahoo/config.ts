import { z } from "zod";
import { ConfigError } from "../../core/errors";

export const YAHOO_URLS = { chart: "https://query1.finance.yahoo.com" } as const;

/** Yahoo answers 429 to user agents it does not recognise as browsers. */
const BROWSER_UA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36";

/**
 * Yahoo Finance chart v8 adapter options; every default is here. No credentials: the chart
 * endpoint is public.
 */
export const yahooOptionsSchema = z.strictObject({
  /** Chart API host. Default https://query1.finance.yahoo.com. */
  baseUrl: z.url({ protocol: /^https?$/ }).default(YAHOO_URLS.chart),
  /** User-Agent sent with every request. Default: a desktop browser string. */
  userAgent: z.string().min(1).default(BROWSER_UA),
  /** Include pre- and post-market rows in intraday bars. Default false (regular session only). */
  includePrePost: z.boolean().default(false),
  /**
   * Widen high/low to contain open and close when a Yahoo row violates that (it happens on some
   * index and macro series). Default false: such a row is rejected as corrupt.
   */
  repairHighLow: z.boolean().default(false),
  /** How often subscribeBars polls for newly closed bars, ms. Default 60000. */
  pollIntervalMs: z.number().int().min(10).default(60_000),
  /** Per-request timeout, ms. Default 10000. */
  requestTimeoutMs: z.number().int().positive().default(10_000),
  /** Retries of a retryable failure (429, 5xx, timeout) after the first attempt. Default 4. */
  maxRetries: z.number().int().min(0).max(20).default(4),
  /** First backoff delay, ms; doubles per attempt. Default 1000. */
  retryBaseMs: z.number().int().positive().default(1000),
});

export type YahooConfigInput = z.input<typeof yahooOptionsSchema>;
export type YahooConfig = Readonly<z.output<typeof yahooOptionsSchema>>;

export const yahooConfigSchema: z.ZodType<YahooConfig, YahooConfigInput> = yahooOptionsSchema.transform((c) =>
  Object.freeze({ ...c, baseUrl: c.baseUrl.replace(/\/+$/, "") }),
);

/** Validates options; a bad key fails with CONFIG_INVALID naming its path. */
export function parseYahooConfig(input: unknown = {}, source = "yahoo venue config"): YahooConfig {
  const r = yahooConfigSchema.safeParse(input);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
  throw new ConfigError(`${source}: ${issues.join("; ")}`, { file: source, path: r.error.issues[0]?.path.join("."), issues });
}
