import { followsUsSessions, nyDate, usEarlyCloses, usSession } from "./us-calendar";
import type { TimeframeSpec } from "./timeframe";

/**
 * SQL that resamples OHLCV bars to a longer timeframe, UTC-aligned (buckets start at multiples of
 * the timeframe from 2000-01-03 00:00 UTC, a Monday: hours at :00, 4h at 00/04/08.., days at
 * midnight, weeks on Monday). open = first open, high = max, low = min, close = last close,
 * volume = sum. `bars` counts the source bars in the bucket and `last_ts` is the last one's open time.
 *
 * `source` is a table, view or parenthesised query with ts (TIMESTAMP), open, high, low, close, volume.
 * US equities resampled to a day or longer use New York trading dates instead (see `usSessionDays`).
 */
const ORIGIN_MS = Date.UTC(2000, 0, 3);
const ORIGIN_BACK_MS = 200 * 365.25 * 86_400_000;

export function resampleSql(source: string, target: TimeframeSpec, opts: ResampleSqlOptions = {}): string {
  const agg = `arg_min(open, ts) AS open, max(high) AS high, min(low) AS low, arg_max(close, ts) AS close,
    sum(volume) AS volume, count(*) AS bars, max(ts) AS last_ts`;
  if (!opts.usSessionDays) {
    // integer buckets on epoch ms (faster than time_bucket on TIMESTAMP), same origin as time_bucket:
    // 2000-01-03 00:00 UTC moved back a whole number of buckets so that every timestamp after 1800 is above it
    const origin = ORIGIN_MS - Math.ceil(ORIGIN_BACK_MS / target.ms) * target.ms;
    return `SELECT epoch_ms(b) AS ts, open, high, low, close, volume, bars, epoch_ms(last_t) AS last_ts FROM (
      SELECT (t - ${origin}) // ${target.ms} * ${target.ms} + ${origin} AS b,
        arg_min(open, t) AS open, max(high) AS high, min(low) AS low, arg_max(close, t) AS close,
        sum(volume) AS volume, count(*) AS bars, max(t) AS last_t
      FROM (SELECT epoch_ms(ts) AS t, open, high, low, close, volume FROM ${source}) GROUP BY 1) ORDER BY 1`;
  }
  const early = opts.usSessionDays.earlyCloses.length ? opts.usSessionDays.earlyCloses.map((d) => `DATE '${d}'`).join(", ") : "NULL";
  // intraday US bars -> trading days: regular hours only, keyed by the New York date (stored as 00:00 UTC of that date)
  return `SELECT time_bucket(${target.interval}, day::TIMESTAMP) AS ts, ${agg} FROM (
      SELECT *, local::DATE AS day, hour(local) * 60 + minute(local) AS mod FROM (
        SELECT *, timezone('America/New_York', ts::TIMESTAMPTZ) AS local FROM ${source}))
    WHERE mod >= 570 AND mod < CASE WHEN day IN (${early}) THEN 780 ELSE 960 END
    GROUP BY 1 ORDER BY 1`;
}

export interface ResampleSqlOptions {
  /**
   * Build daily (or longer) bars of US equities from intraday bars: keep regular hours (09:30 to 16:00,
   * 13:00 on the given early-close dates, New York) and bucket by the New York trading date.
   */
  usSessionDays?: { earlyCloses: readonly string[] };
}

/**
 * Whether a bucket is complete: its last source bar reaches the bucket's end. For venues on the US
 * session calendar the bucket ends no later than that day's close (16:00 or 13:00 New York), so a
 * daily bar built from regular-hours data is complete at the close, not at midnight.
 */
export function bucketComplete(bucketStartMs: number, lastBarMs: number, sourceMs: number, targetMs: number, venue: string): boolean {
  let end = bucketStartMs + targetMs;
  if (followsUsSessions(venue)) {
    const s = usSession(nyDate(lastBarMs));
    if (s && s.close > bucketStartMs) end = Math.min(end, s.close);
  }
  return lastBarMs + sourceMs >= end;
}

/** Early-close dates of the years spanned, for `usSessionDays`. */
export function earlyClosesBetween(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  for (let y = new Date(fromMs).getUTCFullYear(); y <= new Date(toMs).getUTCFullYear(); y++) out.push(...usEarlyCloses(y));
  return out.sort();
}
