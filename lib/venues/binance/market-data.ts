import { timeframeMs, type Bar, type Timeframe } from "../../core/bar";
import { DataError, TradelabError } from "../../core/errors";
import type { BarSubscriptionHandlers, HistoryRequest, MarketDataPort, Subscription } from "../../core/ports/market-data.port";
import type { VenueDeps } from "../capabilities";
import type { BinanceRest } from "./http";
import { KlineFeed } from "./kline-feed";
import { barFromKlineRow, decode, intervalOf } from "./parse";
import { klinesSchema } from "./schemas";

/** REST kline weight: spot 2 for any limit; USD-M by limit (1 below 100, 2 below 500, 5 up to 1000, else 10). */
function klineWeight(product: "spot" | "usdm", limit: number): number {
  if (product === "spot") return 2;
  return limit < 100 ? 1 : limit < 500 ? 2 : limit <= 1000 ? 5 : 10;
}

/** Klines over REST (paged history) and WebSocket (closed bars, with reconnect backfill). */
export class BinanceMarketData implements MarketDataPort {
  readonly venue: string;

  constructor(
    private readonly rest: BinanceRest,
    private readonly deps: VenueDeps,
  ) {
    this.venue = rest.cfg.venue;
  }

  /**
   * Closed bars with open time in [from, to), ascending, fetched in pages of klinePageLimit. A bar
   * still open at the venue's current time is left out; `closedBefore` (a bar open time known to be
   * closed, e.g. from the stream) overrides the clock for bars before it.
   */
  async history(req: HistoryRequest, opts: { closedBefore?: number } = {}): Promise<Bar[]> {
    const { symbol, timeframe, from, to } = req;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from >= to) {
      throw new TradelabError("INVALID_ARGUMENT", `${this.venue} history ${symbol}: need integer ms from < to, got [${from}, ${to})`, { details: { symbol, from, to } });
    }
    const tf = timeframeMs(timeframe);
    const limit = this.rest.cfg.klinePageLimit;
    const path = this.rest.cfg.product === "spot" ? "/api/v3/klines" : "/fapi/v1/klines";
    await this.rest.timeSync.ensureFresh();
    const serverNow = this.rest.timeSync.now();
    const out: Bar[] = [];
    for (let start = from; start < to; ) {
      const body = await this.rest.call({
        method: "GET",
        path,
        params: { symbol, interval: intervalOf(timeframe), startTime: start, endTime: to - 1, limit },
        security: "NONE",
        weight: klineWeight(this.rest.cfg.product, limit),
        resendOnUnknown: true,
        label: "klines",
      });
      const rows = decode(klinesSchema, body, `klines ${symbol} ${timeframe}`);
      for (const row of rows) {
        const { bar, closeTime } = barFromKlineRow(row);
        const closed = closeTime < serverNow || (opts.closedBefore !== undefined && bar.ts < opts.closedBefore);
        if (bar.ts < from || bar.ts >= to || !closed) continue;
        const prev = out[out.length - 1];
        if (prev && bar.ts <= prev.ts) {
          throw new DataError(`${this.venue} klines ${symbol} ${timeframe}: open time ${bar.ts} not after ${prev.ts}`, { venue: this.venue, symbol, ts: bar.ts, previousTs: prev.ts });
        }
        out.push(bar);
      }
      const lastRow = rows[rows.length - 1];
      if (!lastRow || rows.length < limit) break;
      start = lastRow[0] + tf;
    }
    return out;
  }

  /**
   * Streams closed klines (`x: true`) for the symbols. After a reconnect, or when a bar arrives with a
   * gap before it, the missing bars are fetched over REST and emitted first, in order; duplicates and
   * bars older than the last emitted one are dropped. Malformed frames go to onError and the stream
   * continues. `opts.lastBarTs` (open time of the last bar the caller already has, per symbol or for
   * all) makes the feed backfill from there on connect, so warm-up history and the stream join
   * without a gap.
   */
  async subscribeBars(symbols: readonly string[], timeframe: Timeframe, handlers: BarSubscriptionHandlers, opts: { lastBarTs?: number | Readonly<Record<string, number>> } = {}): Promise<Subscription> {
    const feed = new KlineFeed(this.rest, this.deps, symbols, timeframe, handlers, (req, closedBefore) => this.history(req, { closedBefore }), opts.lastBarTs);
    await feed.start();
    return feed;
  }
}
