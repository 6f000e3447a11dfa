import { VenueError } from "../../core/errors";
import type { LogSink } from "../../infra/http/logger";
import { ReconnectingWebSocket } from "../../infra/ws/reconnecting-ws";
import type { AlpacaConfig } from "./config";
import { alpacaStreamError } from "./errors";
import { parseRaw } from "./parse";
import {
  StreamBarSchema,
  StreamErrorSchema,
  StreamFrameSchema,
  StreamSubscriptionSchema,
  StreamSuccessSchema,
  TradeUpdateSchema,
  TradingAuthSchema,
  TradingFrameSchema,
  TradingListeningSchema,
  type RawStreamBar,
  type RawTradeUpdate,
} from "./schemas";

/** Events a stream reports to its owner. */
export interface StreamLifecycle {
  /** Authenticated and subscribed; `reconnect` is true after a dropped connection came back. */
  onReady(info: { reconnect: boolean }): void;
  onDisconnect(reason: string): void;
  /** Bad frames (PARSE_ERROR, the stream goes on), venue error frames, and fatal auth failures. */
  onError(e: Error): void;
}

export interface AlpacaStreamDeps {
  logger: LogSink;
  random?: () => number;
}

/** JSON text -> value, or a PARSE_ERROR carrying the raw frame. */
function parseFrame(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new VenueError("PARSE_ERROR", `alpaca ${what}: frame is not JSON: ${text.slice(0, 300)}`, { details: { venue: "alpaca", what, raw: text } });
  }
}

/**
 * Shared lifecycle of both Alpaca streams over the reconnecting socket: a handshake (auth, then
 * subscribe/listen) that must finish within the configured timeout, a first-ready promise for
 * start(), and a fatal stop when credentials are refused (reconnecting would never help).
 */
abstract class AlpacaStream {
  protected readonly ws: ReconnectingWebSocket;
  private ready = false;
  private everReady = false;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private first: { resolve(): void; reject(e: Error): void } | undefined;

  constructor(
    url: string,
    label: string,
    protected readonly cfg: AlpacaConfig,
    protected readonly life: StreamLifecycle,
    protected readonly deps: AlpacaStreamDeps,
  ) {
    this.ws = new ReconnectingWebSocket({
      url,
      label,
      logger: deps.logger,
      connectTimeoutMs: cfg.streamHandshakeTimeoutMs,
      backoff: { initialMs: cfg.retryBaseMs, maxMs: 30_000 },
      secrets: () => [cfg.apiKey.reveal(), cfg.apiSecret.reveal()],
      ...(deps.random ? { random: deps.random } : {}),
      handlers: {
        onOpen: () => this.opened(),
        onMessage: (text) => this.message(text),
        onClose: (info) => this.dropped(`closed (${info.code}${info.reason ? ` ${info.reason}` : ""})`),
        onError: (e) => this.life.onError(e),
      },
    });
  }

  /** Connects; resolves once authenticated and subscribed, rejects on refused credentials. */
  start(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => (this.first = { resolve, reject }));
    this.ws.start().catch((e: Error) => this.fail(e));
    return p;
  }

  async close(): Promise<void> {
    clearTimeout(this.handshakeTimer);
    this.first?.reject(new VenueError("VENUE_UNAVAILABLE", "alpaca stream closed before it was ready"));
    this.first = undefined;
    await this.ws.close();
  }

  protected abstract handle(value: unknown, text: string): void;

  protected send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  protected markReady(): void {
    if (this.ready) return;
    clearTimeout(this.handshakeTimer);
    this.ready = true;
    const reconnect = this.everReady;
    this.everReady = true;
    this.life.onReady({ reconnect });
    this.first?.resolve();
    this.first = undefined;
  }

  /** Refused credentials or subscription: stop for good and surface the error. */
  protected fatal(e: VenueError): void {
    this.life.onError(e);
    this.fail(e);
    void this.ws.close();
  }

  private fail(e: Error): void {
    clearTimeout(this.handshakeTimer);
    this.first?.reject(e);
    this.first = undefined;
  }

  private opened(): void {
    this.ready = false;
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => this.ws.reconnect("handshake timed out"), this.cfg.streamHandshakeTimeoutMs);
    this.onSocketOpen();
  }

  protected onSocketOpen(): void {}

  private dropped(reason: string): void {
    clearTimeout(this.handshakeTimer);
    const wasReady = this.ready;
    this.ready = false;
    if (wasReady) this.life.onDisconnect(reason);
  }

  private message(text: string): void {
    let value: unknown;
    try {
      value = parseFrame(text, "stream frame");
      this.handle(value, text);
    } catch (e) {
      this.life.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }
}

/**
 * The stock data stream (wss://stream.data.alpaca.markets/v2/{feed}): waits for the welcome frame,
 * authenticates, subscribes to minute bars, and hands each "b" message on. Each element of a frame
 * is validated on its own, so one bad message never drops its neighbours.
 */
export class AlpacaDataStream extends AlpacaStream {
  constructor(
    cfg: AlpacaConfig,
    private readonly symbols: readonly string[],
    private readonly onBar: (raw: RawStreamBar) => void,
    life: StreamLifecycle,
    deps: AlpacaStreamDeps,
  ) {
    super(`${cfg.dataStreamUrl}/${cfg.feed}`, "alpaca.data", cfg, life, deps);
  }

  protected handle(value: unknown, text: string): void {
    const frame = parseRaw(StreamFrameSchema, value, "data stream frame", text);
    for (const msg of frame) {
      try {
        this.element(msg);
      } catch (e) {
        this.life.onError(e instanceof Error ? e : new Error(String(e)));
      }
    }
  }

  private element(msg: { T: string }): void {
    switch (msg.T) {
      case "b":
        this.onBar(parseRaw(StreamBarSchema, msg, "bar message"));
        return;
      case "success": {
        const s = parseRaw(StreamSuccessSchema, msg, "success message");
        if (s.msg === "connected") this.send({ action: "auth", key: this.cfg.apiKey.reveal(), secret: this.cfg.apiSecret.reveal() });
        else if (s.msg === "authenticated") this.send({ action: "subscribe", bars: [...this.symbols] });
        return;
      }
      case "subscription": {
        const s = parseRaw(StreamSubscriptionSchema, msg, "subscription message");
        const bars = new Set(s.bars ?? []);
        const missing = this.symbols.filter((x) => !bars.has(x) && !bars.has("*"));
        if (missing.length) this.life.onError(new VenueError("VENUE_REJECTED", `alpaca data stream did not subscribe bars for ${missing.join(",")}`, { details: { venue: "alpaca", missing } }));
        this.markReady();
        return;
      }
      case "error": {
        const e = parseRaw(StreamErrorSchema, msg, "error message");
        const err = alpacaStreamError(e.code, e.msg);
        if (!err.retryable && (e.code === 402 || e.code === 408 || e.code === 409)) this.fatal(err);
        else this.life.onError(err);
        return;
      }
      default:
        return; // trades, quotes, daily bars, statuses: not subscribed here
    }
  }
}

/**
 * The trading stream (wss://{paper-}api.alpaca.markets/stream): authenticates, listens to
 * trade_updates and hands each update on. Paper sends binary frames; the socket decodes them.
 */
export class AlpacaTradingStream extends AlpacaStream {
  constructor(
    cfg: AlpacaConfig,
    private readonly onUpdate: (u: RawTradeUpdate) => void,
    life: StreamLifecycle,
    deps: AlpacaStreamDeps,
  ) {
    super(cfg.tradingStreamUrl, "alpaca.trading", cfg, life, deps);
  }

  protected onSocketOpen(): void {
    this.send({ action: "authenticate", data: { key_id: this.cfg.apiKey.reveal(), secret_key: this.cfg.apiSecret.reveal() } });
  }

  protected handle(value: unknown, text: string): void {
    const frame = parseRaw(TradingFrameSchema, value, "trading stream frame", text);
    switch (frame.stream) {
      case "authorization": {
        const a = parseRaw(TradingAuthSchema, value, "authorization message", text);
        if (a.data.status === "authorized") this.send({ action: "listen", data: { streams: ["trade_updates"] } });
        else this.fatal(new VenueError("VENUE_AUTH", `alpaca trading stream: ${a.data.action} ${a.data.status}; check the key id and secret for this environment`, { details: { venue: "alpaca", status: a.data.status } }));
        return;
      }
      case "listening": {
        const l = parseRaw(TradingListeningSchema, value, "listening message", text);
        if (l.data.streams.includes("trade_updates")) this.markReady();
        else this.fatal(new VenueError("VENUE_REJECTED", "alpaca trading stream refused to listen to trade_updates", { details: { venue: "alpaca" } }));
        return;
      }
      case "trade_updates":
        this.onUpdate(parseRaw(TradeUpdateSchema, value, "trade update", text).data);
        return;
      default:
        return;
    }
  }
}
