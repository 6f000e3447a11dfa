/** How old a reference file (fees, exchange filters, seasonality) is, from its meta.built_at. */
export interface ReferenceAge {
  file: string;
  /** meta.built_at as written, or null when missing or not a date. */
  builtAt: string | null;
  /** Age in days (Infinity when built_at is unknown). */
  ageDays: number;
  maxAgeDays: number;
  stale: boolean;
  /** One line for a log or the terminal. */
  message: string;
}

/**
 * Checks a reference file against a refresh age. A file without a readable meta.built_at counts as
 * stale: nobody can tell how old its fees or filters are. Future dates (clock skew) count as age 0.
 */
export function referenceFileAge(payload: unknown, file: string, nowMs: number, maxAgeDays: number): ReferenceAge {
  const meta = payload !== null && typeof payload === "object" ? (payload as { meta?: unknown }).meta : undefined;
  const raw = meta !== null && typeof meta === "object" ? (meta as { built_at?: unknown }).built_at : undefined;
  const ms = typeof raw === "string" ? Date.parse(raw) : Number.NaN;
  if (Number.isNaN(ms)) {
    return { file, builtAt: null, ageDays: Number.POSITIVE_INFINITY, maxAgeDays, stale: true, message: `${file}: no meta.built_at; cannot tell its age, treat it as stale and refresh it` };
  }
  const ageDays = Math.max(0, nowMs - ms) / 86_400_000;
  const stale = ageDays > maxAgeDays;
  const age = ageDays < 1 ? `${(ageDays * 24).toFixed(1)} hours` : `${ageDays.toFixed(1)} days`;
  return {
    file,
    builtAt: raw as string,
    ageDays,
    maxAgeDays,
    stale,
    message: stale ? `${file} is ${age} old (built ${raw as string}), older than the ${maxAgeDays}-day refresh age: refresh it` : `${file} is ${age} old (built ${raw as string}), within the ${maxAgeDays}-day refresh age`,
  };
}
