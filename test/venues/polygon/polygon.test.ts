import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TradelabError } from "../../../lib/core/errors";
import type { BarEvent, ConnectionEvent } from "../../../lib/core/events";
import type { MarketDataPort, Subscription } from "../../../lib/core/ports/market-data.port";
import { parsePolygonConfig, polygonVenue } from "../../../lib/venues/polygon/index";
import { testDeps, until } from "../alpaca/support";
import { PolygonServer, fixture, type RawAgg } from "./polygon-server";

const KEY = "pOlYgOnKeY0123456789abcdefghijk";
const iso = (s: string) => Date.parse(s);

let server: PolygonServer;
let sub: Subscription | undefined;
beforeEach(async () => {
  server = await PolygonServer.start(KEY);
});
afterEach(async () => {
  await sub?.close();
  sub = undefined;
  await server.close();
});

function setup(nowIso: string, over: Record<string, unknown> = {}) {
  const deps = testDeps(iso(nowIso));
  const cfg = parsePolygonConfig({ apiKey: KEY, restBaseUrl: server.httpUrl, streamUrl: server.wsUrl, retryBaseMs: 10, requestTimeoutMs: 1000, ...over });
  return { md: polygonVenue.createMarketData!(cfg, deps) as MarketDataPort, deps };
}

async function rejection(p: Promise<unknown>): Promise<TradelabError> {
  try {
    await p;
  } catch (e) {
    return e as TradelabError;
  }
  throw new Error("expected a rejection");
}

const minute = (t: string, c: number): RawAgg => ({ t: iso(t), o: c, h: c + 0.05, l: c - 0.05, c, v: 1000, vw: c, n: 10 });

describe("polygon aggregates history", () => {
  it("parses the recorded AAPL daily aggregates and keys them to their session date", async () => {
    server.setAggs("AAPL", "1/day", fixture("v2_aggs_range_AAPL_1_day_2005-04-01_2005-04-04.json").results);
    const { md } = setup("2024-01-01T00:00:00Z");
    const bars = await md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2005-04-01T00:00:00Z"), to: iso("2005-04-05T00:00:00Z") });
    expect(bars.map((b) => new Date(b.ts).toISOString().slice(0, 10))).toEqual(["2005-04-01", "2005-04-04"]);
    expect(bars[0]).toMatchObject({ open: 1.5032, high: 1.5064, low: 1.4489, close: 1.4604, volume: 642646396, trades: 82132 });
    const q = server.requests[0]!.query;
    expect([q.get("adjusted"), q.get("sort"), q.get("limit"), q.get("apiKey")]).toEqual(["true", "asc", "50000", KEY]);
  });

  it("follows next_url on our own host, adding the key back, until the range is complete", async () => {
    const recorded = fixture("v2_aggs_range_openapi_example.json");
    const more: RawAgg[] = [
      { t: iso("2020-01-06T05:00:00Z"), o: 73.45, h: 74.99, l: 73.19, c: 74.95, v: 118387200, vw: 74.3, n: 1 },
      { t: iso("2020-01-07T05:00:00Z"), o: 74.96, h: 75.22, l: 74.37, c: 74.6, v: 108872000, vw: 74.8, n: 1 },
    ];
    server.setAggs("AAPL", "1/day", [...recorded.results, ...more]);
    server.faults.push({ pathPrefix: "/v2/aggs/ticker/AAPL", status: 200, body: JSON.stringify(recorded) });
    server.maxPageSize = 1;
    const { md } = setup("2024-01-01T00:00:00Z");
    const bars = await md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2020-01-02T00:00:00Z"), to: iso("2020-01-08T00:00:00Z") });
    expect(bars.map((b) => new Date(b.ts).toISOString().slice(0, 10))).toEqual(["2020-01-02", "2020-01-03", "2020-01-06", "2020-01-07"]);
    // The recorded next_url points at api.massive.com: it was re-based onto the configured host.
    const second = server.requests[1]!;
    expect(second.path).toBe("/v2/aggs/ticker/AAPL/range/1/day/1578114000000/2020-01-10");
    expect(second.query.get("cursor")).toBe("bGltaXQ9MiZzb3J0PWFzYw");
    expect(second.query.get("apiKey")).toBe(KEY);
    expect(server.requests.length).toBe(3);
  });

  it("retries 429 and 5xx with backoff", async () => {
    server.setAggs("AAPL", "1/minute", [minute("2024-03-01T15:00:00Z", 180)]);
    server.faults.push(
      { pathPrefix: "/v2/aggs", status: 429, body: '{"status":"ERROR","request_id":"x","error":"You\'ve exceeded the maximum requests per minute"}' },
      { pathPrefix: "/v2/aggs", status: 502, body: "bad gateway" },
    );
    const { md, deps } = setup("2024-03-01T16:00:00Z");
    const bars = await md.history({ symbol: "AAPL", timeframe: "1m", from: iso("2024-03-01T15:00:00Z"), to: iso("2024-03-01T15:01:00Z") });
    expect(bars).toHaveLength(1);
    expect(deps.sleeps).toHaveLength(2);
  });

  it("refuses a bad key with VENUE_AUTH, once, with the key masked in the error", async () => {
    const { md } = setup("2024-03-01T16:00:00Z", { apiKey: "wrong-polygon-key-000" });
    const e = await rejection(md.history({ symbol: "AAPL", timeframe: "1m", from: iso("2024-03-01T15:00:00Z"), to: iso("2024-03-01T15:01:00Z") }));
    expect([e.code, e.retryable]).toEqual(["VENUE_AUTH", false]);
    expect(server.requests).toHaveLength(1);
    expect(`${e.message} ${JSON.stringify(e.details)}`).not.toContain("wrong-polygon-key-000");
  });

  it("rejects malformed results with PARSE_ERROR carrying the raw body", async () => {
    const raw = '{"ticker":"AAPL","status":"OK","results":[{"t":1112331600000,"o":null,"h":1.5,"l":1.4,"c":1.46,"v":1}]}';
    server.faults.push({ pathPrefix: "/v2/aggs", status: 200, body: raw });
    const { md } = setup("2024-01-01T00:00:00Z");
    const e = await rejection(md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2005-04-01T00:00:00Z"), to: iso("2005-04-05T00:00:00Z") }));
    expect(e.code).toBe("PARSE_ERROR");
    expect(e.details.raw).toBe(raw);
  });
});

describe("polygon aggregates stream", () => {
  it("authenticates, subscribes AM channels and turns AM events into 1m BarEvents", async () => {
    const { md } = setup("2021-01-08T22:24:30Z");
    const bars: BarEvent[] = [];
    sub = await md.subscribeBars(["GTE", "MSFT"], "1m", { onBar: (e) => bars.push(e) });
    expect(server.inbox).toEqual([
      { action: "auth", params: KEY },
      { action: "subscribe", params: "AM.GTE,AM.MSFT" },
    ]);
    server.push([fixture("ws_stocks_T_trade.json"), fixture("ws_stocks_A_second_aggregate.json"), fixture("ws_stocks_AM_minute_aggregate.json")]);
    await until(() => bars.length === 1, "AM bar");
    expect(bars[0]).toEqual({
      type: "bar",
      venue: "polygon",
      symbol: "GTE",
      timeframe: "1m",
      bar: { ts: 1610144640000, open: 0.4488, high: 0.4489, low: 0.4486, close: 0.4486, volume: 4110, quoteVolume: 0.4488 * 4110 },
    });
  });

  it("reports a malformed event with its raw payload and keeps streaming", async () => {
    const { md } = setup("2021-01-08T22:24:30Z");
    const bars: BarEvent[] = [];
    const errors: TradelabError[] = [];
    sub = await md.subscribeBars(["GTE"], "1m", { onBar: (e) => bars.push(e), onError: (e) => errors.push(e as TradelabError) });
    const bad = { ...fixture("ws_stocks_AM_minute_aggregate.json"), o: "0.44" };
    server.push([bad, fixture("ws_stocks_AM_minute_aggregate.json")]);
    server.push("{oops");
    await until(() => errors.length === 2 && bars.length === 1, "one error per bad frame, and the good bar");
    expect(errors.map((e) => e.code)).toEqual(["PARSE_ERROR", "PARSE_ERROR"]);
    expect(String(errors[0]!.details.raw)).toContain('"o":"0.44"');
    expect(errors[1]!.details.raw).toBe("{oops");
  });

  it("after a drop reconnects, re-authenticates, backfills the gap over REST and emits each minute once", async () => {
    const { md, deps } = setup("2024-03-01T15:00:30Z");
    const bars: BarEvent[] = [];
    const conns: ConnectionEvent[] = [];
    sub = await md.subscribeBars(["AAPL"], "1m", { onBar: (e) => bars.push(e), onConnection: (c) => conns.push(c) });
    const am = (t: string, c: number) => ({ ev: "AM", sym: "AAPL", v: 1000, o: c, h: c + 0.05, l: c - 0.05, c, s: iso(t), e: iso(t) + 60_000 });
    server.push([am("2024-03-01T15:00:00Z", 180)]);
    await until(() => bars.length === 1, "first bar");
    server.setAggs("AAPL", "1/minute", [minute("2024-03-01T15:00:00Z", 180), minute("2024-03-01T15:01:00Z", 180.1), minute("2024-03-01T15:02:00Z", 180.2)]);
    deps.clock.set(iso("2024-03-01T15:03:05Z"));
    server.drop();
    await until(() => bars.length === 3, "backfill");
    server.push([am("2024-03-01T15:02:00Z", 180.2), am("2024-03-01T15:03:00Z", 180.3)]);
    await until(() => bars.length === 4, "live after backfill");
    expect(bars.map((b) => new Date(b.bar.ts).toISOString().slice(11, 16))).toEqual(["15:00", "15:01", "15:02", "15:03"]);
    expect(conns.map((c) => c.state)).toEqual(["connected", "disconnected", "reconnected"]);
    expect(server.connections).toBe(2);
    expect(server.inbox.filter((m) => m.action === "auth")).toHaveLength(2);
  });

  it("stops with VENUE_AUTH on auth_failed and does not reconnect", async () => {
    const { md } = setup("2024-03-01T15:00:30Z", { apiKey: "bad-stream-key-123" });
    await expect(md.subscribeBars(["AAPL"], "1m", { onBar: () => undefined })).rejects.toMatchObject({ code: "VENUE_AUTH", retryable: false });
    await new Promise((r) => setTimeout(r, 60));
    expect(server.connections).toBe(1);
  });

  it("never logs the key, which travels in URLs and the auth frame", async () => {
    server.setAggs("AAPL", "1/minute", [minute("2024-03-01T15:00:00Z", 180), minute("2024-03-01T15:01:00Z", 180.1)]);
    server.maxPageSize = 1;
    server.faults.push({ pathPrefix: "/v2/aggs", status: 429, body: "{}" }, { pathPrefix: "/v2/aggs", hang: true });
    const { md, deps } = setup("2024-03-01T16:00:00Z", { requestTimeoutMs: 100 });
    await md.history({ symbol: "AAPL", timeframe: "1m", from: iso("2024-03-01T15:00:00Z"), to: iso("2024-03-01T15:02:00Z") });
    sub = await md.subscribeBars(["AAPL"], "1m", { onBar: () => undefined });
    server.push("garbage");
    server.drop();
    await new Promise((r) => setTimeout(r, 80));
    expect(deps.logger.lines.length).toBeGreaterThan(3);
    expect(deps.logger.text).toContain("apiKey=");
    expect(deps.logger.text).not.toContain(KEY);
    const cfg = parsePolygonConfig({ apiKey: KEY });
    expect(`${JSON.stringify(cfg)} ${inspect(cfg)}`).not.toContain(KEY);
  });

  it("refuses timeframes the stream does not carry", async () => {
    const { md } = setup("2024-03-01T15:00:30Z");
    await expect(md.subscribeBars(["AAPL"], "1h", { onBar: () => undefined })).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
