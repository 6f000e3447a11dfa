import { readFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { replayOptionsSchema, type ReplayExchange } from "../../../lib/venues/replay/index";
import { Client, MIN, T0, bars, startExchange, until } from "./ws-client";

const KLINE_DOC = JSON.parse(readFileSync(new URL("../../fixtures/binance/ws_kline_1m_docs.json", import.meta.url), "utf8")) as Record<string, any>;
const BARS = bars(80);
const barAt = (ts: number) => BARS.find((b) => b.ts === ts)!;
const STREAM = "btcusdt@kline_1m";

let ex: ReplayExchange | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await ex?.close();
  ex = undefined;
});

async function open(url: string): Promise<Client> {
  const c = await Client.open(url);
  clients.push(c);
  return c;
}

const klines = (c: Client) => c.frames.filter((f) => f.e === "kline");

describe("replay kline streams", () => {
  it("sends each bar's opening update (x false) at its open time and the whole bar (x true) only at its close", async () => {
    ex = await startExchange();
    const c = await open(`${ex.wsUrl}/ws/${STREAM}`);
    await until(() => klines(c).length === 1, "the open bar on connect");
    const first = klines(c)[0]!;
    const b0 = barAt(T0);
    const o = String(b0.open.toFixed(8));
    expect(Object.keys(first)).toEqual(Object.keys(KLINE_DOC));
    expect(Object.keys(first.k)).toEqual(Object.keys(KLINE_DOC.k));
    expect(first).toEqual({
      e: "kline", E: T0, s: "BTCUSDT",
      k: { t: T0, T: T0 + MIN - 1, s: "BTCUSDT", i: "1m", f: -1, L: -1, o, c: o, h: o, l: o, v: "0", n: 0, x: false, q: "0", V: "0", Q: "0", B: "0" },
    });
    await ex.step(2);
    await until(() => klines(c).length === 5, "two closes and two openings");
    expect(klines(c).map((f) => [(f.k.t - T0) / MIN, f.k.x, f.E])).toEqual([
      [0, false, T0],
      [0, true, T0 + MIN],
      [1, false, T0 + MIN],
      [1, true, T0 + 2 * MIN],
      [2, false, T0 + 2 * MIN],
    ]);
    const closed = klines(c)[1]!.k;
    expect([closed.o, closed.h, closed.l, closed.c, closed.v, closed.n, closed.q, closed.V]).toEqual([b0.open, b0.high, b0.low, b0.close, b0.volume, b0.trades, b0.quoteVolume, b0.takerBuyVolume].map((v, i) => (i === 5 ? v : Number(v).toFixed(8))));
    expect(Number(closed.Q)).toBeCloseTo(b0.takerBuyVolume! * (b0.quoteVolume! / b0.volume), 6);
    // Nothing a client receives is later than the exchange clock, and an open bar shows its open only.
    for (const f of klines(c)) expect(f.E).toBeLessThanOrEqual(ex.clock.now());
    for (const f of klines(c).filter((x) => !x.k.x)) expect([f.k.h, f.k.l, f.k.c, f.k.v]).toEqual([f.k.o, f.k.o, f.k.o, "0"]);
  });

  it("wraps events on /stream, and handles SUBSCRIBE, UNSUBSCRIBE, LIST_SUBSCRIPTIONS and the combined property", async () => {
    ex = await startExchange({ symbols: ["BTCUSDT", "ETHUSDT"], bars: { BTCUSDT: BARS, ETHUSDT: bars(80).map((b) => ({ ...b, open: b.open / 30, high: b.high / 30, low: b.low / 30, close: b.close / 30 })) } });
    const c = await open(`${ex.wsUrl}/stream?streams=${STREAM}`);
    await until(() => c.frames.length === 1, "wrapped open bar");
    expect(c.frames[0]).toMatchObject({ stream: STREAM, data: { e: "kline", k: { x: false } } });
    c.send({ method: "SUBSCRIBE", params: ["ethusdt@kline_1m"], id: 1 });
    await c.next((f) => f.id === 1);
    expect(c.frames.slice(1, 3)).toEqual([{ stream: "ethusdt@kline_1m", data: expect.objectContaining({ s: "ETHUSDT" }) }, { result: null, id: 1 }]);
    c.send({ method: "LIST_SUBSCRIPTIONS", id: 2 });
    expect(await c.next((f) => f.id === 2)).toEqual({ result: [STREAM, "ethusdt@kline_1m"], id: 2 });
    c.send({ method: "UNSUBSCRIBE", params: [STREAM], id: 3 });
    expect(await c.next((f) => f.id === 3)).toEqual({ result: null, id: 3 });
    c.send({ method: "GET_PROPERTY", params: ["combined"], id: 4 });
    expect(await c.next((f) => f.id === 4)).toEqual({ result: true, id: 4 });
    c.send({ method: "SET_PROPERTY", params: ["combined", false], id: 5 });
    expect(await c.next((f) => f.id === 5)).toEqual({ result: null, id: 5 });
    await ex.step(1);
    await until(() => c.frames.some((f) => f.e === "kline" && f.k.x), "a bare closed bar");
    expect(c.frames.filter((f) => f.e === "kline" || f.data).map((f) => f.s ?? f.data.s)).toEqual(["BTCUSDT", "ETHUSDT", "ETHUSDT", "ETHUSDT"]);
  });

  it("answers bad live requests with web-socket-streams.md's error frames", async () => {
    ex = await startExchange();
    const c = await open(`${ex.wsUrl}/ws`);
    const err = async (frame: unknown): Promise<Record<string, any>> => {
      const n = c.frames.length;
      c.send(frame);
      await until(() => c.frames.length > n, "an error frame");
      return c.frames[n]!;
    };
    const json = await err("{oops");
    expect(Object.keys(json)).toEqual(["error"]);
    expect(json.error).toMatchObject({ code: 3, msg: expect.stringMatching(/^Invalid JSON: .* at line 1 column \d+$/) });
    expect(await err({ method: "SUBSCRIB", params: [], id: 7 })).toEqual({
      error: { code: 2, msg: "Invalid request: unknown variant `SUBSCRIB`, expected one of `SUBSCRIBE`, `UNSUBSCRIBE`, `LIST_SUBSCRIPTIONS`, `SET_PROPERTY`, `GET_PROPERTY`" },
      id: 7,
    });
    expect(await err({ params: [], id: 8 })).toEqual({ error: { code: 2, msg: "Invalid request: missing field `method`" }, id: 8 });
    expect(await err({ method: "SUBSCRIBE", params: [STREAM], id: { a: 1 } })).toEqual({ error: { code: 2, msg: "Invalid request: request ID must be an unsigned integer" }, id: null });
    expect(await err({ method: "SET_PROPERTY", params: ["speed", true], id: 9 })).toEqual({ error: { code: 0, msg: "Unknown property" }, id: 9 });
    expect(await err({ method: "SET_PROPERTY", params: ["combined", "yes"], id: 10 })).toEqual({ error: { code: 1, msg: "Invalid value type: expected Boolean" }, id: 10 });
    expect(await err({ method: "GET_PROPERTY", params: [5], id: 11 })).toEqual({ error: { code: 2, msg: "Invalid request: property name must be a string" }, id: 11 });
    c.send({ method: "LIST_SUBSCRIPTIONS", id: 12 });
    expect(await c.next((f) => f.id === 12)).toEqual({ result: [], id: 12 });
  });
});

describe("replay WebSocket connections", () => {
  it("sends serverShutdown to raw, combined and WebSocket API connections when the exchange closes, then disconnects them", async () => {
    ex = await startExchange();
    const raw = await open(`${ex.wsUrl}/ws/${STREAM}`);
    const combined = await open(`${ex.wsUrl}/stream?streams=${STREAM}`);
    const api = await open(ex.wsApiUrl);
    await ex.step(3);
    const at = ex.clock.now();
    await ex.close();
    ex = undefined;
    await until(() => [raw, combined, api].every((c) => c.closed), "every connection closed");
    expect(raw.frames[raw.frames.length - 1]).toEqual({ e: "serverShutdown", E: at });
    expect(combined.frames[combined.frames.length - 1]).toEqual({ stream: "!serverShutdown", data: { e: "serverShutdown", E: at } });
    expect(api.frames).toEqual([{ event: { e: "serverShutdown", E: at } }]);
    expect([raw, combined, api].map((c) => c.closed!.code)).toEqual([1001, 1001, 1001]);
  });

  it("disconnects a connection that reaches the maximum connection age (24 h of wall time by default)", async () => {
    expect(replayOptionsSchema.parse({ symbols: ["BTCUSDT"], from: T0, to: T0 + MIN }).maxConnectionAgeMs).toBe(24 * 60 * 60_000);
    ex = await startExchange({ maxConnectionAgeMs: 300 });
    const t0 = Date.now();
    const [raw, api] = [await open(`${ex.wsUrl}/ws/${STREAM}`), await open(ex.wsApiUrl)];
    expect((await api.call("ping")).status).toBe(200);
    await until(() => !!raw.closed && !!api.closed, "both closed by age");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(raw.closed!.code).toBe(1000);
    const again = await open(ex.wsApiUrl); // a new connection starts a new age
    expect((await again.call("ping")).status).toBe(200);
  });

  it.each(["/ws/btcusdt@kline_1m", "/ws-api/v3"])("survives malformed frames on %s and keeps serving", async (path) => {
    ex = await startExchange();
    const port = ex.port;
    const frames = [Buffer.from([0x83, 0x80, 0, 0, 0, 0]), Buffer.from([0x81, 0x01, 0x41]), Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xff, 0xfe])]; // bad opcode, unmasked, bad UTF-8
    for (const frame of frames) {
      const sock = tcpConnect(port, "127.0.0.1");
      let got = "";
      sock.on("data", (d) => (got += d.toString("latin1")));
      const ended = new Promise<void>((r) => sock.on("close", () => r()));
      sock.on("error", () => undefined);
      sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      await until(() => got.includes("\r\n\r\n"), "handshake");
      expect(got.startsWith("HTTP/1.1 101")).toBe(true);
      sock.write(frame);
      await ended;
    }
    const c = await open(ex.wsApiUrl);
    expect((await c.call("ping")).status).toBe(200);
  });
});
