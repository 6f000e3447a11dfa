import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BAR_FIELDS } from "../../../lib/core/bar";
import type { TradelabError } from "../../../lib/core/errors";
import type { BarEvent, ConnectionEvent } from "../../../lib/core/events";
import type { MarketDataPort, Subscription } from "../../../lib/core/ports/market-data.port";
import { parseYahooConfig, yahooCapabilities, yahooVenue } from "../../../lib/venues/yahoo/index";
import { testDeps, until } from "../alpaca/support";
import { YahooServer, fixture } from "./yahoo-server";

const iso = (s: string) => Date.parse(s);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);

let server: YahooServer;
let sub: Subscription | undefined;
beforeEach(async () => {
  server = await YahooServer.start();
});
afterEach(async () => {
  await sub?.close();
  sub = undefined;
  await server.close();
});

function setup(nowIso: string, over: Record<string, unknown> = {}) {
  const deps = testDeps(iso(nowIso));
  const cfg = parseYahooConfig({ baseUrl: server.url, retryBaseMs: 10, requestTimeoutMs: 1000, ...over });
  return { md: yahooVenue.createMarketData!(cfg, deps) as MarketDataPort, deps };
}

async function rejection(p: Promise<unknown>): Promise<TradelabError> {
  try {
    await p;
  } catch (e) {
    return e as TradelabError;
  }
  throw new Error("expected a rejection");
}

const GS_DAILY = { symbol: "GS", timeframe: "1d" as const, from: iso("2023-10-02T00:00:00Z"), to: iso("2023-10-10T00:00:00Z") };

describe("yahoo chart v8 history", () => {
  it("keys the recorded daily rows to their New York session date and strips float32 noise", async () => {
    server.setChart("GS", "1d", fixture("chart_v8_GS_1d.json"));
    const { md } = setup("2023-10-11T00:00:00Z");
    const bars = await md.history(GS_DAILY);
    expect(bars.map((b) => day(b.ts))).toEqual(["2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06", "2023-10-09"]);
    expect(bars[0]).toEqual({ ts: iso("2023-10-02T00:00:00Z"), open: 322.03, high: 323.58, low: 317.1, close: 318.5, volume: 1303800 });
    const q = server.requests[0]!.query;
    expect([q.get("interval"), q.get("includePrePost")]).toEqual(["1d", "false"]);
    expect(Number(q.get("period1"))).toBe(iso("2023-10-01T00:00:00Z") / 1000);
    expect(server.requests[0]!.userAgent).toMatch(/^Mozilla\/5\.0/);
  });

  it("skips rows with null prices, turns a lone null volume into 0, and never emits NaN", async () => {
    server.setChart("GS", "1d", fixture("chart_v8_GS_1d_null_rows_derived.json"));
    const { md } = setup("2023-10-11T00:00:00Z");
    const bars = await md.history(GS_DAILY);
    expect(bars.map((b) => day(b.ts))).toEqual(["2023-10-02", "2023-10-03", "2023-10-05", "2023-10-06", "2023-10-09"]);
    expect(bars.find((b) => day(b.ts) === "2023-10-06")!.volume).toBe(0);
    for (const b of bars) for (const k of BAR_FIELDS) expect(Number.isFinite(b[k])).toBe(true);
  });

  it("reads intraday rows, skipping a halted (null) interval and the live last-price row", async () => {
    server.setChart("GS", "5m", fixture("chart_v8_GS_5m_derived.json"));
    const { md } = setup("2023-10-09T14:10:00Z");
    const bars = await md.history({ symbol: "GS", timeframe: "5m", from: iso("2023-10-09T13:30:00Z"), to: iso("2023-10-09T16:00:00Z") });
    expect(bars.map((b) => hhmm(b.ts))).toEqual(["13:30", "13:35", "13:40", "13:50", "13:55"]);
  });

  it("leaves out the bar still forming at `now`", async () => {
    server.setChart("GS", "5m", fixture("chart_v8_GS_5m_derived.json"));
    const { md } = setup("2023-10-09T13:57:00Z");
    const bars = await md.history({ symbol: "GS", timeframe: "5m", from: iso("2023-10-09T13:30:00Z"), to: iso("2023-10-09T16:00:00Z") });
    expect(bars.map((b) => hhmm(b.ts))).toEqual(["13:30", "13:35", "13:40", "13:50"]);
  });

  it("cuts a long 1m range into the 7-day windows Yahoo accepts", async () => {
    server.setChart("^GSPC", "1m", fixture("chart_v8_GS_1d.json"));
    const { md } = setup("2023-10-20T00:00:00Z");
    const bars = await md.history({ symbol: "^GSPC", timeframe: "1m", from: iso("2023-10-05T00:00:00Z"), to: iso("2023-10-15T00:00:00Z") });
    expect(bars.map((b) => new Date(b.ts).toISOString())).toEqual(["2023-10-05T13:30:00.000Z", "2023-10-06T13:30:00.000Z", "2023-10-09T13:30:00.000Z"]);
    const spans = server.requests.map((r) => Number(r.query.get("period2")) - Number(r.query.get("period1")));
    expect(spans).toEqual([7 * 86_400, 3 * 86_400]);
    expect(server.requests[0]!.symbol).toBe("^GSPC");
  });

  it("maps the not-found body to DATA_NOT_FOUND and does not retry, whether sent with 404 or 200", async () => {
    const { md } = setup("2023-10-11T00:00:00Z");
    const e404 = await rejection(md.history({ ...GS_DAILY, symbol: "NOPE" }));
    expect([e404.code, e404.retryable, e404.details.yahooDescription]).toEqual(["DATA_NOT_FOUND", false, "No data found, symbol may be delisted"]);
    expect(server.requests).toHaveLength(1);
    server.faults.push({ status: 200, body: JSON.stringify(fixture("chart_v8_error_not_found.json")) });
    const e200 = await rejection(md.history({ ...GS_DAILY, symbol: "NOPE" }));
    expect(e200.code).toBe("DATA_NOT_FOUND");
  });

  it("retries 429, 5xx and timeouts with backoff", async () => {
    server.setChart("GS", "1d", fixture("chart_v8_GS_1d.json"));
    server.faults.push({ status: 429, body: "Too Many Requests\r\n", headers: { "content-type": "text/plain" } }, { status: 502, body: "" }, { hang: true });
    const { md, deps } = setup("2023-10-11T00:00:00Z", { requestTimeoutMs: 100 });
    expect(await md.history(GS_DAILY)).toHaveLength(6);
    expect(server.requests).toHaveLength(4);
    expect(deps.sleeps).toHaveLength(3);
  });

  it("reports a persistent 429 as RATE_LIMITED, retryable", async () => {
    for (let i = 0; i < 2; i++) server.faults.push({ status: 429, body: "Too Many Requests" });
    const { md } = setup("2023-10-11T00:00:00Z", { maxRetries: 1 });
    const e = await rejection(md.history(GS_DAILY));
    expect([e.code, e.retryable]).toEqual(["RATE_LIMITED", true]);
  });

  it("rejects a malformed chart with PARSE_ERROR carrying the raw body", async () => {
    const bad = fixture("chart_v8_GS_1d.json");
    bad.chart.result[0].indicators.quote[0].close[1] = "306.12";
    const raw = JSON.stringify(bad);
    server.faults.push({ status: 200, body: raw });
    const { md } = setup("2023-10-11T00:00:00Z");
    const e = await rejection(md.history(GS_DAILY));
    expect(e.code).toBe("PARSE_ERROR");
    expect(e.details.raw).toBe(raw);
    expect(e.message).toContain("chart.result.0.indicators.quote.0.close.1");
  });

  it("rejects a row whose high is below its close, unless repairHighLow is on", async () => {
    const bad = fixture("chart_v8_GS_1d.json");
    bad.chart.result[0].indicators.quote[0].high[0] = 318;
    server.setChart("GS", "1d", bad);
    const strict = setup("2023-10-11T00:00:00Z");
    const e = await rejection(strict.md.history(GS_DAILY));
    expect([e.code, e.details.row]).toEqual(["PARSE_ERROR", 0]);
    const lenient = setup("2023-10-11T00:00:00Z", { repairHighLow: true });
    const bars = await lenient.md.history(GS_DAILY);
    expect(bars[0]).toMatchObject({ open: 322.03, high: 322.03, close: 318.5 });
  });

  it("has no 4h interval and says so before any request", async () => {
    const { md } = setup("2023-10-11T00:00:00Z");
    const e = await rejection(md.history({ ...GS_DAILY, timeframe: "4h" }));
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(server.requests).toHaveLength(0);
    expect(yahooCapabilities.timeframes).not.toContain("4h");
  });
});

describe("yahoo bars by polling", () => {
  it("emits newly closed bars once, reports an outage as disconnected and resumes where it stopped", async () => {
    server.setChart("GS", "5m", fixture("chart_v8_GS_5m_derived.json"));
    const { md, deps } = setup("2023-10-09T13:42:00Z", { pollIntervalMs: 15, maxRetries: 0 });
    const bars: BarEvent[] = [];
    const conns: ConnectionEvent[] = [];
    const errors: TradelabError[] = [];
    sub = await md.subscribeBars(["GS"], "5m", { onBar: (e) => bars.push(e), onConnection: (c) => conns.push(c), onError: (e) => errors.push(e as TradelabError) });
    await new Promise((r) => setTimeout(r, 60));
    expect(bars).toEqual([]); // 13:40 has not closed yet at 13:42
    deps.clock.set(iso("2023-10-09T13:52:00Z"));
    await until(() => bars.length === 1, "13:40 bar");
    server.faults.push({ status: 503, body: "" });
    deps.clock.set(iso("2023-10-09T14:10:00Z"));
    await until(() => bars.length === 3, "13:50 and 13:55 after the outage");
    expect(bars.map((b) => hhmm(b.bar.ts))).toEqual(["13:40", "13:50", "13:55"]);
    expect(bars[0]).toMatchObject({ type: "bar", venue: "yahoo", symbol: "GS", timeframe: "5m" });
    expect(conns.map((c) => c.state)).toEqual(["connected", "disconnected", "reconnected"]);
    expect(errors.map((e) => e.code)).toEqual(["VENUE_UNAVAILABLE"]);
  });
});
