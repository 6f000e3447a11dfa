import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer, type WebSocket } from "ws";
import { ReconnectingWebSocket, type WsOpenInfo } from "../../../lib/infra/ws/reconnecting-ws";

let wss: WebSocketServer | undefined;
const clients: ReconnectingWebSocket[] = [];

async function startServer(onConnection: (ws: WebSocket, n: number) => void): Promise<string> {
  let n = 0;
  wss = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  wss.on("connection", (ws) => onConnection(ws, n++));
  await new Promise<void>((r) => wss!.once("listening", r));
  return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  if (wss) {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss!.close(r));
    wss = undefined;
  }
});

function until(cond: () => boolean, ms = 5000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (cond() ? resolve() : Date.now() - t0 > ms ? reject(new Error("timed out waiting")) : setTimeout(tick, 5));
    tick();
  });
}

const fast = { initialMs: 10, maxMs: 40, factor: 2, jitter: "none" as const };

describe("ReconnectingWebSocket", () => {
  it("delivers text frames in order and reconnects after the server drops the connection", async () => {
    const url = await startServer((ws, n) => {
      ws.send(`hello-${n}`);
      if (n === 0) setTimeout(() => ws.terminate(), 20);
    });
    const got: string[] = [];
    const opens: WsOpenInfo[] = [];
    const closes: boolean[] = [];
    const c = new ReconnectingWebSocket({
      url,
      backoff: fast,
      handlers: { onMessage: (m) => got.push(m), onOpen: (i) => opens.push(i), onClose: (i) => closes.push(i.willReconnect) },
    });
    clients.push(c);
    await c.start();
    await until(() => got.length === 2);
    expect(got).toEqual(["hello-0", "hello-1"]);
    expect(opens).toEqual([
      { reconnect: false, connections: 1 },
      { reconnect: true, connections: 2 },
    ]);
    expect(closes).toEqual([true]);
  });

  it("resolves the URL again before every connection", async () => {
    const paths: string[] = [];
    const base = await startServer((ws, n) => {
      if (n === 0) setTimeout(() => ws.terminate(), 10);
    });
    wss!.on("connection", (_ws, req) => paths.push(req.url!));
    let k = 0;
    const c = new ReconnectingWebSocket({ url: async () => `${base}/ws/key${k++}`, backoff: fast, handlers: { onMessage: () => undefined } });
    clients.push(c);
    await c.start();
    await until(() => paths.length === 2);
    expect(paths).toEqual(["/ws/key0", "/ws/key1"]);
  });

  it("stops reconnecting once closed", async () => {
    let connections = 0;
    const url = await startServer(() => connections++);
    const c = new ReconnectingWebSocket({ url, backoff: fast, handlers: { onMessage: () => undefined } });
    await c.start();
    await c.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(connections).toBe(1);
    expect(c.connected).toBe(false);
  });

  it("reconnects when the connection goes idle", async () => {
    const url = await startServer(() => undefined);
    const opens: number[] = [];
    const c = new ReconnectingWebSocket({ url, backoff: fast, idleTimeoutMs: 50, handlers: { onMessage: () => undefined, onOpen: (i) => opens.push(i.connections) } });
    clients.push(c);
    await c.start();
    await until(() => opens.length >= 2);
    expect(opens.slice(0, 2)).toEqual([1, 2]);
  });

  it("replaces a connection that reaches maxConnectionAgeMs at once, without the backoff delay", async () => {
    const url = await startServer(() => undefined);
    const opens: number[] = [];
    const slow = { initialMs: 20_000, maxMs: 20_000, factor: 2, jitter: "none" as const };
    const c = new ReconnectingWebSocket({ url, backoff: slow, maxConnectionAgeMs: 100, handlers: { onMessage: () => undefined, onOpen: (i) => opens.push(i.connections) } });
    clients.push(c);
    await c.start();
    await until(() => opens.length >= 3, 3000);
    expect(opens.slice(0, 3)).toEqual([1, 2, 3]);
  });

  it("reconnects at once when asked for an immediate reconnect, and after the backoff otherwise", async () => {
    const url = await startServer(() => undefined);
    const opens: number[] = [];
    const slow = { initialMs: 20_000, maxMs: 20_000, factor: 2, jitter: "none" as const };
    const c = new ReconnectingWebSocket({ url, backoff: slow, handlers: { onMessage: () => undefined, onOpen: (i) => opens.push(i.connections) } });
    clients.push(c);
    await c.start();
    c.reconnect("server shutting down", { immediate: true });
    await until(() => opens.length === 2, 3000);
    c.reconnect("stale");
    await new Promise((r) => setTimeout(r, 200));
    expect(opens).toEqual([1, 2]);
  });

  it("fails the first connection after maxInitialAttempts but keeps reconnecting later", async () => {
    const url = await startServer(() => undefined);
    await new Promise((r) => wss!.close(r));
    wss = undefined;
    const c = new ReconnectingWebSocket({ url, backoff: fast, maxInitialAttempts: 2, handlers: { onMessage: () => undefined } });
    await expect(c.start()).rejects.toMatchObject({ code: "VENUE_UNAVAILABLE", details: { attempts: 2 } });
  });

  it("gives up after maxReconnectAttempts when nothing listens", async () => {
    const url = await startServer(() => undefined);
    await new Promise((r) => wss!.close(r));
    wss = undefined;
    const c = new ReconnectingWebSocket({ url, backoff: fast, maxReconnectAttempts: 3, handlers: { onMessage: () => undefined } });
    await expect(c.start()).rejects.toMatchObject({ code: "VENUE_UNAVAILABLE" });
  });
});
