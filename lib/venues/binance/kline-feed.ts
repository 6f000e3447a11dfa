import { barProblem, timeframeMs, type Bar, type Timeframe } from "../../core/bar";
import { TradelabError, VenueError } from "../../core/errors";
import type { BarSubscriptionHandlers, HistoryRequest, Subscription } from "../../core/ports/market-data.port";
import type { ReconnectingWebSocket } from "../../infra/ws/reconnecting-ws";
import type { VenueDeps } from "../capabilities";
import type { BinanceRest } from "./http";
import { barFromWsKline, decode, rawText } from "./parse";
import { wsKlineSchema } from "./schemas";
import { combinedStreamUrl, eventType, isControlReply, klineStreamName, openBinanceSocket, parseFrame, unwrapMarketFrame } from "./ws";

/**
 * One kline subscription. Frames are handled strictly in arrival order through a promise chain, so a
 * REST backfill finishes before any later live bar is emitted. A serverShutdown event and the
 * connection's planned maximum age (wsMaxConnectionAgeMs, before Binance's 24 h cut) reconnect at
 * once; bars closed in between are backfilled.
 */
export class KlineFeed implements Subscription {
  private readonly last = new Map<string, number>();
  private readonly wanted: Set<string>;
  private readonly tfMs: number;
  private readonly socket: ReconnectingWebSocket;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly rest: BinanceRest,
    private readonly deps: VenueDeps,
    symbols: readonly string[],
    private readonly timeframe: Timeframe,
    private readonly handlers: BarSubscriptionHandlers,
    private readonly history: (req: HistoryRequest, closedBefore?: number) => Promise<Bar[]>,
    lastBarTs?: number | Readonly<Record<string, number>>,
  ) {
    if (symbols.length === 0) throw new TradelabError("INVALID_ARGUMENT", `${rest.cfg.venue}: subscribeBars needs at least one symbol`);
    this.wanted = new Set(symbols);
    this.tfMs = timeframeMs(timeframe);
    for (const s of symbols) {
      const ts = typeof lastBarTs === "number" ? lastBarTs : lastBarTs?.[s];
      if (ts !== undefined) this.last.set(s, ts);
    }
    const url = combinedStreamUrl(rest.cfg.wsBaseUrl, symbols.map((s) => klineStreamName(s, timeframe)));
    this.socket = openBinanceSocket(
      rest.cfg,
      deps,
      `klines_${timeframe}`,
      url,
      {
        onMessage: (text) => this.onMessage(text),
        onOpen: (i) => this.onOpen(i.reconnect),
        onClose: (i) => this.handlers.onConnection?.({ type: "connection", state: "disconnected", gapFrom: this.gapFrom(), reason: `code ${i.code}` }),
        onError: (e) => this.deps.logger.warn({ venue: rest.cfg.venue, err: e.message }, "kline stream socket error"),
      },
      () => rest.secretValues(),
    );
  }

  start(): Promise<void> {
    return this.socket.start();
  }

  async close(): Promise<void> {
    await this.socket.close();
    await this.chain;
  }

  private gapFrom(): number | undefined {
    let g: number | undefined;
    for (const ts of this.last.values()) g = g === undefined ? ts + this.tfMs : Math.min(g, ts + this.tfMs);
    return g;
  }

  private enqueue(task: () => Promise<void> | void): void {
    this.chain = this.chain.then(task).catch((e: unknown) => this.report(e));
  }

  private report(e: unknown): void {
    const err = e instanceof Error ? e : new Error(String(e));
    if (this.handlers.onError) this.handlers.onError(err);
    else this.deps.logger.error({ venue: this.rest.cfg.venue, err: err.message }, "kline stream error");
  }

  private onOpen(reconnect: boolean): void {
    if (!reconnect) this.handlers.onConnection?.({ type: "connection", state: "connected" });
    else this.handlers.onConnection?.({ type: "connection", state: "reconnected", gapFrom: this.gapFrom() });
    if (this.last.size === 0) return;
    this.enqueue(async () => {
      // Bars that closed while we were away: everything before the bar now forming.
      const upTo = Math.floor(this.rest.timeSync.now() / this.tfMs) * this.tfMs;
      for (const [symbol, ts] of this.last) await this.backfill(symbol, ts + this.tfMs, upTo);
    });
  }

  private onMessage(text: string): void {
    let k;
    try {
      const frame = unwrapMarketFrame(parseFrame(text, "kline stream"));
      if (isControlReply(frame)) return;
      if (eventType(frame) === "serverShutdown") {
        // web-socket-streams.md: reconnect as soon as possible; the open handler backfills any gap.
        this.socket.reconnect("serverShutdown event", { immediate: true });
        return;
      }
      k = decode(wsKlineSchema, frame, "kline event");
    } catch (e) {
      this.report(e);
      return;
    }
    if (!k.k.x || k.k.i !== this.timeframe || !this.wanted.has(k.s)) return;
    const bar = barFromWsKline(k);
    const problem = barProblem(bar);
    if (problem) {
      this.report(new VenueError("PARSE_ERROR", `binance kline ${k.s} ${bar.ts}: ${problem}`, { details: { venue: "binance", symbol: k.s, raw: rawText(text) } }));
      return;
    }
    this.enqueue(() => this.onClosedBar(k.s, bar));
  }

  private async onClosedBar(symbol: string, bar: Bar): Promise<void> {
    const last = this.last.get(symbol);
    if (last !== undefined && bar.ts <= last) return; // duplicate or already backfilled
    if (last !== undefined && bar.ts > last + this.tfMs) await this.backfill(symbol, last + this.tfMs, bar.ts, true);
    const now = this.last.get(symbol);
    if (now !== undefined && bar.ts <= now) return;
    this.emit(symbol, bar);
  }

  /** Fetches [from, to) over REST; `toIsClosed`: a closed bar at `to` proves everything before it closed. */
  private async backfill(symbol: string, from: number, to: number, toIsClosed = false): Promise<void> {
    if (from >= to) return;
    let bars: Bar[];
    try {
      bars = await this.history({ symbol, timeframe: this.timeframe, from, to }, toIsClosed ? to : undefined);
    } catch (e) {
      if (e instanceof TradelabError) Object.assign(e.details, { symbol, gapFrom: from, gapTo: to });
      this.report(e);
      return;
    }
    this.deps.logger.info({ venue: this.rest.cfg.venue, symbol, from, to, bars: bars.length }, "backfilled bars missed by the stream");
    for (const b of bars) {
      const last = this.last.get(symbol);
      if (last === undefined || b.ts > last) this.emit(symbol, b);
    }
  }

  private emit(symbol: string, bar: Bar): void {
    this.last.set(symbol, bar.ts);
    try {
      this.handlers.onBar({ type: "bar", venue: this.rest.cfg.venue, symbol, timeframe: this.timeframe, bar });
    } catch (e) {
      this.report(e);
    }
  }
}
