/** One entry of a WebSocket API response's `rateLimits` array (web-socket-api.md "Rate limits"). */
export interface RateLimitStatus {
  rateLimitType: "REQUEST_WEIGHT" | "ORDERS";
  interval: "SECOND" | "MINUTE" | "DAY";
  intervalNum: number;
  limit: number;
  count: number;
}

interface Window {
  rateLimitType: RateLimitStatus["rateLimitType"];
  interval: RateLimitStatus["interval"];
  intervalNum: number;
  limit: number;
  ms: number;
  start: number;
  count: number;
}

const window = (rateLimitType: Window["rateLimitType"], interval: Window["interval"], intervalNum: number, limit: number, unitMs: number): Window => ({
  rateLimitType,
  interval,
  intervalNum,
  limit,
  ms: intervalNum * unitMs,
  start: -1,
  count: 0,
});

/**
 * Request weight and order counts of the WebSocket API, shared by every connection (Binance counts
 * them per IP and per account; here both are the one local client). Intervals are fixed wall-clock
 * windows as documented: a 1 MINUTE window starts every minute, 10 SECOND at :00, :10, ..., 1 DAY at
 * 00:00 UTC. The limits are the ones exchangeInfo publishes. Counts are reported, not enforced.
 */
export class WsApiRateLimits {
  private readonly weight = window("REQUEST_WEIGHT", "MINUTE", 1, 6000, 60_000);
  private readonly orders10s = window("ORDERS", "SECOND", 10, 100, 1000);
  private readonly ordersDay = window("ORDERS", "DAY", 1, 200_000, 86_400_000);

  constructor(private readonly wallNow: () => number) {}

  private roll(w: Window): Window {
    const start = Math.floor(this.wallNow() / w.ms) * w.ms;
    if (start !== w.start) [w.start, w.count] = [start, 0];
    return w;
  }

  addWeight(n: number): void {
    this.roll(this.weight).count += n;
  }

  addOrder(): void {
    this.roll(this.orders10s).count++;
    this.roll(this.ordersDay).count++;
  }

  /** The limits a request touched: ORDERS (10 s, 1 day) for order placement, then REQUEST_WEIGHT. */
  status(orders: boolean): RateLimitStatus[] {
    const ws = orders ? [this.orders10s, this.ordersDay, this.weight] : [this.weight];
    return ws.map((w) => {
      const { rateLimitType, interval, intervalNum, limit, count } = this.roll(w);
      return { rateLimitType, interval, intervalNum, limit, count };
    });
  }
}
