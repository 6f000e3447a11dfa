import { TradelabError } from "../../core/errors";

/** A bar length: its canonical name (`5m`, `1h`, `1d`, `1w`), milliseconds and DuckDB interval literal. */
export interface TimeframeSpec {
  name: string;
  ms: number;
  interval: string;
}

const UNIT: Record<string, { ms: number; word: string }> = {
  m: { ms: 60_000, word: "minutes" },
  h: { ms: 3_600_000, word: "hours" },
  d: { ms: 86_400_000, word: "days" },
  w: { ms: 604_800_000, word: "days" },
};

/** Parses `1m`, `5m`, `15m`, `1h`, `4h`, `1d`, `1w` and any other `<n><m|h|d|w>`. */
export function parseTimeframe(tf: string): TimeframeSpec {
  const m = /^(\d+)([mhdw])$/.exec(tf.trim());
  const n = m ? Number(m[1]) : 0;
  if (!m || n <= 0) {
    throw new TradelabError("INVALID_ARGUMENT", `timeframe "${tf}" is not <number><m|h|d|w> (e.g. 1m, 5m, 1h, 4h, 1d)`, { details: { timeframe: tf } });
  }
  const u = UNIT[m[2]!]!;
  const count = m[2] === "w" ? n * 7 : n;
  return { name: `${n}${m[2]}`, ms: n * u.ms, interval: `INTERVAL '${count} ${u.word}'` };
}

/** A point in time given as epoch ms or an ISO 8601 string (a bare date means 00:00 UTC). */
export type TimeInput = number | string | Date;

export function toEpochMs(t: TimeInput, what = "time"): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === "number") {
    if (!Number.isFinite(t)) throw new TradelabError("INVALID_ARGUMENT", `${what} ${t} is not a finite epoch-ms number`);
    return t;
  }
  const s = t.trim();
  if (/^-?\d+$/.test(s)) return Number(s);
  // date-only and zone-less strings are UTC, never local time
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s.replace(" ", "T")}Z`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new TradelabError("INVALID_ARGUMENT", `${what} "${t}" is not epoch ms or an ISO 8601 date/time`, { details: { value: t } });
  return ms;
}

/** ISO 8601 UTC with minutes (`2025-05-20 00:00`), for tables and messages. */
export function fmtTime(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const s = new Date(ms).toISOString();
  return s.endsWith(":00.000Z") ? s.slice(0, 16).replace("T", " ") : s.replace("T", " ").replace("Z", "");
}
