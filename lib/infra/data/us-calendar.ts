/**
 * The US equity session calendar (NYSE/Nasdaq rules): regular hours 09:30-16:00 America/New_York,
 * 13:00 closes on the days before Independence Day and Christmas and the day after Thanksgiving,
 * rule-based holidays plus the unscheduled closures since 2001. Used to tell real gaps from
 * nights, weekends and holidays.
 */
const DAY = 86_400_000;

function ymd(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** Day of week of a civil date, 0 = Sunday. */
function dow(y: number, m: number, d: number): number {
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The n-th (1-based) given weekday of a month; n = -1 for the last. */
function nthWeekday(y: number, m: number, weekday: number, n: number): number {
  if (n > 0) {
    const first = dow(y, m, 1);
    return 1 + ((weekday - first + 7) % 7) + (n - 1) * 7;
  }
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return last - ((dow(y, m, last) - weekday + 7) % 7);
}

/** Easter Sunday (Gregorian, anonymous computus). */
function easter(y: number): { m: number; d: number } {
  const a = y % 19;
  const b = Math.floor(y / 100);
  const c = y % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  return { m: month, d: ((h + l - 7 * m + 114) % 31) + 1 };
}

/** Saturday holidays move to Friday, Sunday holidays to Monday. */
function observed(y: number, m: number, d: number): string {
  const w = dow(y, m, d);
  const t = Date.UTC(y, m - 1, d) + (w === 6 ? -DAY : w === 0 ? DAY : 0);
  return new Date(t).toISOString().slice(0, 10);
}

const SPECIAL_CLOSURES = ["2001-09-11", "2001-09-12", "2001-09-13", "2001-09-14", "2004-06-11", "2007-01-02", "2012-10-29", "2012-10-30", "2018-12-05", "2025-01-09"];
const holidayCache = new Map<number, Set<string>>();

export function usHolidays(y: number): Set<string> {
  const hit = holidayCache.get(y);
  if (hit) return hit;
  const s = new Set<string>();
  // New Year's Day on a Saturday is not moved back into the old year
  if (dow(y, 1, 1) !== 6) s.add(observed(y, 1, 1));
  if (y >= 1998) s.add(ymd(y, 1, nthWeekday(y, 1, 1, 3)));
  s.add(ymd(y, 2, nthWeekday(y, 2, 1, 3)));
  const e = easter(y);
  s.add(new Date(Date.UTC(y, e.m - 1, e.d) - 2 * DAY).toISOString().slice(0, 10));
  s.add(ymd(y, 5, nthWeekday(y, 5, 1, -1)));
  if (y >= 2022) s.add(observed(y, 6, 19));
  s.add(observed(y, 7, 4));
  s.add(ymd(y, 9, nthWeekday(y, 9, 1, 1)));
  s.add(ymd(y, 11, nthWeekday(y, 11, 4, 4)));
  s.add(observed(y, 12, 25));
  for (const c of SPECIAL_CLOSURES) if (c.startsWith(`${y}-`)) s.add(c);
  holidayCache.set(y, s);
  return s;
}

/** Early (13:00) close days of a year. */
export function usEarlyCloses(y: number): Set<string> {
  const s = new Set<string>();
  const jul3 = dow(y, 7, 3);
  if (jul3 >= 1 && jul3 <= 4) s.add(ymd(y, 7, 3));
  s.add(ymd(y, 11, nthWeekday(y, 11, 4, 4) + 1));
  const dec24 = dow(y, 12, 24);
  if (dec24 >= 1 && dec24 <= 4) s.add(ymd(y, 12, 24));
  return s;
}

const nyFormat = new Intl.DateTimeFormat("en-US", { timeZone: "America/New_York", hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" });
const offsetCache = new Map<number, number>();

/** New York's UTC offset in ms (negative) at a UTC instant, cached per hour. */
export function nyOffsetMs(utcMs: number): number {
  const key = Math.floor(utcMs / 3_600_000);
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const p: Record<string, number> = {};
  for (const part of nyFormat.formatToParts(new Date(key * 3_600_000))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p["year"]!, p["month"]! - 1, p["day"]!, p["hour"]!, p["minute"]!);
  const off = asUtc - key * 3_600_000;
  offsetCache.set(key, off);
  return off;
}

/** The New York civil date (YYYY-MM-DD) of a UTC instant. */
export function nyDate(utcMs: number): string {
  return new Date(utcMs + nyOffsetMs(utcMs)).toISOString().slice(0, 10);
}

export interface UsSession {
  date: string;
  /** Regular-hours open and close, UTC epoch ms. */
  open: number;
  close: number;
  early: boolean;
}

/** The regular session of a New York civil date, or null on weekends and holidays. */
export function usSession(date: string): UsSession | null {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  const w = dow(y, m, d);
  if (w === 0 || w === 6 || usHolidays(y).has(date)) return null;
  const early = usEarlyCloses(y).has(date);
  const noonUtc = Date.UTC(y, m - 1, d, 12);
  const off = nyOffsetMs(noonUtc);
  const localMidnightUtc = Date.UTC(y, m - 1, d) - off;
  return { date, open: localMidnightUtc + 570 * 60_000, close: localMidnightUtc + (early ? 780 : 960) * 60_000, early };
}

/** Every regular session whose New York date lies in [fromMs, toMs] (UTC instants). */
export function usSessionsBetween(fromMs: number, toMs: number): UsSession[] {
  const out: UsSession[] = [];
  for (let t = Date.parse(`${nyDate(fromMs)}T00:00:00Z`); t <= toMs + DAY; t += DAY) {
    const date = new Date(t).toISOString().slice(0, 10);
    if (date > nyDate(toMs)) break;
    const s = usSession(date);
    if (s) out.push(s);
  }
  return out;
}

/** Venues whose bars follow the US equity session calendar; every other venue trades 24/7. */
export const US_SESSION_VENUES: readonly string[] = ["us", "alpaca", "polygon", "yahoo", "nyse", "nasdaq", "arca", "iex"];

export function followsUsSessions(venue: string): boolean {
  return US_SESSION_VENUES.includes(venue.toLowerCase());
}
