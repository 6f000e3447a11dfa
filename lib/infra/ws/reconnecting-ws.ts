import WebSocket from "ws";
import { VenueError } from "../../core/errors";
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from "../http/backoff";
import { silentLogger, type LogSink } from "../http/logger";
import { redactUrl } from "../http/redact";

export interface WsOpenInfo {
  /** False for the first connection, true for every reconnection. */
  reconnect: boolean;
  /** Connections opened so far, including this one. */
  connections: number;
}

export interface WsCloseInfo {
  code: number;
  reason: string;
  /** Whether the client will try again (false after close() or when attempts are exhausted). */
  willReconnect: boolean;
}

export interface ReconnectingWsHandlers {
  onOpen?(info: WsOpenInfo): void;
  /** Text frames (binary frames are decoded as UTF-8), delivered in arrival order. */
  onMessage(data: string): void;
  onClose?(info: WsCloseInfo): void;
  onError?(err: Error): void;
}

export interface ReconnectingWsOptions {
  /** URL, or a function resolving one before each connection (e.g. after waiting for a rate limit). */
  url: string | (() => string | Promise<string>);
  handlers: ReconnectingWsHandlers;
  /** Reconnect delays. Default { initialMs: 500, maxMs: 30 000, factor: 2, jitter: "full" }. */
  backoff?: Partial<BackoffPolicy>;
  /** Give up after this many consecutive failed attempts. Default Infinity. */
  maxReconnectAttempts?: number;
  /** Attempts for the very first connection (start() rejects after them). Default: maxReconnectAttempts. */
  maxInitialAttempts?: number;
  /** Abort a connection attempt after this long, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Reconnect when nothing (message or pong) arrived for this long, ms. 0 = off. Default 0. */
  idleTimeoutMs?: number;
  /**
   * Reconnect (at once, no backoff) when a connection reaches this age, ms: for servers that cut
   * connections after a fixed lifetime (Binance: 24 h). 0 = off. Default 0.
   */
  maxConnectionAgeMs?: number;
  /** Send a ping frame this often, ms (keeps NATs open, feeds idleTimeoutMs). 0 = off. Default 0. */
  pingIntervalMs?: number;
  headers?: Record<string, string>;
  /** Uniform [0, 1) source for jitter. Default Math.random. */
  random?: () => number;
  logger?: LogSink;
  /** Name used in logs. */
  label?: string;
  /** Extra query names to mask when logging the URL. */
  sensitiveKeys?: readonly string[];
  /** Credential values to mask when logging the URL. */
  secrets?: () => readonly string[];
}

/**
 * A WebSocket that reconnects with jittered exponential backoff until closed. Server pings are
 * answered automatically (ws does this). The attempt counter resets after each successful open.
 */
export class ReconnectingWebSocket {
  private ws: WebSocket | undefined;
  private closed = false;
  private connections = 0;
  private failures = 0;
  /** Closes since the last connection that delivered a message: drives the backoff so a flapping server is not hammered. */
  private drops = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private ageTimer: NodeJS.Timeout | undefined;
  /** The next reconnection skips the backoff delay (a planned switch, not a failure). */
  private immediateNext = false;
  private firstOpen: { resolve(): void; reject(e: Error): void } | undefined;
  private readonly backoff: BackoffPolicy;
  private readonly log: LogSink;
  private readonly random: () => number;

  constructor(private readonly opts: ReconnectingWsOptions) {
    this.backoff = { ...DEFAULT_BACKOFF, initialMs: 500, jitter: "full", ...opts.backoff };
    this.log = opts.logger ?? silentLogger;
    this.random = opts.random ?? Math.random;
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Connects; resolves on the first open, rejects when close() is called first or attempts run out. */
  start(): Promise<void> {
    if (this.connections > 0 || this.firstOpen) throw new Error("ReconnectingWebSocket.start() called twice");
    return new Promise<void>((resolve, reject) => {
      this.firstOpen = { resolve, reject };
      void this.connect();
    });
  }

  /** Sends a text frame; returns false when not connected. */
  send(data: string): boolean {
    if (!this.connected || !this.ws) return false;
    this.ws.send(data);
    return true;
  }

  /**
   * Drops the current connection and reconnects: after the backoff delay, or at once with
   * `immediate` (the server announced a shutdown, or the connection reached its planned age).
   */
  reconnect(reason: string, opts: { immediate?: boolean } = {}): void {
    this.log.warn({ ws: this.opts.label, reason, immediate: opts.immediate === true }, "websocket forced reconnect");
    if (opts.immediate) this.immediateNext = true;
    this.ws?.terminate();
  }

  /** Closes for good; resolves when the socket is closed. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.stopTimers();
    this.firstOpen?.reject(new VenueError("VENUE_UNAVAILABLE", `websocket ${this.opts.label ?? ""} closed before it connected`));
    this.firstOpen = undefined;
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        ws.terminate();
        resolve();
      }, 2000);
      ws.once("close", () => {
        clearTimeout(t);
        resolve();
      });
      if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else ws.close(1000, "client closing");
    });
  }

  private safeUrl(url: string): string {
    return redactUrl(url, this.opts.sensitiveKeys ?? [], this.opts.secrets?.() ?? []);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    let url: string;
    try {
      url = typeof this.opts.url === "string" ? this.opts.url : await this.opts.url();
    } catch (e) {
      this.opts.handlers.onError?.(e instanceof Error ? e : new Error(String(e)));
      this.failures += 1;
      this.drops += 1;
      if (this.failures < this.attemptLimit) this.scheduleRetry();
      else this.giveUp();
      return;
    }
    if (this.closed) return;
    const ws = new WebSocket(url, { headers: this.opts.headers, handshakeTimeout: this.opts.connectTimeoutMs ?? 10_000 });
    this.ws = ws;
    let opened = false;
    ws.on("open", () => {
      opened = true;
      this.connections += 1;
      this.failures = 0;
      this.touch();
      this.startPing(ws);
      this.startAgeTimer();
      this.log.info({ ws: this.opts.label, url: this.safeUrl(url), connections: this.connections }, "websocket open");
      const first = this.firstOpen;
      this.firstOpen = undefined;
      this.opts.handlers.onOpen?.({ reconnect: this.connections > 1, connections: this.connections });
      first?.resolve();
    });
    ws.on("message", (data: WebSocket.RawData) => {
      this.touch();
      this.drops = 0;
      const text = Array.isArray(data) ? Buffer.concat(data).toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8");
      this.opts.handlers.onMessage(text);
    });
    ws.on("pong", () => this.touch());
    ws.on("ping", () => this.touch());
    ws.on("error", (e: Error) => {
      this.log.warn({ ws: this.opts.label, url: this.safeUrl(url), err: e.message }, "websocket error");
      this.opts.handlers.onError?.(e);
    });
    ws.on("close", (code: number, reason: Buffer) => {
      if (this.ws === ws) this.ws = undefined;
      this.stopTimers();
      if (!opened) this.failures += 1;
      this.drops += 1;
      const willReconnect = !this.closed && this.failures < this.attemptLimit;
      this.log.info({ ws: this.opts.label, code, willReconnect }, "websocket closed");
      if (opened) this.opts.handlers.onClose?.({ code, reason: reason.toString("utf8"), willReconnect });
      if (willReconnect) this.scheduleRetry();
      else if (!this.closed) this.giveUp();
    });
  }

  /** Consecutive failures allowed before giving up: fewer before the first successful open. */
  private get attemptLimit(): number {
    const later = this.opts.maxReconnectAttempts ?? Infinity;
    return this.connections === 0 ? (this.opts.maxInitialAttempts ?? later) : later;
  }

  private giveUp(): void {
    const err = new VenueError("VENUE_UNAVAILABLE", `websocket ${this.opts.label ?? ""} gave up after ${this.failures} failed attempts`, {
      retryable: true,
      details: { attempts: this.failures },
    });
    this.closed = true;
    if (this.firstOpen) this.firstOpen.reject(err);
    else this.opts.handlers.onError?.(err);
    this.firstOpen = undefined;
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    const delay = this.immediateNext ? 0 : backoffDelay(Math.min(Math.max(0, this.drops - 1), 30), this.backoff, this.random);
    this.immediateNext = false;
    this.log.info({ ws: this.opts.label, attempt: this.failures + 1, delayMs: delay }, "websocket reconnecting");
    this.retryTimer = setTimeout(() => void this.connect(), delay);
  }

  private startPing(ws: WebSocket): void {
    const every = this.opts.pingIntervalMs ?? 0;
    if (every > 0) this.pingTimer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.ping(), every);
  }

  private startAgeTimer(): void {
    const age = this.opts.maxConnectionAgeMs ?? 0;
    if (age > 0) this.ageTimer = setTimeout(() => this.reconnect(`connection reached its maximum age of ${age} ms`, { immediate: true }), age);
  }

  private touch(): void {
    const idle = this.opts.idleTimeoutMs ?? 0;
    if (idle <= 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.reconnect(`no data for ${idle} ms`), idle);
  }

  private stopTimers(): void {
    clearInterval(this.pingTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.ageTimer);
    this.pingTimer = undefined;
    this.idleTimer = undefined;
    this.ageTimer = undefined;
  }
}
