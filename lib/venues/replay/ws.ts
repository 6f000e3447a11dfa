import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { streamRequest } from "./schemas";

const LISTEN_KEY_TTL_MS = 60 * 60_000;

interface MarketSub {
  streams: Set<string>;
  /** /stream?streams= wraps each event as { stream, data }; /ws/<stream> sends the bare event. */
  combined: boolean;
}

/** Market data streams (<symbol>@kline_<interval>) with Binance's SUBSCRIBE/UNSUBSCRIBE/LIST_SUBSCRIPTIONS. */
export class MarketStreams {
  private readonly subs = new Map<WebSocket, MarketSub>();
  /** Called after a client connects to a market stream. */
  onAttach: (() => void) | undefined;

  attach(ws: WebSocket, streams: readonly string[], combined: boolean): void {
    const sub: MarketSub = { streams: new Set(streams.filter((s) => s.length > 0)), combined };
    this.subs.set(ws, sub);
    this.onAttach?.();
    ws.on("close", () => this.subs.delete(ws));
    ws.on("message", (data: Buffer) => {
      let req;
      try {
        req = streamRequest.parse(JSON.parse(data.toString("utf8")));
      } catch {
        ws.send(JSON.stringify({ error: { code: 2, msg: "Invalid request: unknown method or malformed JSON" } }));
        return;
      }
      const params = (req.params ?? []).map((p) => p.toLowerCase());
      if (req.method === "SUBSCRIBE") for (const p of params) sub.streams.add(p);
      if (req.method === "UNSUBSCRIBE") for (const p of params) sub.streams.delete(p);
      ws.send(JSON.stringify({ result: req.method === "LIST_SUBSCRIPTIONS" ? [...sub.streams] : null, id: req.id }));
    });
  }

  get connections(): number {
    return this.subs.size;
  }

  publish(stream: string, data: Record<string, unknown>): void {
    let wrapped: string | undefined;
    let bare: string | undefined;
    for (const [ws, sub] of this.subs) {
      if (!sub.streams.has(stream)) continue;
      if (sub.combined) ws.send((wrapped ??= JSON.stringify({ stream, data })));
      else ws.send((bare ??= JSON.stringify(data)));
    }
  }

  dropAll(): void {
    for (const ws of this.subs.keys()) ws.terminate();
  }
}

/**
 * The account's user data stream. One listen key at a time, as on Binance: POST returns the active
 * key (extending it); it expires 60 minutes (wall time) after the last keep-alive, at which point
 * connected clients receive listenKeyExpired and are disconnected.
 */
export class UserStreams {
  private readonly keys = new Map<string, number>();
  private readonly sockets = new Map<WebSocket, string>();

  constructor(private readonly wallNow: () => number) {}

  create(): string {
    for (const k of this.keys.keys()) {
      this.keys.set(k, this.wallNow());
      return k;
    }
    const key = randomBytes(45).toString("base64url").slice(0, 60);
    this.keys.set(key, this.wallNow());
    return key;
  }

  keepAlive(key: string): boolean {
    if (!this.keys.has(key)) return false;
    this.keys.set(key, this.wallNow());
    return true;
  }

  close(key: string): boolean {
    if (!this.keys.delete(key)) return false;
    for (const [ws, k] of this.sockets) if (k === key) ws.close(1000, "listen key closed");
    return true;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  attach(ws: WebSocket, key: string): void {
    this.sockets.set(ws, key);
    ws.on("close", () => this.sockets.delete(ws));
  }

  get connections(): number {
    return this.sockets.size;
  }

  broadcast(event: Record<string, unknown>): void {
    const text = JSON.stringify(event);
    for (const ws of this.sockets.keys()) ws.send(text);
  }

  /** Expires keys not kept alive for 60 minutes. */
  sweep(eventTime: number): void {
    for (const [key, at] of this.keys) {
      if (this.wallNow() - at < LISTEN_KEY_TTL_MS) continue;
      this.keys.delete(key);
      for (const [ws, k] of this.sockets) {
        if (k !== key) continue;
        ws.send(JSON.stringify({ e: "listenKeyExpired", E: eventTime, listenKey: key }));
        ws.close(1000, "listen key expired");
      }
    }
  }

  dropAll(): void {
    for (const ws of this.sockets.keys()) ws.terminate();
  }
}

/**
 * Upgrades /stream?streams=a/b (combined), /ws/<stream> and /ws (then SUBSCRIBE) to market streams,
 * and /ws/<listenKey> to the user data stream. Sends a ping frame on every socket every
 * `pingIntervalMs` (ws answers the client's pongs and pings itself).
 */
export function attachStreams(server: Server, market: MarketStreams, users: UserStreams, pingIntervalMs: number): { wss: WebSocketServer; stop(): void } {
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rest = url.pathname.startsWith("/ws/") ? url.pathname.slice(4) : "";
    if (url.pathname !== "/stream" && url.pathname !== "/ws" && !rest) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (url.pathname === "/stream") market.attach(ws, (url.searchParams.get("streams") ?? "").toLowerCase().split("/"), true);
      else if (rest && users.has(rest)) users.attach(ws, rest);
      else market.attach(ws, rest ? rest.toLowerCase().split("/") : [], false);
    });
  });
  const timer = pingIntervalMs > 0 ? setInterval(() => wss.clients.forEach((ws) => ws.ping()), pingIntervalMs) : undefined;
  timer?.unref();
  return {
    wss,
    stop: () => {
      clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
