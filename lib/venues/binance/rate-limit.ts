import { VenueError } from "../../core/errors";
import type { LogSink } from "../../infra/http/logger";

const MINUTE = 60_000;

/**
 * Client-side REQUEST_WEIGHT accounting. The venue reports the weight used in the current minute in
 * X-MBX-USED-WEIGHT-1M; before each request the limiter makes sure `used + weight` stays under
 * `limit * headroom`, else waits for the next minute. A 429 blocks all requests for Retry-After; a 418
 * (IP ban) makes every request fail fast with IP_BANNED until the ban ends, without touching the network.
 */
export class WeightLimiter {
  private used = 0;
  private minute = -1;
  private blockedUntil = 0;
  private bannedUntil = 0;

  constructor(
    private readonly limitPerMinute: number,
    private readonly headroom: number,
    private readonly now: () => number,
    private readonly sleep: (ms: number) => Promise<void>,
    private readonly log: LogSink,
    private readonly venue: string,
  ) {}

  get usedWeight(): number {
    return this.used;
  }

  /** Ms until the IP ban lifts (0 when not banned). */
  banRemainingMs(): number {
    return Math.max(0, this.bannedUntil - this.now());
  }

  async acquire(weight: number): Promise<void> {
    const budget = Math.floor(this.limitPerMinute * this.headroom);
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
      const m = Math.floor(t / MINUTE);
      if (m !== this.minute) {
        this.minute = m;
        this.used = 0;
      }
      if (this.used + weight > budget && weight <= budget) {
        const wait = (m + 1) * MINUTE - t + 1;
        this.log.warn({ venue: this.venue, usedWeight: this.used, weight, budget, waitMs: wait }, "request weight budget reached, waiting for the next minute");
        await this.sleep(wait);
        continue;
      }
      this.used += weight;
      return;
    }
  }

  /** Reads X-MBX-USED-WEIGHT-1M (authoritative for the current minute). */
  onHeaders(headers: Record<string, string>): void {
    const v = headers["x-mbx-used-weight-1m"];
    if (v === undefined) return;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) return;
    const m = Math.floor(this.now() / MINUTE);
    if (m !== this.minute) {
      this.minute = m;
      this.used = n;
    } else {
      this.used = Math.max(n, this.used);
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
