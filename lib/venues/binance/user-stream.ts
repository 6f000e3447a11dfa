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
 * the same connection. serverShutdown, the 24 h limit and dropped connections are handled by the
 * connection, which subscribes again after each reconnect.
 */
export class UserDataStream {
  private api: BinanceWsApi | undefined;
  private subscriptionId: number | undefined;

  constructor(
    private readonly rest: BinanceRest,
    private readonly deps: VenueDeps,
    private readonly handlers: UserStreamHandlers,
  ) {}

  async start(): Promise<void> {
    const api = new BinanceWsApi(this.rest, this.deps, "user", {
      onConnect: (a) => this.subscribe(a),
      onReady: (reconnect) => this.handlers.onOpen(reconnect),
      onEvent: (ev, id, raw) => this.onEvent(ev, id, raw),
      onClose: (reason) => {
        this.subscriptionId = undefined;
        this.handlers.onClose(reason);
      },
      onError: (e) => this.handlers.onError(e),
    });
    this.api = api;
    await api.start();
  }

  async close(): Promise<void> {
    const api = this.api;
    this.api = undefined;
    if (!api) return;
    const id = this.subscriptionId;
    this.subscriptionId = undefined;
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
    this.subscriptionId = decode(subscribeResultSchema, result, "userDataStream.subscribe").subscriptionId;
    this.deps.logger.info({ venue: this.rest.cfg.venue, subscriptionId: this.subscriptionId, auth: this.rest.cfg.userStreamAuthResolved }, "user data stream subscribed");
  }

  private onEvent(ev: { e: string }, subscriptionId: number | undefined, raw: string): void {
    if (subscriptionId !== undefined && this.subscriptionId !== undefined && subscriptionId !== this.subscriptionId) {
      this.deps.logger.debug({ venue: this.rest.cfg.venue, subscriptionId, event: ev.e }, "event of another subscription ignored");
      return;
    }
    if (ev.e === "eventStreamTerminated") {
      void this.resubscribe();
      return;
    }
    this.handlers.onEvent(ev, raw);
  }

  /** The subscription ended but the connection lives: subscribe again, then report the gap. */
  private async resubscribe(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.subscriptionId = undefined;
    this.handlers.onClose("eventStreamTerminated");
    try {
      await this.subscribe(api);
      this.handlers.onOpen(true);
    } catch (e) {
      this.handlers.onError(e instanceof Error ? e : new Error(String(e)));
      api.reconnect("resubscribe after eventStreamTerminated failed");
    }
  }
}
