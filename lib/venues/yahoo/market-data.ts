import type { Bar, Timeframe } from "../../core/bar";
import { timeframeMs } from "../../core/bar";
import type { Clock } from "../../core/clock";
import { TradelabError } from "../../core/errors";
import type { BarSubscriptionHandlers, HistoryRequest, MarketDataPort, Subscription } from "../../core/ports/market-data.port";
import type { LogSink } from "../../infra/http/logger";
import type { YahooConfig } from "./config";
import type { YahooHttp } from "./http";
import { parseChart, yahooInterval, yahooWindowMs } from "./parse";

const DAY_MS = 86_400_000;

export interface YahooMarketDataDeps {
  clock: Clock;
  logger: LogSink;
}

/**
 * Yahoo Finance chart v8 as market data: indices (^GSPC, ^VIX), rates (^TNX), FX (EURUSD=X),
 * futures and equities, daily and intraday. Yahoo has no bar stream; subscribeBars polls history
 * for newly closed bars every `pollIntervalMs` (capabilities: streamingBars by polling).
 */
export class YahooMarketData implements MarketDataPort {
  constructor(
    readonly venue: string,
    private readonly cfg: YahooConfig,
    private readonly http: YahooHttp,
    private readonly deps: YahooMarketDataDeps,
  ) {}

  /** Closed bars in [from, to), ascending, fetched in windows Yahoo accepts for the interval. */
  async history(req: HistoryRequest): Promise<Bar[]> {
    const { symbol, timeframe: tf, from, to } = req;
    yahooInterval(tf);
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new TradelabError("INVALID_ARGUMENT", `yahoo history: from/to must be finite ms, got ${from}..${to}`);
    const now = this.deps.clock.now();
    // Daily rows are stamped at the session open in exchange time: widen by a day, filter on the date key.
    const start = tf === "1d" ? from - DAY_MS : from;
    const end = Math.min(tf === "1d" ? to + DAY_MS : to, now);
    const closedBefore = now - timeframeMs(tf);
    const byTs = new Map<number, Bar>();
    const span = yahooWindowMs(tf);
    for (let a = start; a < end; a += span) {
      const rows = parseChart(await this.http.chart(symbol, tf, a, Math.min(a + span, end)), tf, { repairHighLow: this.cfg.repairHighLow });
      if (rows.skippedNull || rows.skippedLive || rows.repaired) {
        this.deps.logger.debug({ venue: this.venue, symbol, timeframe: tf, skippedNull: rows.skippedNull, skippedLive: rows.skippedLive, repaired: rows.repaired }, "yahoo rows skipped or repaired");
      }
      for (const b of rows.bars) if (b.ts >= from && b.ts < to && b.ts <= closedBefore) byTs.set(b.ts, b);
    }
    return [...byTs.values()].sort((x, y) => x.ts - y.ts);
  }

  /** Newly closed bars by polling history (Yahoo has no bar stream). */
  async subscribeBars(symbols: readonly string[], timeframe: Timeframe, handlers: BarSubscriptionHandlers): Promise<Subscription> {
    yahooInterval(timeframe);
    if (symbols.length === 0) throw new TradelabError("INVALID_ARGUMENT", "yahoo subscribeBars: no symbols given");
    const poller = new BarPoller(this.venue, symbols, timeframe, handlers, this.cfg.pollIntervalMs, this.deps, (req) => this.history(req));
    await poller.start();
    return poller;
  }
}

/**
 * Polls history for each symbol from its last emitted bar on. Polls never overlap; a failed poll
 * is reported (a retryable one as a "disconnected" connection event) and the next poll resumes from
 * the same point, so nothing is skipped or emitted twice.
 */
class BarPoller implements Subscription {
  private readonly last = new Map<string, number>();
  private readonly tfMs: number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private down = false;

  constructor(
    private readonly venue: string,
    private readonly symbols: readonly string[],
    private readonly timeframe: Timeframe,
    private readonly handlers: BarSubscriptionHandlers,
    private readonly intervalMs: number,
    private readonly deps: YahooMarketDataDeps,
    private readonly history: (req: HistoryRequest) => Promise<Bar[]>,
  ) {
    this.tfMs = timeframeMs(timeframe);
    const lastClosed = Math.floor(deps.clock.now() / this.tfMs) * this.tfMs - this.tfMs;
    for (const s of symbols) this.last.set(s, lastClosed);
  }

  async start(): Promise<void> {
    this.handlers.onConnection?.({ type: "connection", state: "connected" });
    this.schedule();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.running = this.poll().finally(() => this.schedule());
    }, this.intervalMs);
  }

  private async poll(): Promise<void> {
    const to = this.deps.clock.now();
    for (const symbol of this.symbols) {
      if (this.closed) return;
      const from = this.last.get(symbol)! + this.tfMs;
      if (from + this.tfMs > to) continue; // nothing can have closed yet
      try {
        const bars = await this.history({ symbol, timeframe: this.timeframe, from, to });
        this.recovered();
        for (const bar of bars) this.emit(symbol, bar);
      } catch (e) {
        this.failed(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  private emit(symbol: string, bar: Bar): void {
    if (bar.ts <= this.last.get(symbol)!) return;
    this.last.set(symbol, bar.ts);
    this.handlers.onBar({ type: "bar", venue: this.venue, symbol, timeframe: this.timeframe, bar });
  }

  private failed(e: Error): void {
    this.deps.logger.warn({ venue: this.venue, code: (e as { code?: string }).code, err: e.message }, "yahoo poll failed");
    if ((e as { retryable?: boolean }).retryable && !this.down) {
      this.down = true;
      this.handlers.onConnection?.({ type: "connection", state: "disconnected", gapFrom: this.gapFrom(), reason: e.message });
    }
    this.handlers.onError?.(e);
  }

  private recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.handlers.onConnection?.({ type: "connection", state: "reconnected", gapFrom: this.gapFrom() });
  }

  private gapFrom(): number {
    return Math.min(...this.symbols.map((s) => this.last.get(s)!)) + this.tfMs;
  }
}
