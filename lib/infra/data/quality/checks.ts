import { fmtTime } from "../timeframe";
import { usSessionsBetween, type UsSession } from "../us-calendar";

export type Severity = "ok" | "info" | "warning" | "error";

/** One check on one series. */
export interface Check {
  name: string;
  severity: Severity;
  count: number;
  detail: string;
}

/** Sorted bar columns (ts in epoch ms) plus the regular-hours flag when the source has a session column. */
export interface SeriesColumns {
  ts: Float64Array;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

export interface CheckOptions {
  /** Zero-volume runs at least this long are reported (bars). Default 5. */
  zeroVolumeRun: number;
  /** A return or a bar range further than this many robust sigmas from the median is an outlier. Default 20. */
  outlierSigmas: number;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = { zeroVolumeRun: 5, outlierSigmas: 20 };

const ok = (name: string, detail = ""): Check => ({ name, severity: "ok", count: 0, detail });
const at = (c: SeriesColumns, i: number) => fmtTime(c.ts[i]!);

export function checkFinite(c: SeriesColumns): Check {
  let n = 0;
  let first = -1;
  for (let i = 0; i < c.ts.length; i++) {
    if (![c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!].every(Number.isFinite)) {
      n++;
      if (first < 0) first = i;
    }
  }
  return n ? { name: "missing or non-finite values", severity: "error", count: n, detail: `first at ${at(c, first)}` } : ok("missing or non-finite values");
}

export function checkDuplicates(c: SeriesColumns): Check {
  let n = 0;
  let first = -1;
  for (let i = 1; i < c.ts.length; i++) {
    if (c.ts[i] === c.ts[i - 1]) {
      n++;
      if (first < 0) first = i;
    }
  }
  return n ? { name: "duplicate timestamps", severity: "error", count: n, detail: `first ${at(c, first)}` } : ok("duplicate timestamps");
}

export function checkOhlc(c: SeriesColumns): Check {
  let n = 0;
  let first = -1;
  let why = "";
  for (let i = 0; i < c.ts.length; i++) {
    const o = c.open[i]!;
    const h = c.high[i]!;
    const l = c.low[i]!;
    const cl = c.close[i]!;
    const bad = h < Math.max(o, cl) ? "high < max(open, close)" : l > Math.min(o, cl) ? "low > min(open, close)" : h < l ? "high < low" : "";
    if (bad) {
      n++;
      if (first < 0) [first, why] = [i, bad];
    }
  }
  return n ? { name: "OHLC inconsistencies", severity: "error", count: n, detail: `first ${at(c, first)}: ${why}` } : ok("OHLC inconsistencies");
}

export function checkPositive(c: SeriesColumns): Check {
  let n = 0;
  let first = -1;
  for (let i = 0; i < c.ts.length; i++) {
    if (c.open[i]! <= 0 || c.high[i]! <= 0 || c.low[i]! <= 0 || c.close[i]! <= 0 || c.volume[i]! < 0) {
      n++;
      if (first < 0) first = i;
    }
  }
  return n ? { name: "non-positive prices / negative volume", severity: "error", count: n, detail: `first ${at(c, first)}` } : ok("non-positive prices / negative volume");
}

export function checkZeroVolume(c: SeriesColumns, minRun: number): Check[] {
  let zeros = 0;
  let runs = 0;
  let longest = 0;
  let longestAt = -1;
  let run = 0;
  for (let i = 0; i <= c.ts.length; i++) {
    if (i < c.ts.length && c.volume[i] === 0) {
      zeros++;
      run++;
      continue;
    }
    if (run >= minRun) runs++;
    if (run > longest) [longest, longestAt] = [run, i - run];
    run = 0;
  }
  const total: Check = zeros ? { name: "zero-volume bars", severity: "info", count: zeros, detail: `${((zeros / c.ts.length) * 100).toFixed(2)} % of bars` } : ok("zero-volume bars");
  const runsCheck: Check = runs
    ? { name: `zero-volume runs >= ${minRun} bars`, severity: "warning", count: runs, detail: `longest ${longest} bars from ${at(c, longestAt)}` }
    : ok(`zero-volume runs >= ${minRun} bars`, longest ? `longest ${longest}` : "");
  return [total, runsCheck];
}

function robust(xs: Float64Array): { median: number; sigma: number } {
  const s = Float64Array.from(xs).sort();
  const median = s.length ? s[s.length >> 1]! : 0;
  const dev = s.map((x) => Math.abs(x - median)).sort();
  return { median, sigma: 1.4826 * (dev.length ? dev[dev.length >> 1]! : 0) };
}

/**
 * Close-to-close returns and high/low ranges far outside the series' own robust spread (bad ticks,
 * unadjusted splits). Intraday returns are taken only between adjacent bars, so overnight and
 * weekend moves are not counted.
 */
export function checkOutliers(c: SeriesColumns, sigmas: number, tfMs: number): Check[] {
  const n = c.ts.length;
  if (n < 30) return [ok("return outliers", "too few bars"), ok("range outliers", "too few bars")];
  const idx: number[] = [];
  for (let i = 1; i < n; i++) if (tfMs >= 86_400_000 || c.ts[i]! - c.ts[i - 1]! === tfMs) idx.push(i);
  const ret = Float64Array.from(idx, (i) => Math.log(c.close[i]! / c.close[i - 1]!));
  const rng = Float64Array.from(c.high, (h, i) => Math.log(h / c.low[i]!));
  const r = robust(ret);
  const g = robust(rng);
  let rc = 0;
  let rw = -1;
  let rz = 0;
  idx.forEach((i, k) => {
    const z = r.sigma > 0 ? Math.abs(ret[k]! - r.median) / r.sigma : 0;
    if (z > sigmas && Number.isFinite(z)) {
      rc++;
      if (z > rz) [rz, rw] = [z, i];
    }
  });
  let gc = 0;
  let gw = -1;
  let gz = 0;
  for (let i = 0; i < n; i++) {
    const z = g.sigma > 0 ? (rng[i]! - g.median) / g.sigma : 0;
    if (z > sigmas && Number.isFinite(z)) {
      gc++;
      if (z > gz) [gz, gw] = [z, i];
    }
  }
  const th = `threshold ${sigmas} robust sigmas`;
  return [
    rc ? { name: "return outliers", severity: "warning", count: rc, detail: `worst ${at(c, rw)}: close ${c.close[rw - 1]} -> ${c.close[rw]} (${rz.toFixed(0)} sigmas)` } : ok("return outliers", th),
    gc ? { name: "range outliers", severity: "warning", count: gc, detail: `worst ${at(c, gw)}: high ${c.high[gw]} low ${c.low[gw]} (${gz.toFixed(0)} sigmas)` } : ok("range outliers", th),
  ];
}

/** 24/7 grid: every bar on a multiple of the timeframe, and the missing bars between first and last. */
export function checkGrid247(c: SeriesColumns, tfMs: number): Check[] {
  let off = 0;
  let offFirst = -1;
  let missing = 0;
  let segments = 0;
  let longest = 0;
  let longestAt = -1;
  let holes = 0;
  let holeBars = 0;
  for (let i = 0; i < c.ts.length; i++) {
    if (c.ts[i]! % tfMs !== 0) {
      off++;
      if (offFirst < 0) offFirst = i;
    }
    if (i === 0) continue;
    const d = c.ts[i]! - c.ts[i - 1]!;
    const m = Math.round(d / tfMs) - 1;
    if (m <= 0) continue;
    // a day or more without any bar is a hole in coverage (separate downloads), not a glitch in the feed
    if (d - tfMs >= 86_400_000 && tfMs < 86_400_000) {
      holes++;
      holeBars += m;
      continue;
    }
    missing += m;
    segments++;
    if (m > longest) [longest, longestAt] = [m, i - 1];
  }
  const grid: Check = off ? { name: "off-grid timestamps", severity: "error", count: off, detail: `first ${at(c, offFirst)}` } : ok("off-grid timestamps");
  const gaps: Check = missing
    ? { name: "gaps (24/7 grid)", severity: "warning", count: missing, detail: `${segments} gap${segments === 1 ? "" : "s"}, longest ${longest} bars after ${at(c, longestAt)}` }
    : ok("gaps (24/7 grid)");
  const hole: Check = holes ? { name: "coverage holes (>= 1 day)", severity: "info", count: holes, detail: `${holeBars.toLocaleString("en-US")} bars not covered` } : ok("coverage holes (>= 1 day)");
  return [grid, gaps, hole];
}

/** US equities: expected bars are the regular-hours grid of each trading session (or each trading day for daily bars). */
export function checkUsSessions(c: SeriesColumns, tfMs: number): Check[] {
  const n = c.ts.length;
  if (n === 0) return [];
  const first = c.ts[0]!;
  const last = c.ts[n - 1]!;
  const DAY = 86_400_000;
  if (tfMs >= DAY) {
    const sessions = usSessionsBetween(first, last + DAY - 1);
    const have = new Set<string>();
    let offDays = 0;
    const tradingDays = new Set(sessions.map((s) => s.date));
    for (let i = 0; i < n; i++) {
      const d = new Date(c.ts[i]!).toISOString().slice(0, 10);
      have.add(d);
      if (!tradingDays.has(d)) offDays++;
    }
    const expected = sessions.filter((s) => s.date >= new Date(first).toISOString().slice(0, 10));
    // runs of 5+ missing trading days are coverage holes (info); shorter runs are gaps
    let gaps = 0;
    let firstGap = "";
    let holes = 0;
    let run: string[] = [];
    const flush = () => {
      if (run.length >= 5) holes++;
      else if (run.length) {
        gaps += run.length;
        firstGap ||= run[0]!;
      }
      run = [];
    };
    for (const s of expected) {
      if (have.has(s.date)) flush();
      else run.push(s.date);
    }
    flush();
    return [
      gaps ? { name: "missing trading days", severity: "warning", count: gaps, detail: `first ${firstGap}` } : ok("missing trading days"),
      holes ? { name: "coverage holes (>= 5 sessions)", severity: "info", count: holes, detail: "" } : ok("coverage holes (>= 5 sessions)"),
      offDays ? { name: "bars on non-trading days", severity: "warning", count: offDays, detail: "" } : ok("bars on non-trading days"),
    ];
  }
  if (1_800_000 % tfMs !== 0) return [ok("gaps (US sessions)", `not checked for ${tfMs / 60_000}m bars (grid not aligned to 09:30)`)];
  const sessions: UsSession[] = usSessionsBetween(first, last);
  let missing = 0;
  let segments = 0;
  let firstMissing = -1;
  let inSession = 0;
  let emptySessions = 0;
  let j = 0;
  for (const s of sessions) {
    let prevMissing = false;
    let sMissing = 0;
    let sSegments = 0;
    let sFirst = -1;
    let sHave = 0;
    for (let t = s.open; t < s.close; t += tfMs) {
      if (t < first || t > last) continue;
      while (j < n && c.ts[j]! < t) j++;
      const present = j < n && c.ts[j] === t;
      if (present) sHave++;
      else {
        sMissing++;
        if (!prevMissing) sSegments++;
        if (sFirst < 0) sFirst = t;
      }
      prevMissing = !present;
    }
    inSession += sHave;
    // a session without a single bar is a hole in coverage, not a gap in the feed
    if (sHave === 0 && sMissing > 0) emptySessions++;
    else {
      missing += sMissing;
      segments += sSegments;
      if (firstMissing < 0 && sFirst >= 0) firstMissing = sFirst;
    }
  }
  const outside = n - inSession;
  return [
    emptySessions ? { name: "sessions without data", severity: "info", count: emptySessions, detail: "coverage holes" } : ok("sessions without data"),
    missing ? { name: "gaps (US regular hours)", severity: "warning", count: missing, detail: `${segments} gap${segments === 1 ? "" : "s"}, first at ${fmtTime(firstMissing)}` } : ok("gaps (US regular hours)"),
    outside ? { name: "bars outside regular hours", severity: "info", count: outside, detail: "extended hours or post-close prints" } : ok("bars outside regular hours"),
  ];
}
