import { z } from "zod";
import type { VenueDeps } from "../capabilities";
import type { BinanceRest } from "./http";
import { decode } from "./parse";
import { BinanceWsApi } from "./ws-api";

export interface UserStreamHandlers {
  /** One user data event (the `event` of { subscriptionId, event }), in arrival order. */
  onEvent(event: unknown, raw: string): void;
  /** Subscribed; `reconnect` = after a gap (new connection or a terminated subscription): backfill. */
  onOpen(reconnect: boolean): void;
  onClose(reason: string): void;
  onError(e: Error): void;
}

const subscribeResultSchema = z.looseObject({ subscriptionId: z.number().int() });

/**
 * The user data stream over the WebSocket API (web-socket-api.md "User Data Stream requests"). On
 * every connection it subscribes, either with `session.logon` then `userDataStream.subscribe`
 * (Ed25519 keys) or with `userDataStream.subscribe.signature` (any key type). Events arrive as
 * { subscriptionId, event }. `eventStreamTerminated` ends the subscription: it subscribes again on
 * the same connection. serverShutdown and dropped connections are handled by the connection, which
 * subscribes again after each reconnect. Before Binance's 24 h limit (wsMaxConnectionAgeMs) the
 * stream makes a second subscribed connection and only then closes the old one, so the planned
 * switch leaves no gap (events seen on both are deduplicated downstream by trade id and order state).
 */
export class UserDataStream {
  private api: BinanceWsApi | undefined;
  private readonly subscriptions = new Map<BinanceWsApi, number>();
  private rotateTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly rest: BinanceRest,
    private readonly deps: VenueDeps,
    private readonly handlers: UserStreamHandlers,
  ) {}

  async start(): Promise<void> {
    const api = this.open(true);
    this.api = api;
    await api.start();
    this.scheduleRotation();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.rotateTimer);
    const api = this.api;
    this.api = undefined;
    if (api) await this.retire(api);
  }

  /** A connection whose events and state reach the handlers only while it is the current one. */
  private open(first: boolean): BinanceWsApi {
    const api: BinanceWsApi = new BinanceWsApi(
      this.rest,
      this.deps,
      "user",
      {
        onConnect: (a) => this.subscribe(a),
        onReady: (reconnect) => {
          if (this.api === api && (reconnect || first)) this.handlers.onOpen(reconnect);
        },
        onEvent: (ev, id, raw) => this.onEvent(api, ev, id, raw),
        onClose: (reason) => {
          this.subscriptions.delete(api);
          if (this.api === api) this.handlers.onClose(reason);
        },
        onError: (e) => {
          if (this.api === api || this.api === undefined) this.handlers.onError(e);
        },
      },
      { maxConnectionAgeMs: 0 }, // replaced here, make-before-break
    );
    return api;
  }

  private scheduleRotation(): void {
    if (this.closed) return;
    this.rotateTimer = setTimeout(() => void this.rotate(), this.rest.cfg.wsMaxConnectionAgeMs);
  }

  /** Opens and subscribes a new connection, then retires the old one. On failure, reconnects the old one (with a REST backfill). */
  private async rotate(): Promise<void> {
    const old = this.api;
    if (!old || this.closed) return;
    const next = this.open(false);
    try {
      await next.start();
    } catch (e) {
      this.deps.logger.warn({ venue: this.rest.cfg.venue, err: (e as Error).message }, "user data stream: replacing the connection before its 24 h limit failed, reconnecting it instead");
      old.reconnect("planned connection replacement failed", true);
      this.scheduleRotation();
      return;
    }
    if (this.closed) return void (await this.retire(next));
    this.api = next;
    this.deps.logger.info({ venue: this.rest.cfg.venue, maxAgeMs: this.rest.cfg.wsMaxConnectionAgeMs }, "user data stream moved to a new connection before the 24 h limit");
    this.scheduleRotation();
    await this.retire(old);
  }

  /** Unsubscribes (best effort) and closes a connection that is no longer current. */
  private async retire(api: BinanceWsApi): Promise<void> {
    const id = this.subscriptions.get(api);
    this.subscriptions.delete(api);
    if (id !== undefined) {
      try {
        await api.request("userDataStream.unsubscribe", { subscriptionId: id });
      } catch (e) {
        this.deps.logger.debug({ venue: this.rest.cfg.venue, err: (e as Error).message }, "userDataStream.unsubscribe failed (closing anyway)");
      }
    }
    await api.close();
  }

  private async subscribe(api: BinanceWsApi): Promise<void> {
    let result: unknown;
    if (this.rest.cfg.userStreamAuthResolved === "logon") {
      await api.signedRequest("session.logon");
      result = await api.request("userDataStream.subscribe");
    } else {
      result = await api.signedRequest("userDataStream.subscribe.signature");
    }
    const id = decode(subscribeResultSchema, result, "userDataStream.subscribe").subscriptionId;
    this.subscriptions.set(api, id);
    this.deps.logger.info({ venue: this.rest.cfg.venue, subscriptionId: id, auth: this.rest.cfg.userStreamAuthResolved }, "user data stream subscribed");
  }

  private onEvent(api: BinanceWsApi, ev: { e: string }, subscriptionId: number | undefined, raw: string): void {
    const mine = this.subscriptions.get(api);
    if (subscriptionId !== undefined && mine !== undefined && subscriptionId !== mine) {
      this.deps.logger.debug({ venue: this.rest.cfg.venue, subscriptionId, event: ev.e }, "event of another subscription ignored");
      return;
    }
    if (ev.e === "eventStreamTerminated") {
      if (this.api === api) void this.resubscribe(api);
      return;
    }
    this.handlers.onEvent(ev, raw);
  }

  /** The subscription ended but the connection lives: subscribe again, then report the gap. */
  private async resubscribe(api: BinanceWsApi): Promise<void> {
    this.subscriptions.delete(api);
    this.handlers.onClose("eventStreamTerminated");
    try {
      await this.subscribe(api);
      if (this.api === api) this.handlers.onOpen(true);
    } catch (e) {
      this.handlers.onError(e instanceof Error ? e : new Error(String(e)));
      api.reconnect("resubscribe after eventStreamTerminated failed");
    }
  }
}
