import { VenueError } from "../../core/errors";
import type { LogSink } from "../../infra/http/logger";
import { ReconnectingWebSocket } from "../../infra/ws/reconnecting-ws";
import type { PolygonConfig } from "./config";
import { polygonStatusError } from "./errors";
import { parseJson, parseRaw } from "./parse";
import { WsFrameSchema, WsMinuteAggSchema, WsStatusSchema, type RawMinuteAgg } from "./schemas";

export interface PolygonStreamLifecycle {
  /** Authenticated and every channel confirmed; `reconnect` after a dropped connection came back. */
  onReady(info: { reconnect: boolean }): void;
  onDisconnect(reason: string): void;
  /** Bad frames (PARSE_ERROR, the stream goes on), status errors, and a fatal auth failure. */
  onError(e: Error): void;
}

/**
 * The Polygon stocks WebSocket: waits for the "connected" status, authenticates with
 * {"action":"auth","params":KEY}, subscribes to minute aggregates (AM.<ticker>) and hands each AM
 * event on. Each event of a frame is validated alone, so one bad event never drops the others.
 * Refused credentials stop the stream for good: reconnecting would only be refused again.
 */
export class PolygonAggStream {
  private readonly ws: ReconnectingWebSocket;
  private readonly channels: string[];
  private confirmed = new Set<string>();
  private ready = false;
  private everReady = false;
  private handshakeTimer: NodeJS.Timeout | undefined;
  private first: { resolve(): void; reject(e: Error): void } | undefined;

  constructor(
    private readonly cfg: PolygonConfig,
    symbols: readonly string[],
    private readonly onAgg: (raw: RawMinuteAgg) => void,
    private readonly life: PolygonStreamLifecycle,
    deps: { logger: LogSink; random?: () => number },
  ) {
    this.channels = symbols.map((s) => `AM.${s}`);
    this.ws = new ReconnectingWebSocket({
      url: cfg.streamUrl,
      label: "polygon.stocks",
      logger: deps.logger,
      connectTimeoutMs: cfg.streamHandshakeTimeoutMs,
      backoff: { initialMs: cfg.retryBaseMs, maxMs: 30_000 },
      secrets: () => [cfg.apiKey.reveal()],
      ...(deps.random ? { random: deps.random } : {}),
      handlers: {
        onOpen: () => this.opened(),
        onMessage: (text) => this.message(text),
        onClose: (i) => this.dropped(`closed (${i.code}${i.reason ? ` ${i.reason}` : ""})`),
        onError: (e) => this.life.onError(e),
      },
    });
  }

  start(): Promise<void> {
    const p = new Promise<void>((resolve, reject) => (this.first = { resolve, reject }));
    this.ws.start().catch((e: Error) => this.fail(e));
    return p;
  }

  async close(): Promise<void> {
    clearTimeout(this.handshakeTimer);
    this.fail(new VenueError("VENUE_UNAVAILABLE", "polygon stream closed before it was ready"));
    await this.ws.close();
  }

  private send(msg: unknown): void {
    this.ws.send(JSON.stringify(msg));
  }

  private opened(): void {
    this.ready = false;
    this.confirmed = new Set();
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => this.ws.reconnect("handshake timed out"), this.cfg.streamHandshakeTimeoutMs);
  }

  private dropped(reason: string): void {
    clearTimeout(this.handshakeTimer);
    const was = this.ready;
    this.ready = false;
    if (was) this.life.onDisconnect(reason);
  }

  private fail(e: Error): void {
    clearTimeout(this.handshakeTimer);
    this.first?.reject(e);
    this.first = undefined;
  }

  private message(text: string): void {
    try {
      const frame = parseRaw(WsFrameSchema, parseJson(text, "stream frame"), "stream frame", text);
      for (const ev of frame) {
        try {
          this.event(ev);
        } catch (e) {
          this.life.onError(e instanceof Error ? e : new Error(String(e)));
        }
      }
    } catch (e) {
      this.life.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private event(ev: { ev: string }): void {
    if (ev.ev === "AM") {
      this.onAgg(parseRaw(WsMinuteAggSchema, ev, "AM event"));
      return;
    }
    if (ev.ev !== "status") return; // other channels are not subscribed here
    const s = parseRaw(WsStatusSchema, ev, "status event");
    switch (s.status) {
      case "connected":
        this.send({ action: "auth", params: this.cfg.apiKey.reveal() });
        return;
      case "auth_success":
        this.send({ action: "subscribe", params: this.channels.join(",") });
        return;
      case "success": {
        const m = /^subscribed to: (.+)$/.exec(s.message ?? "");
        if (m) for (const c of m[1]!.split(",")) this.confirmed.add(c.trim());
        if (!this.ready && this.channels.every((c) => this.confirmed.has(c))) this.markReady();
        return;
      }
      case "auth_failed": {
        const e = polygonStatusError(s.status, s.message);
        this.life.onError(e);
        this.fail(e);
        void this.ws.close();
        return;
      }
      default: // max_connections, error, ...
        this.life.onError(polygonStatusError(s.status, s.message));
    }
  }

  private markReady(): void {
    clearTimeout(this.handshakeTimer);
    this.ready = true;
    const reconnect = this.everReady;
    this.everReady = true;
    this.life.onReady({ reconnect });
    this.first?.resolve();
    this.first = undefined;
  }
}
