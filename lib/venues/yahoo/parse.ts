import type { ZodType } from "zod";
import { parseVenuePayload, rawText, sessionDateMs } from "../../infra/venue-payload";
import type { Bar, Timeframe } from "../../core/bar";
import { barProblem } from "../../core/bar";
import { TradelabError, VenueError } from "../../core/errors";
import type { RawChartResult } from "./schemas";



/** Validates a raw payload; on failure throws PARSE_ERROR carrying the raw text and the bad paths. */
export function parseRaw<T>(schema: ZodType<T>, raw: unknown, what: string, rawText?: string): T {
  return parseVenuePayload("yahoo", schema, raw, what, rawText);
}

/** Yahoo chart intervals for our timeframes. 4h has no Yahoo equivalent. */
const INTERVALS: Partial<Record<Timeframe, string>> = { "1m": "1m", "5m": "5m", "15m": "15m", "1h": "60m", "1d": "1d" };
export const YAHOO_TIMEFRAMES = Object.keys(INTERVALS) as Timeframe[];

export function yahooInterval(tf: Timeframe): string {
  const i = INTERVALS[tf];
  if (!i) throw new TradelabError("INVALID_ARGUMENT", `yahoo has no ${tf} interval (supported: ${YAHOO_TIMEFRAMES.join(", ")})`, { details: { venue: "yahoo", timeframe: tf } });
  return i;
}

/**
 * Longest span one chart request may cover per interval; Yahoo refuses wider 1m requests (7 days)
 * and keeps 5m/15m for 60 days and 60m for 730 days, so windows stay inside those.
 */
export function yahooWindowMs(tf: Timeframe): number {
  const day = 86_400_000;
  return tf === "1m" ? 7 * day : tf === "5m" || tf === "15m" ? 59 * day : tf === "1h" ? 700 * day : 365 * 50 * day;
}

export { sessionDateMs };

export interface ChartRows {
  bars: Bar[];
  /** Rows with a null open, high, low or close (no trading in that interval): skipped, never NaN bars. */
  skippedNull: number;
  /** Intraday rows not on a minute boundary: Yahoo's live "last price" row, not a bar. */
  skippedLive: number;
  /** Rows whose high/low were widened to contain open and close (only with repairHighLow). */
  repaired: number;
}

/**
 * Chart rows -> Bars. Rows with any null OHLC are skipped (Yahoo fills halted minutes, holidays of
 * macro series and the forming session with null); a null volume with real prices becomes 0 (index
 * series carry no volume). Prices are rounded to meta.priceHint decimals, which strips Yahoo's
 * float32 noise (317.1000061035156 -> 317.1). Daily rows, stamped at the session open, are keyed to
 * 00:00 UTC of the session date in the exchange's time zone; a repeated row for the same key (Yahoo
 * appends the current session again) replaces the earlier one.
 */
export function parseChart(r: RawChartResult, tf: Timeframe, opts: { repairHighLow: boolean }): ChartRows {
  const symbol = r.meta.symbol;
  const ts = r.timestamp ?? [];
  const q = r.indicators.quote[0] ?? {};
  for (const k of ["open", "high", "low", "close", "volume"] as const) {
    const s = q[k];
    if (s !== undefined && s.length !== ts.length) {
      throw new VenueError("PARSE_ERROR", `yahoo chart ${symbol}: ${k} has ${s.length} values for ${ts.length} timestamps`, { details: { venue: "yahoo", symbol, field: k } });
    }
  }
  const round = r.meta.priceHint === undefined ? (v: number) => v : (v: number) => Number(v.toFixed(r.meta.priceHint));
  const out: ChartRows = { bars: [], skippedNull: 0, skippedLive: 0, repaired: 0 };
  for (let i = 0; i < ts.length; i++) {
    const o = q.open?.[i];
    const h = q.high?.[i];
    const l = q.low?.[i];
    const c = q.close?.[i];
    if (o == null || h == null || l == null || c == null) {
      out.skippedNull += 1;
      continue;
    }
    const t = ts[i]! * 1000;
    if (tf !== "1d" && t % 60_000 !== 0) {
      out.skippedLive += 1;
      continue;
    }
    const bar: Bar = { ts: tf === "1d" ? sessionDateMs(t, r.meta.exchangeTimezoneName) : t, open: round(o), high: round(h), low: round(l), close: round(c), volume: q.volume?.[i] ?? 0 };
    if (opts.repairHighLow && (bar.high < Math.max(bar.open, bar.close) || bar.low > Math.min(bar.open, bar.close))) {
      bar.high = Math.max(bar.high, bar.open, bar.close);
      bar.low = Math.min(bar.low, bar.open, bar.close);
      out.repaired += 1;
    }
    const problem = barProblem(bar);
    if (problem) {
      throw new VenueError("PARSE_ERROR", `yahoo chart ${symbol} row ${i} (${new Date(t).toISOString()}): ${problem}`, {
        details: { venue: "yahoo", symbol, row: i, raw: rawText({ t: ts[i], open: o, high: h, low: l, close: c, volume: q.volume?.[i] }) },
      });
    }
    const prev = out.bars[out.bars.length - 1];
    if (prev && bar.ts < prev.ts) {
      throw new VenueError("PARSE_ERROR", `yahoo chart ${symbol} row ${i}: time goes backwards (${new Date(bar.ts).toISOString()} after ${new Date(prev.ts).toISOString()})`, {
        details: { venue: "yahoo", symbol, row: i },
      });
    }
    if (prev && bar.ts === prev.ts) out.bars[out.bars.length - 1] = bar;
    else out.bars.push(bar);
  }
  return out;
}
