const HOUR_MS = 3_600_000;
/** 1970-01-01 was a Thursday: Monday 00:00 UTC is 72 hours earlier in the week. */
const EPOCH_HOUR_OF_WEEK = 72;

/** Hour of the week of a UTC timestamp, 0 = Monday 00:00-00:59 UTC ... 167 = Sunday 23:00 UTC. */
export function hourOfWeek(tsMs: number): number {
  const h = (Math.floor(tsMs / HOUR_MS) + EPOCH_HOUR_OF_WEEK) % 168;
  return h < 0 ? h + 168 : h;
}

/** Number of decimals needed to write a step such as 0.00100000 exactly (0 for integers). */
export function stepDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  for (let d = 0; d <= 15; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) <= 1e-9 * Math.max(1, scaled)) return d;
  }
  return 15;
}

/** Rounds away float noise at a known number of decimals (e.g. 0.30000000000000004 -> 0.3). */
export function snap(x: number, scale: number): number {
  return Math.round(x * scale) / scale;
}
