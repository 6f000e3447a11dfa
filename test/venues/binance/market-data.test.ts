import { afterEach, describe, expect, it } from "vitest";
import type { BarEvent, ConnectionEvent } from "../../../lib/core/events";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { makeBars } from "./fixtures";
import { MIN, T0, setup, until, type Harness } from "./harness";

let h: Harness | undefined;
let sub: Subscription | undefined;
afterEach(async () => {
  await sub?.close();
  await h?.close();
  sub = undefined;
  h = undefined;
});

const ohlcv = (b: { ts: number; open: number; high: number; low: number; close: number; volume: number }) => [b.ts, b.open, b.high, b.low, b.close, b.volume];

describe("Binance klines over REST", () => {
  it("pages through history and leaves out the bar that is still forming", async () => {
    const bars = makeBars(T0, 2501);
    h = await setup({ bars: { "BTCUSDT:1m": bars }, now: T0 + 2500 * MIN + 30_000 });
    const got = await h.venue.marketData.history({ symbol: "BTCUSDT", timeframe: "1m", from: T0, to: T0 + 2501 * MIN });
    expect(got.length).toBe(2500);
    expect(got.map(ohlcv)).toEqual(bars.slice(0, 2500).map(ohlcv));
    const pages = h.server.requests.filter((r) => r.path === "/api/v3/klines");
    expect(pages.map((p) => [p.query.get("startTime"), p.query.get("limit")])).toEqual([
      [String(T0), "1000"],
      [String(T0 + 1000 * MIN), "1000"],
      [String(T0 + 2000 * MIN), "1000"],
    ]);
    expect(pages[0]!.query.get("endTime")).toBe(String(T0 + 2501 * MIN - 1));
  });

  it("honours a smaller page limit and the half-open [from, to) range", async () => {
    h = await setup({ bars: { "BTCUSDT:1m": makeBars(T0, 300) }, now: T0 + 400 * MIN, cfg: { klinePageLimit: 100 } });
    const got = await h.venue.marketData.history({ symbol: "BTCUSDT", timeframe: "1m", from: T0 + 10 * MIN, to: T0 + 260 * MIN });
    expect(got[0]!.ts).toBe(T0 + 10 * MIN);
    expect(got[got.length - 1]!.ts).toBe(T0 + 259 * MIN);
    expect(got.length).toBe(250);
    expect(h.server.count("GET", "/api/v3/klines")).toBe(3);
  });

  it("serves USD-M futures klines and exchange info from the /fapi paths", async () => {
    h = await setup({ bars: { "BTCUSDT:1m": makeBars(T0, 5) }, now: T0 + 10 * MIN, name: "binance-futures" });
    const got = await h.venue.marketData.history({ symbol: "BTCUSDT", timeframe: "1m", from: T0, to: T0 + 5 * MIN });
    expect(got.length).toBe(5);
    expect(h.server.count("GET", "/fapi/v1/klines")).toBe(1);
    expect(h.server.count("GET", "/fapi/v1/time")).toBe(1);
    expect(h.venue.execution).toBeUndefined();
    const [inst] = await h.venue.exchangeInfo.instruments(["BTCUSDT"]);
    expect(inst!.tickSize).toBe(0.01);
    expect(h.server.count("GET", "/fapi/v1/exchangeInfo")).toBe(1);
  });
});

describe("Binance kline stream", () => {
  async function subscribe(hh: Harness, symbols = ["BTCUSDT"]) {
    const bars: BarEvent[] = [];
    const conns: ConnectionEvent[] = [];
    const errors: Error[] = [];
    sub = await hh.venue.marketData.subscribeBars(symbols, "1m", { onBar: (e) => bars.push(e), onConnection: (e) => conns.push(e), onError: (e) => errors.push(e) });
    return { bars, conns, errors };
  }

  it("emits closed klines only, once each, for the subscribed symbols and interval", async () => {
    const series = makeBars(T0, 5);
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 5 * MIN });
    const { bars, conns } = await subscribe(h);
    await until(() => h!.server.klineConnections === 1, "stream connection");
    h.server.pushKline("BTCUSDT", "1m", series[0]!, false);
    h.server.pushKline("BTCUSDT", "1m", series[0]!, true);
    h.server.pushKline("BTCUSDT", "1m", series[0]!, true); // duplicate
    h.server.pushKline("ETHUSDT", "1m", series[1]!, true); // not subscribed (same socket would not get it anyway)
    h.server.pushKline("BTCUSDT", "1m", series[1]!, true);
    await until(() => bars.length === 2, "two bars");
    await new Promise((r) => setTimeout(r, 30));
    expect(bars.map((b) => [b.symbol, b.timeframe, b.venue, b.bar.ts])).toEqual([
      ["BTCUSDT", "1m", "binance", T0],
      ["BTCUSDT", "1m", "binance", T0 + MIN],
    ]);
    expect(conns).toEqual([{ type: "connection", state: "connected" }]);
  });

  it("backfills the bars missed during a disconnect over REST: no duplicate, no missing bar", async () => {
    const series = makeBars(T0, 30);
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 11 * MIN });
    const { bars, conns } = await subscribe(h);
    await until(() => h!.server.klineConnections === 1, "stream connection");
    h.server.pushKline("BTCUSDT", "1m", series[9]!, true);
    h.server.pushKline("BTCUSDT", "1m", series[10]!, true);
    await until(() => bars.length === 2, "first bars");
    h.server.dropKlineSockets();
    await until(() => conns.some((c) => c.state === "disconnected"), "disconnect");
    h.clock.advance(5 * MIN + 5000); // bars 11..15 close while we are away; 16 is forming
    await until(() => conns.some((c) => c.state === "reconnected"), "reconnect");
    h.server.pushKline("BTCUSDT", "1m", series[15]!, true); // replayed after reconnect: already backfilled
    h.clock.advance(MIN);
    h.server.pushKline("BTCUSDT", "1m", series[16]!, true);
    await until(() => bars.length === 8, "backfill and live bar");
    await new Promise((r) => setTimeout(r, 30));
    expect(bars.map((b) => (b.bar.ts - T0) / MIN)).toEqual([9, 10, 11, 12, 13, 14, 15, 16]);
    expect(bars.map((b) => b.bar.close)).toEqual(series.slice(9, 17).map((b) => b.close));
    expect(conns.map((c) => c.state)).toEqual(["connected", "disconnected", "reconnected"]);
    expect(conns[2]!.gapFrom).toBe(T0 + 11 * MIN);
  });

  it("reconnects at once on a serverShutdown event (no backoff) and backfills the bars closed meanwhile", async () => {
    const series = makeBars(T0, 30);
    // A 20 s backoff: only an immediate reconnect can happen within the test.
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 11 * MIN, cfg: { reconnect: { initialMs: 20_000, maxMs: 20_000 } } });
    const { bars, conns } = await subscribe(h);
    await until(() => h!.server.klineConnections === 1, "stream connection");
    h.server.pushKline("BTCUSDT", "1m", series[10]!, true);
    await until(() => bars.length === 1, "first bar");
    h.clock.advance(2 * MIN);
    // web-socket-streams.md "Server Shutdown", combined-stream form
    h.server.sendKlineRaw(JSON.stringify({ stream: "!serverShutdown", data: { e: "serverShutdown", E: T0 + 13 * MIN } }));
    await until(() => conns.some((c) => c.state === "reconnected") && bars.length === 3, "reconnect and backfill", 3000);
    expect(bars.map((b) => (b.bar.ts - T0) / MIN)).toEqual([10, 11, 12]);
    expect(h.server.klineConnections).toBe(1);
  });

  it("reconnects before the venue's 24 h limit when the connection reaches wsMaxConnectionAgeMs", async () => {
    const series = makeBars(T0, 30);
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 11 * MIN, cfg: { wsMaxConnectionAgeMs: 1000, reconnect: { initialMs: 20_000, maxMs: 20_000 } } });
    const { conns } = await subscribe(h);
    await until(() => conns.some((c) => c.state === "reconnected"), "planned reconnect", 4000);
    expect(conns.map((c) => c.state).slice(0, 3)).toEqual(["connected", "disconnected", "reconnected"]);
    expect(h.logs.some((l) => String(l.obj.reason ?? "").includes("maximum age"))).toBe(true);
  });

  it("joins warm-up history and the stream without a gap when told the last bar the caller has", async () => {
    const series = makeBars(T0, 30);
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 12 * MIN + 10_000 });
    const bars: BarEvent[] = [];
    sub = await h.venue.marketData.subscribeBars(["BTCUSDT"], "1m", { onBar: (e) => bars.push(e) }, { lastBarTs: T0 + 8 * MIN });
    await until(() => bars.length === 3, "backfilled bars");
    h.server.pushKline("BTCUSDT", "1m", series[11]!, true); // already backfilled
    h.clock.advance(MIN);
    h.server.pushKline("BTCUSDT", "1m", series[12]!, true);
    await until(() => bars.length === 4, "live bar");
    expect(bars.map((b) => (b.bar.ts - T0) / MIN)).toEqual([9, 10, 11, 12]);
  });

  it("fills a gap between two live bars from REST before emitting the later one", async () => {
    const series = makeBars(T0, 30);
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 24 * MIN });
    const { bars } = await subscribe(h);
    await until(() => h!.server.klineConnections === 1, "stream connection");
    h.server.pushKline("BTCUSDT", "1m", series[20]!, true);
    h.server.pushKline("BTCUSDT", "1m", series[23]!, true);
    await until(() => bars.length === 4, "gap filled");
    expect(bars.map((b) => (b.bar.ts - T0) / MIN)).toEqual([20, 21, 22, 23]);
  });

  it("rejects the subscription when the stream cannot be reached at all", async () => {
    h = await setup({ cfg: { wsBaseUrl: "ws://127.0.0.1:9", maxRetries: 1 } });
    await expect(h.venue.marketData.subscribeBars(["BTCUSDT"], "1m", { onBar: () => undefined })).rejects.toMatchObject({ code: "VENUE_UNAVAILABLE" });
  });

  it("reports malformed frames with the raw payload and keeps streaming", async () => {
    const series = makeBars(T0, 5);
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 5 * MIN });
    const { bars, errors } = await subscribe(h);
    await until(() => h!.server.klineConnections === 1, "stream connection");
    h.server.sendKlineRaw("{not json");
    h.server.sendKlineRaw(JSON.stringify({ stream: "btcusdt@kline_1m", data: { e: "kline", E: 1, s: "BTCUSDT", k: { t: T0, o: "abc" } } }));
    h.server.sendKlineRaw(JSON.stringify({ result: null, id: 1 })); // SUBSCRIBE ack: not an error
    h.server.pushKline("BTCUSDT", "1m", { ...series[0]!, high: series[0]!.low - 1 }, true); // OHLC-inconsistent
    h.server.pushKline("BTCUSDT", "1m", series[1]!, true);
    await until(() => bars.length === 1 && errors.length === 3, "errors and the good bar");
    expect(errors.map((e) => (e as { code?: string }).code)).toEqual(["PARSE_ERROR", "PARSE_ERROR", "PARSE_ERROR"]);
    expect((errors[0] as unknown as { details: { raw: string } }).details.raw).toBe("{not json");
    expect((errors[1] as unknown as { details: { raw: string } }).details.raw).toContain('"o":"abc"');
    expect(bars[0]!.bar.ts).toBe(T0 + MIN);
  });
});
