import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { VenueError } from "../../../lib/core/errors";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { binanceConfigSchema } from "../../../lib/venues/binance/config";
import { fixture } from "./fixtures";
import { API_KEY, API_SECRET, MIN, T0, setup, until, type Harness } from "./harness";

let h: Harness | undefined;
let sub: Subscription | undefined;
afterEach(async () => {
  await sub?.close();
  await h?.close();
  sub = undefined;
  h = undefined;
});

const account = (hh: Harness) => hh.venue.execution!.balances();
const errorPayload = (code: number) => fixture<{ http_status: number; body: { code: number; msg: string } }[]>("spot_error_payloads_docs").find((e) => e.body.code === code)!;

describe("Binance transport: rate limits", () => {
  it("backs off for Retry-After on 429 and then succeeds", async () => {
    h = await setup();
    const p = errorPayload(-1003);
    h.server.inject("GET", "/api/v3/account", { kind: "status", status: p.http_status, body: p.body, headers: { "Retry-After": "7" } });
    await expect(account(h)).resolves.toHaveLength(2);
    expect(h.sleeps).toContain(7000);
    expect(h.server.count("GET", "/api/v3/account")).toBe(2);
  });

  it("returns RATE_LIMITED instead of waiting when Retry-After exceeds maxRetryAfterMs", async () => {
    h = await setup({ cfg: { maxRetryAfterMs: 5000 } });
    h.server.inject("GET", "/api/v3/account", { kind: "status", status: 429, body: errorPayload(-1003).body, headers: { "Retry-After": "30" } });
    await expect(account(h)).rejects.toMatchObject({ code: "RATE_LIMITED", retryable: true, details: { retryAfterMs: 30_000 } });
  });

  it("on 418 fails fast with IP_BANNED, sends nothing until the ban ends, then recovers", async () => {
    h = await setup();
    h.server.inject("GET", "/api/v3/account", { kind: "status", status: 418, body: { code: -1003, msg: "Way too much request weight used; IP banned until 1704067320000." }, headers: { "Retry-After": "120" } });
    await expect(account(h)).rejects.toMatchObject({ code: "IP_BANNED" });
    const before = h.server.requests.length;
    const during = await account(h).catch((e: unknown) => e);
    expect(during).toBeInstanceOf(VenueError);
    expect((during as VenueError).code).toBe("IP_BANNED");
    expect((during as VenueError).details.retryAfterMs).toBe(120_000);
    expect(h.server.requests.length).toBe(before); // nothing reached the network
    h.clock.advance(120_001);
    await expect(account(h)).resolves.toHaveLength(2);
  });

  it("waits for the next minute when X-MBX-USED-WEIGHT-1M says the budget is spent", async () => {
    h = await setup({ now: T0 + 30_000 });
    await account(h); // syncs time, learns the weight
    h.server.usedWeightOverride = 5390; // budget 6000 * 0.9 = 5400; account costs 20
    await account(h);
    h.server.usedWeightOverride = undefined;
    const sleepsBefore = h.sleeps.length;
    await account(h);
    expect(h.sleeps.slice(sleepsBefore)).toEqual([T0 + MIN - (T0 + 30_000) + 1]);
  });
});

describe("Binance transport: retries and clock drift", () => {
  it("retries a read after 5xx and after a timeout", async () => {
    h = await setup();
    h.server.inject("GET", "/api/v3/exchangeInfo", { kind: "status", status: 503, body: { code: -1008, msg: "Server is currently overloaded with other requests. Please try again in a few minutes." } });
    h.server.inject("GET", "/api/v3/exchangeInfo", { kind: "hang" });
    const [i] = await h.venue.exchangeInfo.instruments(["BTCUSDT"]);
    expect(i!.tickSize).toBe(0.01);
    expect(h.server.count("GET", "/api/v3/exchangeInfo")).toBe(3);
  });

  it("resyncs the clock and resends when the venue drifts beyond recvWindow (-1021), both directions", async () => {
    h = await setup();
    await account(h);
    expect(h.server.count("GET", "/api/v3/time")).toBe(1);
    h.server.serverOffsetMs = 12_000; // venue now 12 s ahead: our timestamp is outside recvWindow
    await expect(account(h)).resolves.toHaveLength(2);
    expect(h.server.count("GET", "/api/v3/time")).toBe(2);
    expect(h.venue.rest.timeSync.offsetMs).toBe(12_000);
    h.server.serverOffsetMs = -3000; // venue now behind: our timestamp is ahead of its time
    await expect(account(h)).resolves.toHaveLength(2);
    expect(h.venue.rest.timeSync.offsetMs).toBe(-3000);
    expect(await h.venue.exchangeInfo.clockDriftMs()).toBe(-3000);
  });

  it("surfaces -1022 (bad signature) as VENUE_AUTH without retrying", async () => {
    h = await setup({ cfg: { apiSecret: "not-the-right-secret" } });
    await expect(account(h)).rejects.toMatchObject({ code: "VENUE_AUTH", retryable: false, details: { binanceCode: -1022 } });
    expect(h.server.count("GET", "/api/v3/account")).toBe(1);
  });

  it("refuses signed calls without credentials before touching the network", async () => {
    h = await setup({ cfg: { apiKey: undefined, apiSecret: undefined } });
    await expect(account(h)).rejects.toMatchObject({ code: "VENUE_AUTH" });
    expect(h.server.requests.length).toBe(0);
    expect(await h.venue.exchangeInfo.fees("BTCUSDT")).toEqual({ makerBps: 10, takerBps: 10 });
  });

  it("reads fee rates from the account's commissionRates", async () => {
    h = await setup();
    expect(await h.venue.exchangeInfo.fees("BTCUSDT")).toEqual({ makerBps: 15, takerBps: 15 });
  });
});

describe("Binance credentials never reach logs or errors", () => {
  it("masks the API key, secret and signatures in every log line and error", async () => {
    h = await setup();
    const seen: string[] = [];
    // a timeout on a signed request (its URL carries the signature), a retried 5xx, and the user stream
    h.server.inject("GET", "/api/v3/account", { kind: "hang" });
    h.server.inject("GET", "/api/v3/openOrders", { kind: "status", status: 500, body: "" });
    await account(h);
    await h.venue.execution!.openOrders("BTCUSDT");
    sub = await h.venue.execution!.subscribe({ onError: (e) => seen.push(inspect(e)) });
    await until(() => h!.server.userConnections === 1, "user stream");
    h.server.inject("POST", "/api/v3/order", { kind: "hang" });
    h.server.inject("GET", "/api/v3/order", { kind: "hang" }, 10);
    const r = await h.venue.execution!.submit({ clientOrderId: "m-1", symbol: "BTCUSDT", side: "buy", type: "market", qty: 0.1, timeInForce: "GTC" });
    if (!r.ok) seen.push(inspect(r.error), JSON.stringify(r.error.details), r.error.message);
    const signatures = h.server.requests.map((q) => q.query.get("signature")).filter((s): s is string => !!s);
    const text = JSON.stringify(h.logs) + seen.join("\n") + inspect(binanceConfigSchema.parse({ apiKey: API_KEY, apiSecret: API_SECRET }));
    expect(signatures.length).toBeGreaterThan(3);
    expect(h.logs.length).toBeGreaterThan(3);
    expect(text).toContain("signature=");
    expect(text).toContain("vmPU…(64)");
    for (const secret of [API_KEY, API_SECRET, ...signatures]) expect(text).not.toContain(secret);
  });
});
