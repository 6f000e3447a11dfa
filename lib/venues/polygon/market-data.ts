import type { Bar, Timeframe } from "../../core/bar";
import { timeframeMs } from "../../core/bar";
import type { Clock } from "../../core/clock";
import { TradelabError, VenueError } from "../../core/errors";
import type { BarSubscriptionHandlers, HistoryRequest, MarketDataPort, Subscription } from "../../core/ports/market-data.port";
import type { LogSink } from "../../infra/http/logger";
import type { PolygonConfig } from "./config";
import type { PolygonHttp } from "./http";
import { parseAgg, parseMinuteAgg } from "./parse";
import type { RawMinuteAgg } from "./schemas";
import { PolygonAggStream } from "./ws";

const DAY_MS = 86_400_000;

export interface PolygonMarketDataDeps {
  clock: Clock;
  logger: LogSink;
  random?: () => number;
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Polygon market data (data only): paged aggregates history and live minute aggregates (AM) from
 * the stocks WebSocket. After a dropped connection the stream re-authenticates and re-subscribes,
 * the missed minutes come from REST, and only then do live bars flow again; a per-symbol high-water
 * mark drops duplicates, so no bar is missed or emitted twice.
 */
export class PolygonMarketData implements MarketDataPort {
  constructor(
    readonly venue: string,
    private readonly cfg: PolygonConfig,
    private readonly http: PolygonHttp,
    private readonly deps: PolygonMarketDataDeps,
  ) {}

  /** Closed bars in [from, to), ascending. Daily bars are keyed to 00:00 UTC of their session date. */
  async history(req: HistoryRequest): Promise<Bar[]> {
    const { symbol, timeframe: tf, from, to } = req;
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new TradelabError("INVALID_ARGUMENT", `polygon history: from/to must be finite ms, got ${from}..${to}`);
    const now = this.deps.clock.now();
    // Daily aggregates are stamped at midnight New York: widen by a day and filter on the session date.
    const start = tf === "1d" ? from - DAY_MS : from;
    const end = Math.min(tf === "1d" ? to + DAY_MS : to, now) - 1;
    if (end < start) return [];
    const raw = await this.http.aggs(symbol, tf, start, end);
    const closedBefore = now - timeframeMs(tf);
    const out: Bar[] = [];
    for (const r of raw) {
      const b = parseAgg(r, tf, symbol);
      if (b.ts < from || b.ts >= to || b.ts > closedBefore) continue;
      const prev = out[out.length - 1];
      if (prev && b.ts <= prev.ts) {
        throw new VenueError("PARSE_ERROR", `polygon aggs ${symbol} ${tf}: time goes backwards or repeats at ${new Date(b.ts).toISOString()}`, {
          details: { venue: "polygon", symbol, ts: b.ts, prevTs: prev.ts },
        });
      }
      out.push(b);
    }
    return out;
  }

  /** Live 1m bars from the AM channel (Polygon's stocks stream aggregates per minute and per second only). */
  async subscribeBars(symbols: readonly string[], timeframe: Timeframe, handlers: BarSubscriptionHandlers): Promise<Subscription> {
    if (timeframe !== "1m") {
      throw new TradelabError("INVALID_ARGUMENT", `polygon streams 1m bars (AM) only, got ${timeframe}; subscribe to 1m and resample, or poll history()`, {
        details: { venue: this.venue, timeframe },
      });
    }
    if (symbols.length === 0) throw new TradelabError("INVALID_ARGUMENT", "polygon subscribeBars: no symbols given");
    const feed = new MinuteFeed(this.venue, symbols, handlers, this.deps, (s, from, to) => this.history({ symbol: s, timeframe: "1m", from, to }));
    const stream = new PolygonAggStream(this.cfg, symbols, (raw) => feed.live(raw), feed, { logger: this.deps.logger, ...(this.deps.random ? { random: this.deps.random } : {}) });
    await stream.start();
    return { close: () => stream.close() };
  }
}

/**
 * Orders live minute bars and REST backfill into one gap-free, duplicate-free sequence per symbol.
 * While a backfill runs, live events wait in a queue.
 */
class MinuteFeed {
  private static readonly TF = 60_000;
  private readonly last = new Map<string, number>();
  private queue: RawMinuteAgg[] | null = null;

  constructor(
    private readonly venue: string,
    private readonly symbols: readonly string[],
    private readonly handlers: BarSubscriptionHandlers,
    private readonly deps: PolygonMarketDataDeps,
    private readonly backfill: (symbol: string, from: number, to: number) => Promise<Bar[]>,
  ) {
    const lastClosed = Math.floor(deps.clock.now() / MinuteFeed.TF) * MinuteFeed.TF - MinuteFeed.TF;
    for (const s of symbols) this.last.set(s, lastClosed);
  }

  live(raw: RawMinuteAgg): void {
    if (this.queue) this.queue.push(raw);
    else this.emitRaw(raw);
  }

  onReady(info: { reconnect: boolean }): void {
    if (!info.reconnect) {
      this.handlers.onConnection?.({ type: "connection", state: "connected" });
      return;
    }
    const gapFrom = this.gapFrom();
    this.handlers.onConnection?.({ type: "connection", state: "reconnected", gapFrom });
    void this.fillGap();
  }

  onDisconnect(reason: string): void {
    this.handlers.onConnection?.({ type: "connection", state: "disconnected", gapFrom: this.gapFrom(), reason });
  }

  onError(e: Error): void {
    this.deps.logger.warn({ venue: this.venue, code: (e as { code?: string }).code, err: e.message }, "polygon stream error");
    this.handlers.onError?.(e);
  }

  private gapFrom(): number {
    return Math.min(...this.symbols.map((s) => this.last.get(s)!)) + MinuteFeed.TF;
  }

  private async fillGap(): Promise<void> {
    this.queue ??= [];
    const to = Math.floor(this.deps.clock.now() / MinuteFeed.TF) * MinuteFeed.TF;
    for (const s of this.symbols) {
      try {
        for (const b of await this.backfill(s, this.last.get(s)! + MinuteFeed.TF, to)) this.emit(s, b);
      } catch (e) {
        this.onError(toError(e));
      }
    }
    const queued = this.queue ?? [];
    this.queue = null;
    for (const raw of queued) this.emitRaw(raw);
  }

  private emitRaw(raw: RawMinuteAgg): void {
    if (!this.last.has(raw.sym)) return;
    try {
      this.emit(raw.sym, parseMinuteAgg(raw));
    } catch (e) {
      this.onError(toError(e));
    }
  }

  private emit(symbol: string, bar: Bar): void {
    if (bar.ts <= (this.last.get(symbol) ?? -Infinity)) return; // already delivered
    this.last.set(symbol, bar.ts);
    this.handlers.onBar({ type: "bar", venue: this.venue, symbol, timeframe: "1m", bar });
  }
}
