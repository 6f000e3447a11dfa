import { VenueError } from "../../core/errors";
import type { ReconnectingWebSocket } from "../../infra/ws/reconnecting-ws";
import type { VenueDeps } from "../capabilities";
import { binanceCodeOf } from "./errors";
import type { BinanceRest } from "./http";
import { decode } from "./parse";
import { listenKeySchema } from "./schemas";
import { openBinanceSocket, parseFrame, unwrapUserFrame, userStreamUrl } from "./ws";

export interface UserStreamHandlers {
  /** One user data event (already unwrapped from any envelope), in arrival order. */
  onEvent(event: unknown, raw: string): void;
  onOpen(reconnect: boolean): void;
  onClose(reason: string): void;
  onError(e: Error): void;
}

/**
 * The listen-key user data stream (user-data-stream.md): POST creates a listen key (API key only, no
 * signature), PUT keeps it alive (it expires after 60 minutes), DELETE closes it; events arrive on
 * <ws base>/ws/<listenKey>. A fresh key is fetched before every (re)connection, and an expired key
 * (listenKeyExpired event or -1125 on keep-alive) forces a reconnect with a new one. The key is masked
 * in every log line.
 */
export class UserDataStream {
  private listenKey: string | undefined;
  private socket: ReconnectingWebSocket | undefined;
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly rest: BinanceRest,
    private readonly deps: VenueDeps,
    private readonly handlers: UserStreamHandlers,
  ) {}

  private get path(): string {
    return "/api/v3/userDataStream";
  }

  async start(): Promise<void> {
    this.socket = openBinanceSocket(
      this.rest.cfg,
      this.deps,
      "user",
      async () => userStreamUrl(this.rest.cfg.wsBaseUrl, await this.ensureListenKey()),
      {
        onMessage: (text) => this.onMessage(text),
        onOpen: (i) => this.handlers.onOpen(i.reconnect),
        onClose: (i) => this.handlers.onClose(`code ${i.code}`),
        onError: (e) => this.handlers.onError(e),
      },
      () => this.rest.secretValues(),
    );
    await this.socket.start();
    this.keepAlive = setInterval(() => void this.ping(), this.rest.cfg.listenKeyKeepAliveMs);
  }

  async close(): Promise<void> {
    clearInterval(this.keepAlive);
    await this.socket?.close();
    const key = this.listenKey;
    this.listenKey = undefined;
    if (key === undefined) return;
    try {
      await this.rest.call({ method: "DELETE", path: this.path, params: { listenKey: key }, security: "API_KEY", weight: 2, resendOnUnknown: true, label: "listenKey close" });
    } catch (e) {
      this.deps.logger.warn({ venue: this.rest.cfg.venue, err: (e as Error).message }, "closing the listen key failed (it expires by itself)");
    }
  }

  private async ensureListenKey(): Promise<string> {
    if (this.listenKey !== undefined) return this.listenKey;
    const body = await this.rest.call({ method: "POST", path: this.path, security: "API_KEY", weight: 2, resendOnUnknown: true, label: "listenKey create" });
    const key = decode(listenKeySchema, body, "listenKey").listenKey;
    this.rest.addSecret(key);
    this.listenKey = key;
    return key;
  }

  /** Keep-alive; on an invalid key, drop it and reconnect with a new one. */
  private async ping(): Promise<void> {
    const key = this.listenKey;
    if (key === undefined) return;
    try {
      await this.rest.call({ method: "PUT", path: this.path, params: { listenKey: key }, security: "API_KEY", weight: 2, resendOnUnknown: true, label: "listenKey keep-alive" });
    } catch (e) {
      if (binanceCodeOf(e) === -1125) this.renew("listen key rejected by keep-alive (-1125)");
      else this.handlers.onError(e instanceof Error ? e : new VenueError("VENUE_UNAVAILABLE", String(e)));
    }
  }

  private renew(reason: string): void {
    this.listenKey = undefined;
    this.socket?.reconnect(reason);
  }

  private onMessage(text: string): void {
    let event: unknown;
    try {
      event = unwrapUserFrame(parseFrame(text, "user data stream"));
    } catch (e) {
      this.handlers.onError(e as Error);
      return;
    }
    const type = event !== null && typeof event === "object" ? (event as { e?: unknown }).e : undefined;
    if (type === "listenKeyExpired" || type === "eventStreamTerminated") {
      this.renew(`${String(type)} event`);
      return;
    }
    this.handlers.onEvent(event, text);
  }
}
