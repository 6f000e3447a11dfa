import type { Clock } from "../../core/clock";
import type { LogSink } from "../../infra/http/logger";

/**
 * Tracks the offset between the venue's clock and ours. A measurement takes the midpoint of the
 * request's round trip: offset = serverTime - (sent + received) / 2. Signed requests are stamped with
 * local time + offset, so a drifting local clock does not trip recvWindow.
 */
export class TimeSync {
  private offset = 0;
  private lastSync = Number.NEGATIVE_INFINITY;
  private lastRtt = 0;
  private inflight: Promise<void> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly fetchServerTime: () => Promise<number>,
    private readonly intervalMs: number,
    private readonly log: LogSink,
    private readonly venue: string,
  ) {}

  /** Estimated venue time, ms. */
  now(): number {
    return this.clock.now() + this.offset;
  }

  /** Venue time minus local time, ms (positive: the venue is ahead). */
  get offsetMs(): number {
    return this.offset;
  }

  get roundTripMs(): number {
    return this.lastRtt;
  }

  get synced(): boolean {
    return Number.isFinite(this.lastSync);
  }

  /** Measures the offset now (concurrent callers share one request). */
  sync(): Promise<void> {
    if (!this.inflight) {
      this.inflight = this.measure().finally(() => {
        this.inflight = undefined;
      });
    }
    return this.inflight;
  }

  /** Syncs when never synced or when the last measurement is older than the interval. */
  async ensureFresh(): Promise<void> {
    const stale = !this.synced || (this.intervalMs > 0 && this.clock.now() - this.lastSync > this.intervalMs);
    if (stale) await this.sync();
  }

  private async measure(): Promise<void> {
    const t0 = this.clock.now();
    const server = await this.fetchServerTime();
    const t1 = this.clock.now();
    const previous = this.offset;
    this.offset = Math.round(server - (t0 + t1) / 2);
    this.lastRtt = t1 - t0;
    this.lastSync = t1;
    this.log.info({ venue: this.venue, offsetMs: this.offset, changeMs: this.offset - previous, rttMs: this.lastRtt }, "venue clock offset measured");
  }
}
