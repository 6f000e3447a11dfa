import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { Bar } from "../../core/bar";
import { dec } from "./parse";

interface MarketSub {
  streams: Set<string>;
  /** /stream?streams= (or SET_PROPERTY combined true) wraps each event as { stream, data }; /ws/<stream> sends it bare. */
  combined: boolean;
}

type RequestId = number | string | null;

const METHODS = ["SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY"];
/** web-socket-streams.md "Live Subscribing": 64-bit signed integer, alphanumeric string up to 36, or null. */
const validId = (id: unknown): id is RequestId => id === null || (typeof id === "number" && Number.isSafeInteger(id)) || (typeof id === "string" && /^[A-Za-z0-9]{1,36}$/.test(id));

/** "Invalid JSON: ... at line L column C", from the parser's character offset when it gives one. */
function invalidJson(text: string, e: unknown): string {
  const m = /position (\d+)/.exec((e as Error).message);
  const at = m ? Number(m[1]) : text.length;
  const before = text.slice(0, at).split("\n");
  return `Invalid JSON: expected value at line ${before.length} column ${before[before.length - 1]!.length + 1}`;
}

/**
 * Market data streams (<symbol>@kline_<interval>) with web-socket-streams.md's live requests
 * (SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS, SET_PROPERTY / GET_PROPERTY "combined") and their
 * documented error frames. A client that subscribes while a bar is open gets that bar's last update.
 */
export class MarketStreams {
  private readonly subs = new Map<WebSocket, MarketSub>();
  /** The open bar's latest update per stream (sent to new subscribers). */
  private readonly openBars = new Map<string, Record<string, unknown>>();
  /** Called after a client connects to a market stream. */
  onAttach: (() => void) | undefined;

  attach(ws: WebSocket, streams: readonly string[], combined: boolean): void {
    const sub: MarketSub = { streams: new Set(streams.filter((s) => s.length > 0)), combined };
    this.subs.set(ws, sub);
    ws.on("close", () => this.subs.delete(ws));
    ws.on("message", (data: Buffer, isBinary: boolean) => this.onMessage(ws, sub, isBinary ? "" : data.toString("utf8")));
    for (const s of sub.streams) this.sendOpenBar(ws, sub, s);
    this.onAttach?.();
  }

  private onMessage(ws: WebSocket, sub: MarketSub, text: string): void {
    const fail = (code: number, msg: string, id?: RequestId): void => ws.send(JSON.stringify(id === undefined ? { error: { code, msg } } : { error: { code, msg }, id }));
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch (e) {
      return fail(3, invalidJson(text, e));
    }
    if (req === null || typeof req !== "object" || Array.isArray(req)) return fail(2, "Invalid request: missing field `method`", null);
    const { method, params, id } = req as { method?: unknown; params?: unknown; id?: unknown };
    if (!validId(id)) return fail(2, "Invalid request: request ID must be an unsigned integer", null);
    if (method === undefined) return fail(2, "Invalid request: missing field `method`", id);
    if (typeof method !== "string" || !METHODS.includes(method)) {
      return fail(2, `Invalid request: unknown variant \`${String(method)}\`, expected one of ${METHODS.map((m) => `\`${m}\``).join(", ")}`, id);
    }
    const list = params === undefined ? [] : params;
    if (!Array.isArray(list)) return fail(2, "Invalid request: invalid params", id);
    const ok = (result: unknown): void => ws.send(JSON.stringify({ result, id }));
    switch (method) {
      case "SUBSCRIBE":
      case "UNSUBSCRIBE": {
        if (!list.every((p): p is string => typeof p === "string")) return fail(2, "Invalid request: invalid stream", id);
        for (const p of list.map((s) => s.toLowerCase())) {
          if (method === "UNSUBSCRIBE") sub.streams.delete(p);
          else if (!sub.streams.has(p)) {
            sub.streams.add(p);
            this.sendOpenBar(ws, sub, p);
          }
        }
        return ok(null);
      }
      case "LIST_SUBSCRIPTIONS":
        return list.length > 0 ? fail(2, "Invalid request: too many parameters", id) : ok([...sub.streams]);
      default: {
        const [name, value] = list as unknown[];
        if (list.length > (method === "SET_PROPERTY" ? 2 : 1)) return fail(2, "Invalid request: too many parameters", id);
        if (typeof name !== "string") return fail(2, "Invalid request: property name must be a string", id);
        if (name !== "combined") return fail(0, "Unknown property", id);
        if (method === "GET_PROPERTY") return ok(sub.combined);
        if (typeof value !== "boolean") return fail(1, "Invalid value type: expected Boolean", id);
        sub.combined = value;
        return ok(null);
      }
    }
  }

  private sendOpenBar(ws: WebSocket, sub: MarketSub, stream: string): void {
    const e = this.openBars.get(stream);
    if (e) ws.send(JSON.stringify(sub.combined ? { stream, data: e } : e));
  }

  get connections(): number {
    return this.subs.size;
  }

  /** Sends an event to every subscriber of `stream`; an open-bar update (k.x false) is also kept for late subscribers. */
  publish(stream: string, data: Record<string, unknown>): void {
    const k = data.k as { x?: boolean } | undefined;
    if (k?.x === false) this.openBars.set(stream, data);
    else if (k?.x === true) this.openBars.delete(stream);
    let wrapped: string | undefined;
    let bare: string | undefined;
    for (const [ws, sub] of this.subs) {
      if (!sub.streams.has(stream)) continue;
      if (sub.combined) ws.send((wrapped ??= JSON.stringify({ stream, data })));
      else ws.send((bare ??= JSON.stringify(data)));
    }
  }

  /** web-socket-streams.md "Server Shutdown": the bare event on raw streams, { stream: "!serverShutdown", data } on combined ones. */
  shutdown(eventTime: number): void {
    const data = { e: "serverShutdown", E: eventTime };
    for (const [ws, sub] of this.subs) ws.send(JSON.stringify(sub.combined ? { stream: "!serverShutdown", data } : data));
  }

  dropAll(): void {
    for (const ws of this.subs.keys()) ws.terminate();
  }
}

/**
 * Taker-buy quote volume: the recorded value when the source has it (as the klines endpoint serves),
 * else the bar's VWAP (quote / base volume) times the taker-buy base volume, else the close.
 */
function takerBuyQuote(b: Bar & { takerBuyQuoteVolume?: number }): number {
  if (b.takerBuyQuoteVolume !== undefined && b.takerBuyQuoteVolume > 0) return b.takerBuyQuoteVolume;
  const px = b.quoteVolume !== undefined && b.volume > 0 ? b.quoteVolume / b.volume : b.close;
  return (b.takerBuyVolume ?? 0) * px;
}

/** The kline stream event of a closed bar (x: true), sent when the exchange clock reaches the bar's close. */
export function closedKline(symbol: string, interval: string, tf: number, b: Bar & { takerBuyQuoteVolume?: number }): Record<string, unknown> {
  return {
    e: "kline", E: b.ts + tf, s: symbol,
    k: {
      t: b.ts, T: b.ts + tf - 1, s: symbol, i: interval, f: -1, L: -1, o: dec(b.open), c: dec(b.close), h: dec(b.high), l: dec(b.low), v: dec(b.volume),
      n: b.trades ?? 0, x: true, q: dec(b.quoteVolume ?? 0), V: dec(b.takerBuyVolume ?? 0), Q: dec(takerBuyQuote(b)), B: "0",
    },
  };
}

/**
 * The update of a bar that has just opened (x: false), sent when the exchange clock reaches the
 * bar's open time. The replay knows each bar only as OHLCV, not its trades, so at that instant the
 * one thing a real stream could show is the opening trade: open = high = low = close = the bar's
 * open, no volume, no trades. Nothing of the bar's later high, low, volume or close is sent before
 * the exchange clock reaches the close (that is the x: true event).
 */
export function openingKline(symbol: string, interval: string, tf: number, b: Bar): Record<string, unknown> {
  const o = dec(b.open);
  return {
    e: "kline", E: b.ts, s: symbol,
    k: { t: b.ts, T: b.ts + tf - 1, s: symbol, i: interval, f: -1, L: -1, o, c: o, h: o, l: o, v: "0", n: 0, x: false, q: "0", V: "0", Q: "0", B: "0" },
  };
}

/** The WebSocket API side of the upgrade router (ws-api.ts). */
export interface WsApiEndpoint {
  attach(ws: WebSocket, query: URLSearchParams): void;
  shutdown(eventTime: number): void;
}

export interface StreamOptions {
  pingIntervalMs: number;
  /** Wall ms after which a connection is closed (Binance: 24 h). */
  maxConnectionAgeMs: number;
  onError?: (where: string, err: Error) => void;
}

/**
 * Upgrades /stream?streams=a/b (combined), /ws/<stream> and /ws (then SUBSCRIBE) to market streams
 * and /ws-api/v3 to the WebSocket API. Sends a ping frame on every socket every `pingIntervalMs`
 * (ws answers the client's pongs and pings itself), closes a connection once it is
 * `maxConnectionAgeMs` old, and never lets a socket error (a malformed frame, a reset) escape.
 */
export function attachStreams(server: Server, market: MarketStreams, api: WsApiEndpoint, opts: StreamOptions): { wss: WebSocketServer; shutdown(eventTime: number): Promise<void>; stop(): void } {
  const wss = new WebSocketServer({ noServer: true });
  const report = (where: string, e: Error): void => opts.onError?.(where, e);
  wss.on("error", (e) => report("server", e));
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", (e) => report("upgrade", e));
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const rest = url.pathname.startsWith("/ws/") ? url.pathname.slice(4) : "";
    const isApi = url.pathname === "/ws-api/v3";
    if (!isApi && url.pathname !== "/stream" && url.pathname !== "/ws" && !rest) {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on("error", (e) => {
        report("socket", e);
        ws.terminate();
      });
      const age = setTimeout(() => ws.close(1000, "maximum connection age reached"), opts.maxConnectionAgeMs);
      age.unref();
      ws.on("close", () => clearTimeout(age));
      if (isApi) api.attach(ws, url.searchParams);
      else if (url.pathname === "/stream") market.attach(ws, (url.searchParams.get("streams") ?? "").toLowerCase().split("/"), true);
      else market.attach(ws, rest ? rest.toLowerCase().split("/") : [], false);
    });
  });
  const timer = opts.pingIntervalMs > 0 ? setInterval(() => wss.clients.forEach((ws) => ws.ping()), opts.pingIntervalMs) : undefined;
  timer?.unref();
  const stop = (): void => {
    clearInterval(timer);
    for (const ws of wss.clients) ws.terminate();
    wss.close();
  };
  return {
    wss,
    /** Sends serverShutdown on every connection, closes them (1001 going away) and waits up to a second for the clients. */
    shutdown: async (eventTime) => {
      market.shutdown(eventTime);
      api.shutdown(eventTime);
      const open = [...wss.clients];
      for (const ws of open) ws.close(1001, "server shutdown");
      const closed = Promise.all(open.map((ws) => (ws.readyState === ws.CLOSED ? undefined : new Promise((r) => ws.once("close", r)))));
      await Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]);
      stop();
    },
    stop,
  };
}
