import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TradelabError } from "../../../lib/core/errors";
import { alpacaPaperVenue, parseAlpacaConfig, type AlpacaMarketData } from "../../../lib/venues/alpaca/index";
import { AlpacaServer, fixture } from "./alpaca-server";
import { testDeps } from "./support";

const KEY = "AKTESTKEYID000000001";
const SECRET = "tEsTsEcReT0123456789abcdefghijklmnopqrst";
const iso = (s: string) => Date.parse(s);

let server: AlpacaServer;
beforeEach(async () => {
  server = await AlpacaServer.start(KEY, SECRET);
});
afterEach(async () => {
  await server.close();
});

function adapter(nowIso: string, over: Record<string, unknown> = {}) {
  const deps = testDeps(iso(nowIso));
  const cfg = parseAlpacaConfig({
    apiKey: KEY,
    apiSecret: SECRET,
    tradingBaseUrl: server.httpUrl,
    dataBaseUrl: server.httpUrl,
    retryBaseMs: 10,
    requestTimeoutMs: 1000,
    ...over,
  });
  return { md: alpacaPaperVenue.createMarketData!(cfg, deps) as AlpacaMarketData, deps };
}

async function rejection(p: Promise<unknown>): Promise<TradelabError> {
  try {
    await p;
  } catch (e) {
    return e as TradelabError;
  }
  throw new Error("expected a rejection");
}

describe("alpaca history", () => {
  it("follows next_page_token to the end and keys daily bars to their session date", async () => {
    const page1 = fixture("md_v2_stocks_bars_AAPL_1Day.json").bars.AAPL;
    const later = fixture("md_v2_stocks_bars_multi.json").bars.AAPL;
    server.setBars("AAPL", "1Day", [...page1, ...later]);
    server.maxPageSize = 1;
    const { md } = adapter("2024-01-01T00:00:00Z");

    const bars = await md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-03-10T00:00:00Z") });

    expect(bars.map((b) => new Date(b.ts).toISOString())).toEqual(["2022-02-01T00:00:00.000Z", "2022-02-02T00:00:00.000Z", "2022-03-09T00:00:00.000Z"]);
    expect(bars[0]).toMatchObject({ open: 174, high: 174.84, low: 172.31, close: 174.61, volume: 85998033, trades: 732412 });
    expect(bars[0]!.quoteVolume).toBeCloseTo(173.703516 * 85998033, 0);
    const pages = server.requests.filter((r) => r.path === "/v2/stocks/AAPL/bars");
    expect(pages).toHaveLength(3);
    expect(pages[0]!.query.get("page_token")).toBeNull();
    expect(pages[1]!.query.get("page_token")).not.toBeNull();
    expect(pages[0]!.query.get("timeframe")).toBe("1Day");
    expect(pages[0]!.query.get("feed")).toBe("iex");
    expect(pages[0]!.query.get("adjustment")).toBe("raw");
  });

  it("sends the key id and secret as APCA headers and never in the URL", async () => {
    server.setBars("AAPL", "1Day", fixture("md_v2_stocks_bars_AAPL_1Day.json").bars.AAPL);
    const { md } = adapter("2024-01-01T00:00:00Z");
    await md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-02-03T00:00:00Z") });
    const r = server.requests[0]!;
    expect(r.headers["apca-api-key-id"]).toBe(KEY);
    expect(r.headers["apca-api-secret-key"]).toBe(SECRET);
    expect(r.query.toString()).not.toContain(KEY);
  });

  it("parses the documented single-symbol response and keeps intraday open times", async () => {
    server.setBars("AAPL", "1Hour", fixture("md_v2_stocks_bars_docs.json").bars);
    const { md } = adapter("2022-04-12T00:00:00Z");
    const bars = await md.history({ symbol: "AAPL", timeframe: "1h", from: iso("2022-04-11T00:00:00Z"), to: iso("2022-04-12T00:00:00Z") });
    expect(bars).toEqual([{ ts: iso("2022-04-11T08:00:00Z"), open: 168.99, high: 169.81, low: 168.99, close: 169, volume: 7170, trades: 206, quoteVolume: 169.233976 * 7170 }]);
  });

  it("returns closed bars only: the bar still forming at `now` is left out", async () => {
    server.setBars("AAPL", "1Hour", [
      { t: "2022-04-11T08:00:00Z", o: 1, h: 2, l: 1, c: 2, v: 10 },
      { t: "2022-04-11T09:00:00Z", o: 2, h: 3, l: 2, c: 3, v: 10 },
    ]);
    const { md } = adapter("2022-04-11T09:30:00Z");
    const bars = await md.history({ symbol: "AAPL", timeframe: "1h", from: iso("2022-04-11T00:00:00Z"), to: iso("2022-04-12T00:00:00Z") });
    expect(bars.map((b) => b.ts)).toEqual([iso("2022-04-11T08:00:00Z")]);
  });

  it("pages the multi-symbol endpoint across symbols", async () => {
    const docs = fixture("md_v2_stocks_bars_multi_docs.json").bars;
    server.setBars("AAPL", "1Day", docs.AAPL);
    server.setBars("TSLA", "1Day", docs.TSLA);
    server.maxPageSize = 1;
    const { md } = adapter("2024-01-01T00:00:00Z");
    const got = await md.historyMulti(["AAPL", "TSLA"], "1d", iso("2022-04-11T00:00:00Z"), iso("2022-04-12T00:00:00Z"));
    expect(got.get("AAPL")!.map((b) => b.close)).toEqual([166.975]);
    expect(got.get("TSLA")!.map((b) => b.close)).toEqual([991.1412]);
    expect(server.count("GET /v2/stocks/bars")).toBe(2);
  });

  it("retries a 429 with growing backoff and then succeeds", async () => {
    server.setBars("AAPL", "1Day", fixture("md_v2_stocks_bars_AAPL_1Day.json").bars.AAPL);
    const limited = { route: "GET /v2/stocks/AAPL/bars", status: 429, body: JSON.stringify({ code: 42910000, message: "rate limit exceeded" }) };
    server.faults.push({ ...limited }, { ...limited });
    const { md, deps } = adapter("2024-01-01T00:00:00Z");
    const bars = await md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-02-03T00:00:00Z") });
    expect(bars).toHaveLength(2);
    expect(server.count("GET /v2/stocks/AAPL/bars")).toBe(3);
    expect(deps.sleeps).toHaveLength(2);
    expect(deps.sleeps[1]!).toBeGreaterThanOrEqual(10);
  });

  it("gives up on a persistent 429 with RATE_LIMITED, marked retryable", async () => {
    for (let i = 0; i < 3; i++) server.faults.push({ route: "GET /v2/stocks/AAPL/bars", status: 429, body: JSON.stringify({ code: 42910000, message: "rate limit exceeded" }) });
    const { md } = adapter("2024-01-01T00:00:00Z", { maxRetries: 2 });
    const e = await rejection(md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-02-03T00:00:00Z") }));
    expect(e.code).toBe("RATE_LIMITED");
    expect(e.retryable).toBe(true);
  });

  it("retries a 503 and a timed-out request", async () => {
    server.setBars("AAPL", "1Day", fixture("md_v2_stocks_bars_AAPL_1Day.json").bars.AAPL);
    server.faults.push({ route: "GET /v2/stocks/AAPL/bars", status: 503, body: "upstream unavailable" }, { route: "GET /v2/stocks/AAPL/bars", hang: true });
    const { md } = adapter("2024-01-01T00:00:00Z", { requestTimeoutMs: 150 });
    const bars = await md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-02-03T00:00:00Z") });
    expect(bars).toHaveLength(2);
    expect(server.count("GET /v2/stocks/AAPL/bars")).toBe(3);
  });

  it("fails on refused credentials with VENUE_AUTH and does not retry", async () => {
    const { md } = adapter("2024-01-01T00:00:00Z", { apiSecret: "wrong-secret-value" });
    const e = await rejection(md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-02-03T00:00:00Z") }));
    expect(e.code).toBe("VENUE_AUTH");
    expect(e.retryable).toBe(false);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects a malformed page with PARSE_ERROR carrying the raw payload", async () => {
    const raw = '{"bars":[{"t":"2022-02-01T05:00:00Z","o":"174","h":174.84,"l":172.31,"c":174.61,"v":1}],"symbol":"AAPL","next_page_token":null}';
    server.faults.push({ route: "GET /v2/stocks/AAPL/bars", status: 200, body: raw });
    const { md } = adapter("2024-01-01T00:00:00Z");
    const e = await rejection(md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-02-03T00:00:00Z") }));
    expect(e.code).toBe("PARSE_ERROR");
    expect(e.details.raw).toBe(raw);
    expect(e.message).toContain("bars.0.o");
  });

  it("rejects a bar whose high is below its close instead of passing it on", async () => {
    server.setBars("AAPL", "1Day", [{ t: "2022-02-01T05:00:00Z", o: 174, h: 170, l: 172.31, c: 174.61, v: 1 }]);
    const { md } = adapter("2024-01-01T00:00:00Z");
    const e = await rejection(md.history({ symbol: "AAPL", timeframe: "1d", from: iso("2022-02-01T00:00:00Z"), to: iso("2022-02-03T00:00:00Z") }));
    expect(e.code).toBe("PARSE_ERROR");
    expect(e.message).toContain("high below");
  });

  it("returns nothing without a request when the range lies in the future", async () => {
    const { md } = adapter("2022-01-01T00:00:00Z");
    expect(await md.history({ symbol: "AAPL", timeframe: "1m", from: iso("2023-01-01T00:00:00Z"), to: iso("2023-01-02T00:00:00Z") })).toEqual([]);
    expect(server.requests).toHaveLength(0);
  });
});
