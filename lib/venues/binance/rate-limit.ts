import { VenueError } from "../../core/errors";
import type { LogSink } from "../../infra/http/logger";
import { rateLimitSchema } from "./schemas";

/** The rate limiters of exchangeInfo `rateLimits` (enums.md "Rate limiters"). */
export type RateLimitType = "REQUEST_WEIGHT" | "ORDERS" | "RAW_REQUESTS";
/** Interval letters of the X-MBX-* headers: SECOND => S, MINUTE => M, HOUR => H, DAY => D. */
export type IntervalLetter = "S" | "M" | "H" | "D";

/** One limit: at most `limit` per `intervalNum` x interval (windows aligned to the epoch, e.g. UTC days). */
export interface RateLimitRule {
  type: RateLimitType;
  intervalNum: number;
  interval: IntervalLetter;
  limit: number;
}

const UNIT_MS: Record<IntervalLetter, number> = { S: 1000, M: 60_000, H: 3_600_000, D: 86_400_000 };
const LETTER: Record<string, IntervalLetter> = { SECOND: "S", MINUTE: "M", HOUR: "H", DAY: "D" };
const TYPES: readonly string[] = ["REQUEST_WEIGHT", "ORDERS", "RAW_REQUESTS"];
/** X-MBX-USED-WEIGHT-(intervalNum)(intervalLetter) and X-MBX-ORDER-COUNT-(intervalNum)(intervalLetter) (rest-api.md LIMITS). */
const HEADER = /^x-mbx-(used-weight|order-count)-(\d+)([smhd])$/i;

const keyOf = (type: RateLimitType, num: number, letter: IntervalLetter): string => `${type}:${num}${letter}`;

/**
 * exchangeInfo `rateLimits` -> rules. Entries of a rateLimitType this client does not know (or the
 * docs example's empty `{}` placeholder) are skipped; a known type with a malformed interval or
 * limit is a PARSE_ERROR naming the entry.
 */
export function rateLimitRules(raw: readonly unknown[] | undefined, venue = "binance"): RateLimitRule[] {
  const out: RateLimitRule[] = [];
  (raw ?? []).forEach((entry, k) => {
    const type = entry !== null && typeof entry === "object" ? (entry as { rateLimitType?: unknown }).rateLimitType : undefined;
    if (typeof type !== "string" || !TYPES.includes(type)) return;
    const r = rateLimitSchema.safeParse(entry);
    if (!r.success) {
      const i = r.error.issues[0]!;
      throw new VenueError("PARSE_ERROR", `${venue} exchangeInfo.rateLimits[${k}](${type}).${i.path.join(".")}: ${i.message}`, { details: { venue, what: "exchangeInfo", entry } });
    }
    out.push({ type: type as RateLimitType, intervalNum: r.data.intervalNum, interval: LETTER[r.data.interval]!, limit: r.data.limit });
  });
  return out;
}

/** Orders a request places, for the ORDERS limiters (0 for everything that places none). */
export function ordersPlacedBy(call: { method: string; path: string; params?: Record<string, unknown> }): number {
  if (call.method !== "POST") return 0;
  const p = call.path.replace(/^\/(api\/v3|fapi\/v1)\//, "");
  if (p === "order" || p === "order/cancelReplace" || p === "sor/order") return 1;
  if (p === "order/oco" || p === "orderList/oco" || p === "orderList/oto") return 2;
  if (p === "orderList/otoco") return 3;
  if (p === "batchOrders") {
    const b = call.params?.["batchOrders"];
    const list = typeof b === "string" ? (JSON.parse(b) as unknown) : b;
    return Array.isArray(list) ? list.length : 1;
  }
  return 0;
}

interface Counter {
  window: number;
  used: number;
}

/**
 * Client-side accounting of every Binance rate limiter: REQUEST_WEIGHT, RAW_REQUESTS and ORDERS, per
 * interval. Until exchangeInfo is loaded only the configured REQUEST_WEIGHT per minute applies;
 * `configure` installs the venue's `rateLimits`. Before each request `acquire` makes sure no limiter
 * would pass `limit * headroom`: it waits for the window to roll over, or, when that wait is longer
 * than `maxWaitMs` (a daily order limit), fails fast with RATE_LIMITED. The X-MBX-USED-WEIGHT-* and
 * X-MBX-ORDER-COUNT-* response headers are authoritative for their windows. A 429 blocks all
 * requests for Retry-After; a 418 (IP ban) makes every request fail fast with IP_BANNED until the
 * ban ends, without touching the network.
 */
export class WeightLimiter {
  private rules: RateLimitRule[];
  private readonly counters = new Map<string, Counter>();
  private blockedUntil = 0;
  private bannedUntil = 0;

  constructor(
    private readonly limitPerMinute: number,
    private readonly headroom: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly log: LogSink,
    private readonly venue: string,
    private readonly maxWaitMs = Number.POSITIVE_INFINITY,
  ) {
    this.rules = [{ type: "REQUEST_WEIGHT", intervalNum: 1, interval: "M", limit: limitPerMinute }];
  }

  /** The limits in force. */
  get limits(): readonly RateLimitRule[] {
    return this.rules;
  }

  /** REQUEST_WEIGHT used in the current minute. */
  get usedWeight(): number {
    return this.used("REQUEST_WEIGHT", 1, "M");
  }

  /** Usage counted in the current window of one limiter (0 when the window has rolled over). */
  used(type: RateLimitType, intervalNum: number, interval: IntervalLetter): number {
    const c = this.counters.get(keyOf(type, intervalNum, interval));
    return c && c.window === Math.floor(this.now() / (intervalNum * UNIT_MS[interval])) ? c.used : 0;
  }

  /**
   * Installs the venue's limits (exchangeInfo `rateLimits`). The configured weight per minute stays a
   * ceiling: a lower setting leaves room for other processes on the same IP.
   */
  configure(rules: readonly RateLimitRule[]): void {
    if (rules.length === 0) return;
    const next = rules.map((r) => (r.type === "REQUEST_WEIGHT" && r.intervalNum === 1 && r.interval === "M" ? { ...r, limit: Math.min(r.limit, this.limitPerMinute) } : { ...r }));
    if (!next.some((r) => r.type === "REQUEST_WEIGHT" && r.intervalNum === 1 && r.interval === "M")) next.push({ type: "REQUEST_WEIGHT", intervalNum: 1, interval: "M", limit: this.limitPerMinute });
    this.rules = next;
  }

  /** Ms until the IP ban lifts (0 when not banned). */
  banRemainingMs(): number {
    return Math.max(0, this.bannedUntil - this.now());
  }

  /** Reserves one request of `weight` (and the orders `call` places) under every limiter, waiting when needed. */
  async acquire(weight: number, call?: { method: string; path: string; params?: Record<string, unknown> }): Promise<void> {
    const orders = call ? ordersPlacedBy(call) : 0;
    for (;;) {
      const t = this.now();
      if (t < this.bannedUntil) {
        throw new VenueError("IP_BANNED", `${this.venue}: IP banned for another ${this.bannedUntil - t} ms (HTTP 418)`, {
          retryable: true,
          details: { venue: this.venue, retryAfterMs: this.bannedUntil - t, bannedUntil: this.bannedUntil },
        });
      }
      if (t < this.blockedUntil) {
        await this.sleep(this.blockedUntil - t);
        continue;
      }
      const wait = this.waitFor(t, weight, orders);
      if (wait === 0) return this.take(t, weight, orders);
      if (wait.ms > this.maxWaitMs) {
        throw new VenueError("RATE_LIMITED", `${this.venue}: ${wait.rule.type} limit ${wait.rule.limit}/${wait.rule.intervalNum}${wait.rule.interval} reached (${wait.used} used); next window in ${wait.ms} ms`, {
          retryable: true,
          details: { venue: this.venue, rateLimitType: wait.rule.type, interval: `${wait.rule.intervalNum}${wait.rule.interval}`, limit: wait.rule.limit, used: wait.used, retryAfterMs: wait.ms },
        });
      }
      this.log.warn({ venue: this.venue, rateLimitType: wait.rule.type, interval: `${wait.rule.intervalNum}${wait.rule.interval}`, used: wait.used, limit: wait.rule.limit, waitMs: wait.ms }, "rate limit budget reached, waiting for the next window");
      await this.sleep(wait.ms);
    }
  }

  private amount(rule: RateLimitRule, weight: number, orders: number): number {
    return rule.type === "REQUEST_WEIGHT" ? weight : rule.type === "ORDERS" ? orders : 1;
  }

  /** 0 when every limiter has room, else the longest wait and the limiter that needs it. */
  private waitFor(t: number, weight: number, orders: number): 0 | { ms: number; rule: RateLimitRule; used: number } {
    let worst: 0 | { ms: number; rule: RateLimitRule; used: number } = 0;
    for (const rule of this.rules) {
      const need = this.amount(rule, weight, orders);
      if (need === 0) continue;
      const budget = Math.max(1, Math.floor(rule.limit * this.headroom));
      const used = this.used(rule.type, rule.intervalNum, rule.interval);
      if (used + need <= budget || need > budget) continue; // a request larger than the budget is sent on an empty window
      const len = rule.intervalNum * UNIT_MS[rule.interval];
      const ms = (Math.floor(t / len) + 1) * len - t + 1;
      if (worst === 0 || ms > worst.ms) worst = { ms, rule, used };
    }
    return worst;
  }

  private take(t: number, weight: number, orders: number): void {
    for (const rule of this.rules) {
      const need = this.amount(rule, weight, orders);
      if (need > 0) this.add(rule.type, rule.intervalNum, rule.interval, t, need);
    }
  }

  private add(type: RateLimitType, num: number, letter: IntervalLetter, t: number, n: number): void {
    const key = keyOf(type, num, letter);
    const w = Math.floor(t / (num * UNIT_MS[letter]));
    const c = this.counters.get(key);
    if (c && c.window === w) c.used += n;
    else this.counters.set(key, { window: w, used: n });
  }

  /**
   * Reads every X-MBX-USED-WEIGHT-(n)(l) and X-MBX-ORDER-COUNT-(n)(l) header. Weight never goes down
   * within a window, so the larger of ours and the venue's count is kept (requests in flight are not
   * in the venue's number yet). The order count is the venue's unfilled order count, which fills
   * decrement (faqs/order_count_decrement.md), so it replaces ours.
   */
  onHeaders(headers: Record<string, string>): void {
    const t = this.now();
    for (const [name, value] of Object.entries(headers)) {
      const m = HEADER.exec(name);
      if (!m) continue;
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) continue;
      const type: RateLimitType = m[1]!.toLowerCase() === "used-weight" ? "REQUEST_WEIGHT" : "ORDERS";
      const num = Number(m[2]);
      const letter = m[3]!.toUpperCase() as IntervalLetter;
      if (num <= 0) continue;
      const key = keyOf(type, num, letter);
      const w = Math.floor(t / (num * UNIT_MS[letter]));
      const c = this.counters.get(key);
      if (!c || c.window !== w) this.counters.set(key, { window: w, used: n });
      else c.used = type === "REQUEST_WEIGHT" ? Math.max(n, c.used) : n;
    }
  }

  /** HTTP 429: no request until `ms` from now. */
  block(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }

  /** HTTP 418: banned for `ms`. */
  ban(ms: number): void {
    this.bannedUntil = Math.max(this.bannedUntil, this.now() + ms);
  }
}
