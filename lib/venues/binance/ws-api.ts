import { z } from "zod";
import { VenueError } from "../../core/errors";
import type { ReconnectingWebSocket } from "../../infra/ws/reconnecting-ws";
import type { VenueDeps } from "../capabilities";
import { binanceCodeOf, binanceError } from "./errors";
import type { BinanceRest } from "./http";
import { decode } from "./parse";
import { signWsApiParams } from "./sign";
import { eventType, openBinanceSocket, parseFrame } from "./ws";

/** rateLimits entries (web-socket-api.md "Rate limits"). */
const rateLimitSchema = z.looseObject({
  rateLimitType: z.string(),
  interval: z.string(),
  intervalNum: z.number(),
  limit: z.number(),
  count: z.number(),
});

/** Response envelope (web-socket-api.md "Response format"). */
const responseSchema = z.looseObject({
  id: z.union([z.string(), z.number(), z.null()]),
  status: z.number().int(),
  result: z.unknown().optional(),
  error: z.looseObject({ code: z.number(), msg: z.string(), data: z.looseObject({ retryAfter: z.number().optional() }).optional() }).optional(),
  rateLimits: z.array(rateLimitSchema).optional(),
});

/** Event envelope (web-socket-api.md "Event format"): user data events and connection events. */
const eventFrameSchema = z.looseObject({ subscriptionId: z.number().int().optional(), event: z.looseObject({ e: z.string() }) });

type Params = Record<string, string | number | boolean>;

export interface WsApiHandlers {
  /**
   * Runs on every new connection before it counts as ready (authenticate, subscribe). A rejection on
   * the first connection fails start(); later it is reported and the connection is replaced.
   */
  onConnect(api: BinanceWsApi): Promise<void>;
  /** The connection is open and onConnect succeeded; `reconnect` is false only the first time. */
  onReady(reconnect: boolean): void;
  /** A pushed event (`event` of { subscriptionId, event }), other than serverShutdown. */
  onEvent(event: { e: string } & Record<string, unknown>, subscriptionId: number | undefined, raw: string): void;
  onClose(reason: string): void;
  onError(e: Error): void;
}

interface Pending {
  method: string;
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * One Binance WebSocket API connection (web-socket-api.md): JSON requests { id, method, params }
 * matched to responses by id with a timeout, the error envelope mapped to the error tree, rateLimits
 * fed to the shared weight limiter, signed requests, serverShutdown answered by reconnecting at
 * once, and reconnection (with onConnect run again) whenever the connection drops.
 */
export class BinanceWsApi {
  private readonly socket: ReconnectingWebSocket;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private ready = false;
  private connections = 0;
  private first: { resolve(): void; reject(e: Error): void } | undefined;

  constructor(
    private readonly rest: BinanceRest,
    private readonly deps: VenueDeps,
    label: string,
    private readonly handlers: WsApiHandlers,
    /** Overrides wsMaxConnectionAgeMs (0 = the owner replaces the connection itself). */
    opts: { maxConnectionAgeMs?: number } = {},
  ) {
    const url = rest.cfg.wsApiBaseUrl;
    if (url === undefined) throw new VenueError("VENUE_UNAVAILABLE", `${rest.cfg.venue}: no WebSocket API endpoint for this product (set wsApiBaseUrl)`);
    this.socket = openBinanceSocket(
      rest.cfg,
      deps,
      label,
      async () => {
        await rest.limiter.acquire(2); // connecting costs 2 weight
        return url;
      },
      {
        onMessage: (text) => this.onMessage(text),
        onOpen: () => void this.onOpen(),
        onClose: (i) => this.onClose(`code ${i.code}${i.reason ? ` ${i.reason}` : ""}`),
        onError: (e) => handlers.onError(e),
      },
      () => rest.secretValues(),
      opts,
    );
  }

  /** Connects and runs onConnect; resolves when the first connection is ready. */
  async start(): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => (this.first = { resolve, reject }));
    try {
      await this.socket.start();
      await ready;
    } catch (e) {
      this.first = undefined;
      await this.socket.close();
      throw e;
    }
  }

  async close(): Promise<void> {
    this.first?.reject(new VenueError("VENUE_UNAVAILABLE", `${this.rest.cfg.venue}: WebSocket API closed before it was ready`));
    this.first = undefined;
    await this.socket.close();
    this.failPending("connection closed");
  }

  /** Drops the connection and connects again (at once with `immediate`). */
  reconnect(reason: string, immediate = false): void {
    this.socket.reconnect(reason, { immediate });
  }

  /** Sends one request and resolves with its `result`; a failed response throws the mapped VenueError. */
  async request(method: string, params?: Params, weight = 2): Promise<unknown> {
    await this.rest.limiter.acquire(weight);
    const id = ++this.seq;
    const frame = JSON.stringify(params === undefined ? { id, method } : { id, method, params });
    return new Promise<unknown>((resolve, reject) => {
      const timeoutMs = this.rest.cfg.timeoutMs;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new VenueError("VENUE_TIMEOUT", `${this.rest.cfg.venue} ws-api ${method}: no response within ${timeoutMs} ms`, { retryable: true, details: { venue: this.rest.cfg.venue, endpoint: `ws-api ${method}`, outcomeUnknown: true } }));
      }, timeoutMs);
      this.pending.set(id, { method, resolve, reject, timer });
      if (!this.socket.send(frame)) {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(new VenueError("VENUE_UNAVAILABLE", `${this.rest.cfg.venue} ws-api ${method}: not connected`, { retryable: true, details: { venue: this.rest.cfg.venue, endpoint: `ws-api ${method}` } }));
      }
    });
  }

  /**
   * A SIGNED request: apiKey (unless `session` says the connection is logged on), timestamp and
   * recvWindow added, then signed (web-socket-api.md "SIGNED request security"). A -1021 answer
   * re-measures the clock offset and sends once more.
   */
  async signedRequest(method: string, params: Params = {}, opts: { session?: boolean; weight?: number } = {}): Promise<unknown> {
    const signer = this.rest.cfg.signer;
    const apiKey = this.rest.cfg.apiKey;
    if (!signer || !apiKey) throw new VenueError("VENUE_AUTH", `${this.rest.cfg.venue}: ws-api ${method} needs apiKey and a signing key in the venue config`, { details: { venue: this.rest.cfg.venue } });
    for (let attempt = 0; ; attempt++) {
      await this.rest.timeSync.ensureFresh();
      const stamped: Params = { ...params, recvWindow: this.rest.cfg.recvWindowMs, timestamp: Math.round(this.rest.timeSync.now()) };
      const full = opts.session ? stamped : signWsApiParams({ ...stamped, apiKey: apiKey.reveal() }, signer);
      try {
        return await this.request(method, full, opts.weight);
      } catch (e) {
        if (attempt > 0 || binanceCodeOf(e) !== -1021) throw e;
        this.deps.logger.warn({ venue: this.rest.cfg.venue, method }, "timestamp outside recvWindow (-1021), resyncing clock");
        await this.rest.timeSync.sync();
      }
    }
  }

  private async onOpen(): Promise<void> {
    const reconnect = this.connections++ > 0;
    const n = this.connections;
    try {
      await this.handlers.onConnect(this);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      if (this.first) {
        const f = this.first;
        this.first = undefined;
        f.reject(err);
        return;
      }
      this.handlers.onError(err);
      if (this.connections === n) this.reconnect(`setup failed: ${err.message}`);
      return;
    }
    this.ready = true;
    this.handlers.onReady(reconnect);
    const f = this.first;
    this.first = undefined;
    f?.resolve();
  }

  private onClose(reason: string): void {
    this.failPending(`connection closed (${reason})`);
    if (!this.ready) return;
    this.ready = false;
    this.handlers.onClose(reason);
  }

  private failPending(why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      this.pending.delete(id);
      p.reject(new VenueError("VENUE_UNAVAILABLE", `${this.rest.cfg.venue} ws-api ${p.method}: ${why}`, { retryable: true, details: { venue: this.rest.cfg.venue, endpoint: `ws-api ${p.method}`, outcomeUnknown: true } }));
    }
  }

  private onMessage(text: string): void {
    let frame: unknown;
    try {
      frame = parseFrame(text, "ws-api");
      if (frame !== null && typeof frame === "object" && "id" in frame && "status" in frame) return this.onResponse(decode(responseSchema, frame, "ws-api response"));
      const ev = decode(eventFrameSchema, frame, "ws-api event");
      if (eventType(ev.event) === "serverShutdown") {
        this.reconnect("serverShutdown event", true);
        return;
      }
      this.handlers.onEvent(ev.event, ev.subscriptionId, text);
    } catch (e) {
      this.handlers.onError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private onResponse(r: z.infer<typeof responseSchema>): void {
    this.noteRateLimits(r.rateLimits);
    const p = typeof r.id === "number" ? this.pending.get(r.id) : undefined;
    if (r.status === 418 || r.status === 429) {
      const until = r.error?.data?.retryAfter;
      const ms = until !== undefined ? Math.max(0, until - this.rest.timeSync.now()) : r.status === 418 ? 120_000 : 1000;
      if (r.status === 418) this.rest.limiter.ban(ms);
      else this.rest.limiter.block(ms);
    }
    if (!p) {
      // { id: null, status: 401 } revokes a logged-on session (web-socket-api.md): start over.
      if (r.error) {
        this.handlers.onError(this.errorOf("session", r));
        if (r.status === 401) this.reconnect(`session revoked (${r.error.code})`);
      }
      return;
    }
    this.pending.delete(r.id as number);
    clearTimeout(p.timer);
    if (r.status >= 200 && r.status < 300 && !r.error) p.resolve(r.result);
    else p.reject(this.errorOf(p.method, r));
  }

  private errorOf(method: string, r: z.infer<typeof responseSchema>): VenueError {
    const until = r.error?.data?.retryAfter;
    return binanceError({
      venue: this.rest.cfg.venue,
      endpoint: `ws-api ${method}`,
      status: r.status,
      body: JSON.stringify(r.error ?? {}),
      ...(until !== undefined ? { retryAfterMs: Math.max(0, until - this.rest.timeSync.now()) } : {}),
    });
  }

  /** REQUEST_WEIGHT is per IP and shared with REST: the minute count updates the same limiter. */
  private noteRateLimits(limits: z.infer<typeof rateLimitSchema>[] | undefined): void {
    const w = limits?.find((l) => l.rateLimitType === "REQUEST_WEIGHT" && l.interval === "MINUTE" && l.intervalNum === 1);
    if (w) this.rest.limiter.onHeaders({ "x-mbx-used-weight-1m": String(w.count) });
  }
}
