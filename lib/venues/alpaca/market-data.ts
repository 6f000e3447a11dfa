import type { Bar, Timeframe } from "../../core/bar";
import { timeframeMs } from "../../core/bar";
import type { Clock } from "../../core/clock";
import { TradelabError, VenueError } from "../../core/errors";
import type { BarEvent } from "../../core/events";
import type { BarSubscriptionHandlers, HistoryRequest, MarketDataPort, Subscription } from "../../core/ports/market-data.port";
import type { LogSink } from "../../infra/http/logger";
import type { AlpacaConfig } from "./config";
import type { AlpacaHttp } from "./http";
import { alpacaTimeframe, msToRfc3339, parseBar } from "./parse";
import type { RawBar, RawStreamBar } from "./schemas";
import { AlpacaDataStream } from "./ws";

const DAY_MS = 86_400_000;

export interface AlpacaMarketDataDeps {
  clock: Clock;
  logger: LogSink;
  random?: () => number;
}

function toError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}

/**
 * Alpaca market data: paged REST history (/v2/stocks/{symbol}/bars and the multi-symbol form) and
 * live minute bars from the stock data stream. After a dropped connection the stream is
 * re-authenticated and re-subscribed, the missed minutes are fetched over REST, and only then do
 * live bars flow again; a per-symbol high-water mark drops duplicates, so no bar is missed or
 * emitted twice.
 */
export class AlpacaMarketData implements MarketDataPort {
  constructor(
    readonly venue: string,
    private readonly cfg: AlpacaConfig,
    private readonly http: AlpacaHttp,
    private readonly deps: AlpacaMarketDataDeps,
  ) {}

  /** Closed bars in [from, to), ascending. Daily bars are keyed to 00:00 UTC of their session date. */
  async history(req: HistoryRequest): Promise<Bar[]> {
    const q = this.rangeQuery(req.timeframe, req.from, req.to);
    if (!q) return [];
    const raw = await this.http.bars(req.symbol, q);
    return this.toBars(raw, req.symbol, req.timeframe, req.from, req.to);
  }

  /** The same over several symbols in one paged request (used for stream backfill). */
  async historyMulti(symbols: readonly string[], timeframe: Timeframe, from: number, to: number): Promise<Map<string, Bar[]>> {
    const out = new Map<string, Bar[]>();
    const q = this.rangeQuery(timeframe, from, to);
    if (!q || symbols.length === 0) return out;
    const raw = await this.http.barsMulti(symbols, q);
    for (const s of symbols) out.set(s, this.toBars(raw.get(s) ?? [], s, timeframe, from, to));
    return out;
  }

  /** Live 1m bars from the stock data stream (Alpaca streams minute bars only). */
  async subscribeBars(symbols: readonly string[], timeframe: Timeframe, handlers: BarSubscriptionHandlers): Promise<Subscription> {
    if (timeframe !== "1m") {
      throw new TradelabError("INVALID_ARGUMENT", `alpaca streams 1m bars only, got ${timeframe}; subscribe to 1m and resample, or poll history()`, {
        details: { venue: this.venue, timeframe },
      });
    }
    if (symbols.length === 0) throw new TradelabError("INVALID_ARGUMENT", "alpaca subscribeBars: no symbols given");
    const feed = new GapFillingFeed(this.venue, symbols, timeframe, handlers, this.deps, (syms, from, to) => this.historyMulti(syms, timeframe, from, to));
    const stream = new AlpacaDataStream(this.cfg, symbols, (raw) => feed.live(raw), feed, { logger: this.deps.logger, ...(this.deps.random ? { random: this.deps.random } : {}) });
    await stream.start();
    return { close: () => stream.close() };
  }

  private rangeQuery(tf: Timeframe, from: number, to: number): { timeframe: string; start: string; end: string } | null {
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new TradelabError("INVALID_ARGUMENT", `alpaca history: from/to must be finite ms, got ${from}..${to}`);
    const now = this.deps.clock.now();
    // Daily bars are stamped at midnight New York: widen by a day and filter on the session date.
    const start = tf === "1d" ? from - DAY_MS : from;
    const end = Math.min(tf === "1d" ? to + DAY_MS : to, now) - 1;
    if (end < start) return null;
    return { timeframe: alpacaTimeframe(tf), start: msToRfc3339(start), end: msToRfc3339(end) };
  }

  private toBars(raw: readonly RawBar[], symbol: string, tf: Timeframe, from: number, to: number): Bar[] {
    const closedBefore = this.deps.clock.now() - timeframeMs(tf);
    const out: Bar[] = [];
    for (const r of raw) {
      const b = parseBar(r, tf, symbol);
      if (b.ts < from || b.ts >= to || b.ts > closedBefore) continue;
      const prev = out[out.length - 1];
      if (prev && b.ts <= prev.ts) {
        throw new VenueError("PARSE_ERROR", `alpaca bars ${symbol} ${tf}: time goes backwards or repeats at ${new Date(b.ts).toISOString()}`, {
          details: { venue: "alpaca", symbol, ts: b.ts, prevTs: prev.ts },
        });
      }
      out.push(b);
    }
    return out;
  }
}

type Backfill = (symbols: readonly string[], from: number, to: number) => Promise<Map<string, Bar[]>>;

/**
 * Orders live bars and REST backfill into one gap-free, duplicate-free sequence per symbol. While a
 * backfill runs, live bars wait in a queue; each symbol's last emitted ts is the high-water mark.
 */
class GapFillingFeed {
  private readonly last = new Map<string, number>();
  private readonly tfMs: number;
  private queue: RawStreamBar[] | null = null;

  constructor(
    private readonly venue: string,
    private readonly symbols: readonly string[],
    private readonly timeframe: Timeframe,
    private readonly handlers: BarSubscriptionHandlers,
    private readonly deps: AlpacaMarketDataDeps,
    private readonly backfill: Backfill,
  ) {
    this.tfMs = timeframeMs(timeframe);
    // The last bar closed when the subscription starts: anything after it belongs to this feed.
    const lastClosed = Math.floor(deps.clock.now() / this.tfMs) * this.tfMs - this.tfMs;
    for (const s of symbols) this.last.set(s, lastClosed);
  }

  live(raw: RawStreamBar): void {
    if (this.queue) {
      this.queue.push(raw);
      return;
    }
    this.emitRaw(raw);
  }

  onReady(info: { reconnect: boolean }): void {
    if (!info.reconnect) {
      this.handlers.onConnection?.({ type: "connection", state: "connected" });
      return;
    }
    const gapFrom = Math.min(...this.symbols.map((s) => this.last.get(s)!)) + this.tfMs;
    this.handlers.onConnection?.({ type: "connection", state: "reconnected", gapFrom });
    void this.fillGap(gapFrom);
  }

  onDisconnect(reason: string): void {
    const gapFrom = Math.min(...this.symbols.map((s) => this.last.get(s)!)) + this.tfMs;
    this.handlers.onConnection?.({ type: "connection", state: "disconnected", gapFrom, reason });
  }

  onError(e: Error): void {
    this.deps.logger.warn({ venue: this.venue, code: (e as { code?: string }).code, err: e.message }, "alpaca data stream error");
    this.handlers.onError?.(e);
  }

  private async fillGap(gapFrom: number): Promise<void> {
    this.queue ??= [];
    try {
      const to = Math.floor(this.deps.clock.now() / this.tfMs) * this.tfMs;
      const got = await this.backfill(this.symbols, gapFrom, to);
      for (const s of this.symbols) for (const b of got.get(s) ?? []) this.emit(s, b);
      this.deps.logger.info({ venue: this.venue, from: gapFrom, to, bars: [...got.values()].reduce((n, l) => n + l.length, 0) }, "alpaca stream gap backfilled");
    } catch (e) {
      this.onError(toError(e));
    } finally {
      const queued = this.queue ?? [];
      this.queue = null;
      for (const raw of queued) this.emitRaw(raw);
    }
  }

  private emitRaw(raw: RawStreamBar): void {
    if (!this.last.has(raw.S)) return; // a symbol we did not ask for (e.g. a "*" subscription elsewhere)
    try {
      this.emit(raw.S, parseBar(raw, this.timeframe, raw.S));
    } catch (e) {
      this.onError(toError(e));
    }
  }

  private emit(symbol: string, bar: Bar): void {
    const last = this.last.get(symbol) ?? -Infinity;
    if (bar.ts <= last) return; // already delivered (backfill overlap or a replayed frame)
    this.last.set(symbol, bar.ts);
    const e: BarEvent = { type: "bar", venue: this.venue, symbol, timeframe: this.timeframe, bar };
    this.handlers.onBar(e);
  }
}
