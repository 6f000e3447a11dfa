import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TradelabError } from "../../../lib/core/errors";
import type { BarEvent, ConnectionEvent } from "../../../lib/core/events";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { alpacaPaperVenue, alpacaStreamError, parseAlpacaConfig } from "../../../lib/venues/alpaca/index";
import { AlpacaServer, fixture } from "./alpaca-server";
import { testDeps, until } from "./support";

const KEY = "AKTESTKEYID000000002";
const SECRET = "sEcReTsEcReT0123456789abcdefghijklmnopq";
const iso = (s: string) => Date.parse(s);

let server: AlpacaServer;
let sub: Subscription | undefined;
beforeEach(async () => {
  server = await AlpacaServer.start(KEY, SECRET);
});
afterEach(async () => {
  await sub?.close();
  sub = undefined;
  await server.close();
});

function setup(nowIso: string, secret = SECRET) {
  const deps = testDeps(iso(nowIso));
  const cfg = parseAlpacaConfig({
    apiKey: KEY,
    apiSecret: secret,
    dataBaseUrl: server.httpUrl,
    dataStreamUrl: `${server.wsUrl}/v2`,
    retryBaseMs: 10,
    streamHandshakeTimeoutMs: 2000,
  });
  const md = alpacaPaperVenue.createMarketData!(cfg, deps);
  const bars: BarEvent[] = [];
  const conns: ConnectionEvent[] = [];
  const errors: TradelabError[] = [];
  const handlers = { onBar: (e: BarEvent) => bars.push(e), onConnection: (e: ConnectionEvent) => conns.push(e), onError: (e: Error) => errors.push(e as TradelabError) };
  return { md, deps, bars, conns, errors, handlers };
}

const bar = (t: string, c: number) => ({ T: "b", S: "SPY", o: c, h: c + 0.1, l: c - 0.1, c, v: 100, t });

describe("alpaca stock data stream", () => {
  it("authenticates after the welcome frame, subscribes to bars and turns b messages into BarEvents", async () => {
    const { md, bars, conns, handlers } = setup("2021-02-22T19:15:30Z");
    sub = await md.subscribeBars(["SPY"], "1m", handlers);

    const auth = fixture("stream_req_auth.json");
    expect(server.dataInbox[0]).toEqual({ ...auth, key: KEY, secret: SECRET });
    expect(server.dataInbox[1]).toEqual({ action: "subscribe", bars: ["SPY"] });
    expect(conns).toEqual([{ type: "connection", state: "connected" }]);

    server.pushData([fixture("stream_msg_bar_b.json")]);
    await until(() => bars.length === 1, "bar event");
    expect(bars[0]).toEqual({
      type: "bar",
      venue: "alpaca-paper",
      symbol: "SPY",
      timeframe: "1m",
      bar: { ts: iso("2021-02-22T19:15:00Z"), open: 388.985, high: 389.13, low: 388.975, close: 389.12, volume: 49378 },
    });
  });

  it("ignores the trade and quote frames of the recorded session and trades or quotes sharing a frame with a bar", async () => {
    const { md, bars, errors, handlers } = setup("2021-02-22T19:15:30Z");
    sub = await md.subscribeBars(["SPY"], "1m", handlers);
    const transcript: Array<{ dir: string; frame: Array<{ T: string }> }> = fixture("stream_session_transcript_docs.json");
    const data = transcript.filter((m) => m.dir === "server->client" && m.frame.every((x) => x.T === "t" || x.T === "q"));
    expect(data).toHaveLength(2);
    for (const m of data) server.pushData(m.frame);
    server.pushData([fixture("stream_msg_trade_t.json"), fixture("stream_msg_quote_q.json"), fixture("stream_msg_bar_b.json")]);
    await until(() => bars.length === 1, "bar event");
    expect(errors).toEqual([]);
  });

  it("reports a malformed message with its raw payload and keeps streaming", async () => {
    const { md, bars, errors, handlers } = setup("2021-02-22T19:15:30Z");
    sub = await md.subscribeBars(["SPY"], "1m", handlers);
    server.pushData('[{"T":"b","S":"SPY","o":"388.9","h":389.13,"l":388.975,"c":389.12,"v":49378,"t":"2021-02-22T19:15:00Z"}]');
    server.pushData("this is not json");
    server.pushData([bar("2021-02-22T19:16:00Z", 389.2)]);
    await until(() => bars.length === 1, "the good bar after two bad frames");
    expect(errors.map((e) => e.code)).toEqual(["PARSE_ERROR", "PARSE_ERROR"]);
    expect(JSON.stringify(errors[0]!.details.raw)).toContain('\\"o\\":\\"388.9\\"');
    expect(errors[1]!.details.raw).toBe("this is not json");
    expect(bars[0]!.bar.close).toBe(389.2);
  });

  it("after a drop reconnects, backfills the missed minutes over REST and emits every bar once, in order", async () => {
    const { md, deps, bars, conns, handlers } = setup("2021-02-22T19:15:30Z");
    sub = await md.subscribeBars(["SPY"], "1m", handlers);
    server.pushData([bar("2021-02-22T19:15:00Z", 389)]);
    await until(() => bars.length === 1, "first bar");

    // While disconnected the venue closes 19:16 and 19:17; REST has them (and the 19:15 already seen).
    server.setBars("SPY", "1Min", [
      { t: "2021-02-22T19:15:00Z", o: 389, h: 389.1, l: 388.9, c: 389, v: 100 },
      { t: "2021-02-22T19:16:00Z", o: 389, h: 389.2, l: 388.9, c: 389.1, v: 100 },
      { t: "2021-02-22T19:17:00Z", o: 389.1, h: 389.3, l: 389, c: 389.2, v: 100 },
    ]);
    deps.clock.set(iso("2021-02-22T19:18:10Z"));
    server.dropStreams("data");
    await until(() => conns.some((c) => c.state === "reconnected"), "reconnect");
    await until(() => bars.length === 3, "backfilled bars");
    server.pushData([bar("2021-02-22T19:17:00Z", 389.2), bar("2021-02-22T19:18:00Z", 389.3)]);
    await until(() => bars.length === 4, "live bar after backfill");

    expect(bars.map((b) => new Date(b.bar.ts).toISOString().slice(11, 16))).toEqual(["19:15", "19:16", "19:17", "19:18"]);
    expect(conns.map((c) => c.state)).toEqual(["connected", "disconnected", "reconnected"]);
    expect(conns[2]!.gapFrom).toBe(iso("2021-02-22T19:16:00Z"));
    expect(server.dataConnections).toBe(2);
    expect(server.dataInbox.filter((m) => m.action === "subscribe")).toHaveLength(2);
    const backfill = server.requests.find((r) => r.path === "/v2/stocks/bars")!;
    expect(backfill.query.get("symbols")).toBe("SPY");
    expect(backfill.query.get("start")).toBe("2021-02-22T19:16:00Z");
  });

  it("stops with VENUE_AUTH when the stream refuses the credentials, without reconnecting", async () => {
    const { md, handlers } = setup("2021-02-22T19:15:30Z", "not-the-secret");
    let failure: TradelabError | undefined;
    await md.subscribeBars(["SPY"], "1m", handlers).catch((e: TradelabError) => (failure = e));
    expect(failure?.code).toBe("VENUE_AUTH");
    expect(failure?.retryable).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(server.dataConnections).toBe(1);
  });

  it("surfaces a venue error frame mid-stream as a coded error and keeps the subscription", async () => {
    const { md, bars, errors, handlers } = setup("2021-02-22T19:15:30Z");
    sub = await md.subscribeBars(["SPY"], "1m", handlers);
    server.pushData([{ T: "error", code: 407, msg: "slow client" }]);
    server.pushData([bar("2021-02-22T19:16:00Z", 389.2)]);
    await until(() => bars.length === 1, "bar after error frame");
    expect(errors.map((e) => [e.code, e.retryable])).toEqual([["VENUE_UNAVAILABLE", true]]);
  });

  it("refuses timeframes the stream does not carry", async () => {
    const { md, handlers } = setup("2021-02-22T19:15:30Z");
    await expect(md.subscribeBars(["SPY"], "5m", handlers)).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});

describe("alpaca stream error frames", () => {
  it("maps every documented error frame to a code and a retry decision", () => {
    const frames: Array<[{ code: number; msg: string }]> = fixture("stream_msg_errors_docs.json");
    const mapped = frames.map(([f]) => {
      const e = alpacaStreamError(f.code, f.msg);
      return `${f.code} ${e.code} ${e.retryable}`;
    });
    expect(mapped).toEqual([
      "400 VENUE_REJECTED false",
      "401 VENUE_UNAVAILABLE true",
      "402 VENUE_AUTH false",
      "403 VENUE_REJECTED false",
      "404 VENUE_UNAVAILABLE true",
      "405 INVALID_ARGUMENT false",
      "406 RATE_LIMITED true",
      "407 VENUE_UNAVAILABLE true",
      "408 VENUE_AUTH false",
      "409 VENUE_AUTH false",
      "500 VENUE_UNAVAILABLE true",
    ]);
  });
});
