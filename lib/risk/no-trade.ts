import { ConfigError } from "../core/errors";

/** No-trade windows: times when the signal runner stands aside (no new risk; exits still allowed by config). */
export interface NoTradeConfig {
  /** Daily UTC windows as "HH:MM-HH:MM" (end exclusive; may wrap midnight, e.g. "23:55-00:05"). */
  dailyUtc?: readonly string[];
  /** Minutes before and after each funding time to stand aside (perpetual futures). 0 = off. */
  fundingBufferMinutes?: number;
  /** Funding times as "HH:MM" UTC. Default Binance USD-M: 00:00, 08:00, 16:00. */
  fundingTimesUtc?: readonly string[];
  /** Absolute ranges (ISO 8601 or ms), end exclusive, with an optional reason. */
  custom?: readonly { from: string | number; to: string | number; reason?: string }[];
}

const DAY = 86_400_000;
const MIN = 60_000;

function parseHhmm(s: string, where: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) throw new ConfigError(`${where}: expected HH:MM, got "${s}"`, { path: where });
  return (Number(m[1]) * 60 + Number(m[2])) * MIN;
}

function parseTime(v: string | number, where: string): number {
  const t = typeof v === "number" ? v : Date.parse(v);
  if (!Number.isFinite(t)) throw new ConfigError(`${where}: not a date: ${String(v)}`, { path: where });
  return t;
}

/** Compiled windows; `blockedReason(ts)` is O(windows). */
export class NoTradeWindows {
  private readonly daily: { start: number; end: number; label: string }[];
  private readonly ranges: { from: number; to: number; reason: string }[];

  constructor(cfg: NoTradeConfig = {}) {
    this.daily = (cfg.dailyUtc ?? []).map((w, i) => {
      const [a, b] = w.split("-");
      if (a === undefined || b === undefined) throw new ConfigError(`noTrade.dailyUtc[${i}]: expected "HH:MM-HH:MM", got "${w}"`, { path: `noTrade.dailyUtc[${i}]` });
      return { start: parseHhmm(a, `noTrade.dailyUtc[${i}]`), end: parseHhmm(b, `noTrade.dailyUtc[${i}]`), label: `daily window ${w} UTC` };
    });
    const buf = (cfg.fundingBufferMinutes ?? 0) * MIN;
    if (buf > 0) {
      for (const [i, f] of (cfg.fundingTimesUtc ?? ["00:00", "08:00", "16:00"]).entries()) {
        const t = parseHhmm(f, `noTrade.fundingTimesUtc[${i}]`);
        this.daily.push({ start: (t - buf + DAY) % DAY, end: (t + buf) % DAY, label: `funding buffer around ${f} UTC` });
      }
    }
    this.ranges = (cfg.custom ?? []).map((r, i) => {
      const from = parseTime(r.from, `noTrade.custom[${i}].from`);
      const to = parseTime(r.to, `noTrade.custom[${i}].to`);
      if (to <= from) throw new ConfigError(`noTrade.custom[${i}]: 'to' must be after 'from'`, { path: `noTrade.custom[${i}]` });
      return { from, to, reason: r.reason ?? `custom range ${new Date(from).toISOString()} - ${new Date(to).toISOString()}` };
    });
  }

  /** Why trading is blocked at `ts`, or null when it is allowed. */
  blockedReason(ts: number): string | null {
    const tod = ((ts % DAY) + DAY) % DAY;
    for (const w of this.daily) {
      const inside = w.start <= w.end ? tod >= w.start && tod < w.end : tod >= w.start || tod < w.end;
      if (inside) return w.label;
    }
    for (const r of this.ranges) if (ts >= r.from && ts < r.to) return r.reason;
    return null;
  }
}
