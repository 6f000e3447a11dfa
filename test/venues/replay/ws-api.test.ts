import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { ReplayExchange } from "../../../lib/venues/replay/index";
import { Client, MIN, T0, apiKeyOf, signatureOf, signed, startExchange, until, type KeyKind } from "./ws-client";

const fixture = (name: string): Record<string, any> => JSON.parse(readFileSync(new URL(`../../fixtures/binance/${name}`, import.meta.url), "utf8"));

let ex: ReplayExchange | undefined;
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await ex?.close();
  ex = undefined;
});

async function setup(query = ""): Promise<{ ex: ReplayExchange; c: Client }> {
  ex = await startExchange();
  const c = await Client.open(`${ex.wsApiUrl}${query}`);
  clients.push(c);
  return { ex, c };
}

async function connect(url: string): Promise<Client> {
  const c = await Client.open(url);
  clients.push(c);
  return c;
}

const weight = (r: Record<string, any>): number => r.rateLimits.find((l: { rateLimitType: string }) => l.rateLimitType === "REQUEST_WEIGHT").count;

describe("replay WebSocket API: request and response format", () => {
  it("answers ping and time with { id, status, result, rateLimits } and counts request weight", async () => {
    const { ex, c } = await setup();
    const ping = await c.call("ping");
    expect(Object.keys(ping)).toEqual(["id", "status", "result", "rateLimits"]);
    expect(ping).toMatchObject({ status: 200, result: {}, rateLimits: [{ rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 }] });
    const time = await c.call("time");
    expect(time.result).toEqual({ serverTime: ex.clock.now() });
    expect(weight(time)).toBe(weight(ping) + 1);
    expect((await c.call("v3/time")).status).toBe(200); // "method names may be prefixed with explicit version"
  });

  it("leaves rateLimits out when asked per request or per connection, and puts them back on request", async () => {
    const { ex } = await setup();
    const a = await connect(ex.wsApiUrl);
    expect(Object.keys(await a.call("time", { returnRateLimits: false }))).toEqual(["id", "status", "result"]);
    const b = await connect(`${ex.wsApiUrl}?returnRateLimits=false`);
    expect((await b.call("time")).rateLimits).toBeUndefined();
    expect((await b.call("time", { returnRateLimits: true })).rateLimits).toHaveLength(1);
  });

  it("serves exchangeInfo and klines exactly as the REST routes do", async () => {
    const { ex, c } = await setup();
    const info = await c.call("exchangeInfo", { symbols: ["BTCUSDT"] });
    expect(info.result.symbols.map((s: { symbol: string }) => s.symbol)).toEqual(["BTCUSDT"]);
    const k = await c.call("klines", { symbol: "BTCUSDT", interval: "1m", limit: 3 });
    const rest = await (await fetch(`${ex.baseUrl}/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=3`)).json();
    expect(k.result).toEqual(rest);
    expect(k.result).toHaveLength(3);
  });

  it("answers malformed requests with an error and keeps the connection", async () => {
    const { c } = await setup();
    c.send("{not json");
    const bad = await c.next((f) => f.id === null, "error for bad JSON");
    expect(bad).toMatchObject({ id: null, status: 400, error: { code: -1135 } });
    expect(await c.call("userDataStream.start")).toMatchObject({ status: 400, error: { code: -1020 } }); // retired method
    expect(await c.call("no.such.method")).toMatchObject({ status: 400, error: { code: -1020 } });
    c.send({ id: "x1", params: {} });
    expect(await c.next((f) => f.id === "x1")).toMatchObject({ status: 400, error: { code: -1102, msg: "Mandatory parameter 'method' was not sent, was empty/null, or malformed." } });
    c.ws.send(Buffer.from([0xff, 0x00]), { binary: true });
    expect((await c.call("ping")).status).toBe(200);
  });
});

describe("replay WebSocket API: signed requests", () => {
  const kinds: KeyKind[] = ["HMAC", "RSA", "ED25519"];

  it.each(kinds)("places, queries, lists and cancels an order signed with the %s key", async (kind) => {
    const { ex, c } = await setup();
    await ex.step(1);
    const now = ex.clock.now();
    const order = { symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.01000000", price: "50000.00", newClientOrderId: `lim-${kind}` };
    const placed = await c.call("order.place", signed(kind, order, now));
    expect(placed).toMatchObject({ status: 200, result: { symbol: "BTCUSDT", clientOrderId: `lim-${kind}`, status: "NEW", price: "50000.00000000" } });
    expect(placed.rateLimits.map((l: { rateLimitType: string; interval: string; count: number }) => [l.rateLimitType, l.interval, l.count])).toEqual([
      ["ORDERS", "SECOND", 1],
      ["ORDERS", "DAY", 1],
      ["REQUEST_WEIGHT", "MINUTE", weight(placed)],
    ]);
    const status = await c.call("order.status", signed(kind, { symbol: "BTCUSDT", origClientOrderId: `lim-${kind}` }, now));
    expect(status.result).toMatchObject({ clientOrderId: `lim-${kind}`, status: "NEW" });
    const open = await c.call("openOrders.status", signed(kind, { symbol: "BTCUSDT" }, now));
    expect(open.result.map((o: { clientOrderId: string }) => o.clientOrderId)).toEqual([`lim-${kind}`]);
    const canceled = await c.call("order.cancel", signed(kind, { symbol: "BTCUSDT", origClientOrderId: `lim-${kind}` }, now));
    expect(canceled.result).toMatchObject({ origClientOrderId: `lim-${kind}`, status: "CANCELED" });
    expect((await c.call("openOrders.status", signed(kind, {}, now))).result).toEqual([]);
  });

  it("rejects a bad signature, an unknown key, a stale or missing timestamp and a missing apiKey", async () => {
    const { ex, c } = await setup();
    const now = ex.clock.now();
    const good = signed("HMAC", {}, now);
    expect((await c.call("account.status", good)).status).toBe(200);
    expect((await c.call("account.status", { ...good, signature: good.signature.toUpperCase() })).status).toBe(200); // HMAC is case-insensitive
    const ed = signed("ED25519", {}, now);
    expect((await c.call("account.status", ed)).status).toBe(200);
    const flipped = ed.signature.replace(/[a-z]/, (ch: string) => ch.toUpperCase());
    expect(await c.call("account.status", { ...ed, signature: flipped })).toMatchObject({ status: 400, error: { code: -1022, msg: "Signature for this request is not valid." } });
    expect(await c.call("account.status", { ...good, omitZeroBalances: true })).toMatchObject({ status: 400, error: { code: -1022 } }); // a param the signature does not cover
    expect(await c.call("account.status", { ...good, apiKey: "nobody" })).toMatchObject({ status: 401, error: { code: -2015 } });
    expect(await c.call("account.status", signed("RSA", {}, now - 10_000_000_000))).toMatchObject({ status: 400, error: { code: -1021 } });
    expect(await c.call("account.status", { apiKey: apiKeyOf("HMAC"), signature: signatureOf("HMAC", `apiKey=${apiKeyOf("HMAC")}`) })).toMatchObject({ status: 400, error: { code: -1102 } });
    expect(await c.call("account.status", { timestamp: now })).toMatchObject({ status: 400, error: { code: -1102, msg: "Mandatory parameter 'apiKey' was not sent, was empty/null, or malformed." } });
    expect((await c.call("time")).status).toBe(200); // NONE methods need nothing
  });
});

describe("replay WebSocket API: session authentication", () => {
  it("logs on with the Ed25519 key only; the session then authorizes signed requests with a timestamp alone", async () => {
    const { ex, c } = await setup();
    const now = ex.clock.now();
    for (const kind of ["HMAC", "RSA"] as const) expect(await c.call("session.logon", signed(kind, {}, now))).toMatchObject({ status: 401, error: { code: -2015, msg: "Invalid API-key, IP, or permissions for action." } });
    const bad = signed("ED25519", {}, now);
    expect(await c.call("session.logon", { ...bad, timestamp: now + 1 })).toMatchObject({ status: 400, error: { code: -1022 } });
    const logon = await c.call("session.logon", signed("ED25519", {}, now));
    expect(logon.result).toEqual({ apiKey: apiKeyOf("ED25519"), authorizedSince: now, connectedSince: now, returnRateLimits: true, serverTime: now, userDataStream: false });
    expect((await c.call("account.status", { timestamp: now })).result.balances).toBeDefined();
    expect(await c.call("account.status", {})).toMatchObject({ status: 400, error: { code: -1102 } }); // still needs a timestamp
    expect((await c.call("account.status", signed("HMAC", {}, now))).status).toBe(200); // ad hoc key overrides the session
    expect((await c.call("session.status")).result.apiKey).toBe(apiKeyOf("ED25519"));
    const out = await c.call("session.logout");
    expect(out.result).toMatchObject({ apiKey: null, authorizedSince: null, userDataStream: false });
    expect(await c.call("account.status", { timestamp: now })).toMatchObject({ status: 400, error: { code: -1102 } });
  });
});

describe("replay WebSocket API: user data stream", () => {
  async function buyMarket(c: Client, ex: ReplayExchange, id: string): Promise<void> {
    const r = await c.call("order.place", signed("HMAC", { symbol: "BTCUSDT", side: "BUY", type: "MARKET", quantity: "0.01", newClientOrderId: id }, ex.clock.now()));
    expect(r.status).toBe(200);
    await ex.step(1);
  }

  it("delivers the account's events as { subscriptionId, event } after subscribe, and ends the logon subscription at logout", async () => {
    const { ex, c } = await setup();
    await ex.step(1);
    expect(await c.call("userDataStream.subscribe")).toMatchObject({ status: 401, error: { code: -1002 } });
    await c.call("session.logon", signed("ED25519", {}, ex.clock.now()));
    expect((await c.call("userDataStream.subscribe")).result).toEqual({ subscriptionId: 0 });
    expect((await c.call("session.status")).result.userDataStream).toBe(true);
    expect(await c.call("userDataStream.subscribe")).toMatchObject({ status: 400, error: { code: -2035, msg: "User Data Stream subscription already active." } });
    await buyMarket(c, ex, "mkt-1");
    await until(() => c.events((e) => e.e === "executionReport" && e.x === "TRADE").length === 1 && c.events((e) => e.e === "outboundAccountPosition").length > 0, "fill events");
    const report = c.frames.find((f) => f.event?.x === "TRADE")!;
    const doc = fixture("ws_executionReport_docs.json");
    expect(Object.keys(report).sort()).toEqual(Object.keys(doc).sort());
    expect(report).toMatchObject({ subscriptionId: 0, event: { e: "executionReport", s: "BTCUSDT", c: "mkt-1", S: "BUY", o: "MARKET", X: "FILLED" } });
    for (const k of Object.keys(report.event)) expect(Object.keys(doc.event)).toContain(k);
    const position = c.frames.find((f) => f.event?.e === "outboundAccountPosition")!;
    expect(Object.keys(position)).toEqual(Object.keys(fixture("ws_outboundAccountPosition_docs.json")));
    expect(position.event.B.map((b: { a: string }) => b.a).sort()).toEqual(["BTC", "USDT"]);
    await c.call("session.logout");
    const end = await c.next((f) => f.event?.e === "eventStreamTerminated", "eventStreamTerminated");
    expect(end).toEqual({ subscriptionId: 0, event: { e: "eventStreamTerminated", E: ex.clock.now() } });
    expect((await c.call("session.status")).result.userDataStream).toBe(false);
    const seen = c.frames.length;
    await buyMarket(c, ex, "mkt-2");
    await c.call("ping");
    expect(c.frames.slice(seen).filter((f) => f.event)).toEqual([]);
  });

  it("subscribes by signature with any key type, numbers subscriptions per connection and unsubscribes one or all", async () => {
    const { ex, c } = await setup();
    await ex.step(1);
    const now = ex.clock.now();
    expect(await c.call("userDataStream.subscribe.signature", { ...signed("HMAC", {}, now), signature: "0".repeat(64) })).toMatchObject({ status: 400, error: { code: -1022 } });
    expect((await c.call("userDataStream.subscribe.signature", signed("HMAC", {}, now))).result).toEqual({ subscriptionId: 0 });
    expect(await c.call("userDataStream.subscribe.signature", signed("RSA", {}, now))).toMatchObject({ status: 400, error: { code: -2035 } }); // one per account
    expect((await c.call("userDataStream.unsubscribe", { subscriptionId: 0 })).result).toEqual({});
    expect(await c.next((f) => f.event?.e === "eventStreamTerminated")).toMatchObject({ subscriptionId: 0 });
    expect((await c.call("userDataStream.subscribe.signature", signed("RSA", {}, now))).result).toEqual({ subscriptionId: 1 });
    expect((await c.call("session.subscriptions")).result).toEqual([{ subscriptionId: 1 }]);
    await c.call("session.logon", signed("ED25519", {}, now));
    await c.call("session.logout"); // ends only a logon subscription
    expect((await c.call("session.subscriptions")).result).toEqual([{ subscriptionId: 1 }]);
    await buyMarket(c, ex, "mkt-s");
    await until(() => c.events((e) => e.e === "executionReport" && e.x === "TRADE").length === 1, "fill on subscription 1");
    expect(c.frames.filter((f) => f.event?.e === "executionReport").every((f) => f.subscriptionId === 1)).toBe(true);
    expect(await c.call("userDataStream.unsubscribe", { subscriptionId: 7 })).toMatchObject({ status: 400, error: { code: -2036 } });
    expect((await c.call("userDataStream.unsubscribe")).result).toEqual({});
    await until(() => c.frames.filter((f) => f.event?.e === "eventStreamTerminated").length === 2, "second termination");
    expect(c.frames.filter((f) => f.event?.e === "eventStreamTerminated").map((f) => f.subscriptionId)).toEqual([0, 1]);
    expect((await c.call("session.subscriptions")).result).toEqual([]);
  });

  it("gives every subscribed connection the same events, each under its own subscription id", async () => {
    const { ex, c } = await setup();
    await ex.step(1);
    const d = await connect(ex.wsApiUrl);
    await c.call("ping"); // c's ids start later than d's
    await c.call("userDataStream.subscribe.signature", signed("HMAC", {}, ex.clock.now()));
    await d.call("userDataStream.subscribe.signature", signed("ED25519", {}, ex.clock.now()));
    await buyMarket(c, ex, "mkt-both");
    await until(() => [c, d].every((x) => x.events((e) => e.x === "TRADE").length === 1), "events on both connections");
    const [ec, ed] = [c, d].map((x) => x.frames.find((f) => f.event?.x === "TRADE")!);
    expect(ec!.event).toEqual(ed!.event);
    expect([ec!.subscriptionId, ed!.subscriptionId]).toEqual([0, 0]);
  });
});

describe("replay exchange without the listen key", () => {
  it("answers the retired listen-key endpoints 410 Gone, as Binance's front end does", async () => {
    ex = await startExchange();
    for (const method of ["POST", "PUT", "DELETE"]) {
      const res = await fetch(`${ex.baseUrl}/api/v3/userDataStream`, { method, headers: { "X-MBX-APIKEY": apiKeyOf("HMAC") } });
      expect([method, res.status, res.headers.get("content-type")]).toEqual([method, 410, "text/html"]);
      expect(await res.text()).toContain("410 Gone");
    }
    expect(ex.from).toBe(T0);
    expect(ex.to).toBe(T0 + 30 * MIN);
  });
});
