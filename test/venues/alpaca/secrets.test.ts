import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, globalSecrets } from "../../../lib/infra/logger";
import { alpacaPaperVenue, parseAlpacaConfig } from "../../../lib/venues/alpaca/index";
import { AlpacaServer } from "./alpaca-server";
import { testDeps } from "./support";

const KEY = "AKSECRETCHECK0000005";
const SECRET = "mAsKeDsEcReT0123456789abcdefghijklmnopq";

let server: AlpacaServer;
beforeEach(async () => {
  server = await AlpacaServer.start(KEY, SECRET);
});
afterEach(async () => {
  await server.close();
});

describe("alpaca credentials", () => {
  it("never reach the logs, the errors or a printed config, through retries, timeouts and refusals", async () => {
    const deps = testDeps(Date.parse("2024-03-01T15:00:00Z"));
    const options = {
      apiKey: KEY,
      apiSecret: SECRET,
      tradingBaseUrl: server.httpUrl,
      dataBaseUrl: server.httpUrl,
      dataStreamUrl: `${server.wsUrl}/v2`,
      tradingStreamUrl: `${server.wsUrl}/stream`,
      retryBaseMs: 10,
      requestTimeoutMs: 150,
    };
    const cfg = parseAlpacaConfig(options);
    const md = alpacaPaperVenue.createMarketData!(cfg, deps);
    const ex = alpacaPaperVenue.createExecution!(cfg, deps);
    const errors: unknown[] = [];

    server.faults.push({ route: "GET /v2/stocks/AAPL/bars", status: 429, body: '{"code":42910000,"message":"rate limit exceeded"}' });
    server.faults.push({ route: "GET /v2/stocks/AAPL/bars", hang: true });
    await md.history({ symbol: "AAPL", timeframe: "1m", from: Date.parse("2024-03-01T14:00:00Z"), to: Date.parse("2024-03-01T14:30:00Z") });
    server.faults.push({ route: "POST /v2/orders", hang: true, apply: true });
    await ex.submit({ clientOrderId: "s-1", symbol: "AAPL", side: "buy", type: "limit", qty: 1, price: 290.123, timeInForce: "GTC" }).then((r) => !r.ok && errors.push(r.error));
    await ex.submit({ clientOrderId: "s-2", symbol: "AAPL", side: "buy", type: "limit", qty: 1, price: 100, timeInForce: "GTC" });
    const sub = await md.subscribeBars(["SPY"], "1m", { onBar: () => undefined, onError: (e) => errors.push(e) });
    server.pushData("garbage frame");
    server.dropStreams("data");
    await new Promise((r) => setTimeout(r, 80));
    await sub.close();

    const badCfg = parseAlpacaConfig({ ...options, apiSecret: "refused-secret-value-123" });
    const bad = alpacaPaperVenue.createMarketData!(badCfg, deps);
    await bad.history({ symbol: "AAPL", timeframe: "1d", from: 0, to: 86_400_000 * 3 }).catch((e) => errors.push(e));
    await bad.subscribeBars(["SPY"], "1m", { onBar: () => undefined }).catch((e) => errors.push(e));
    await alpacaPaperVenue.createExecution!(badCfg, deps).subscribe({}).catch((e) => errors.push(e));

    expect(deps.logger.lines.length).toBeGreaterThan(5);
    expect(errors.length).toBeGreaterThanOrEqual(4);
    const everything = [deps.logger.text, ...errors.map((e) => `${String(e)} ${JSON.stringify(e)} ${inspect(e, { depth: 8 })}`)].join("\n");
    for (const s of [KEY, SECRET, "refused-secret-value-123"]) expect(everything).not.toContain(s);

    for (const printed of [JSON.stringify(cfg), inspect(cfg, { depth: 4 }), String(cfg.apiSecret)]) {
      expect(printed).not.toContain(SECRET);
      expect(printed).not.toContain(KEY);
    }
    // ...while the venue did receive them where the protocol puts them.
    expect(server.requests[0]!.headers["apca-api-secret-key"]).toBe(SECRET);
    expect(server.dataInbox[0]).toMatchObject({ action: "auth", key: KEY, secret: SECRET });
  });
});

describe("alpaca credentials with the project logger", () => {
  it("are registered for masking and never appear in its JSON lines", async () => {
    const lines: string[] = [];
    const logger = createLogger({ stream: { write: (l: string) => void lines.push(l) }, format: "json", level: "debug", now: () => 0 });
    const deps = { ...testDeps(Date.parse("2024-03-01T15:00:00Z")), logger };
    const cfg = parseAlpacaConfig({ apiKey: KEY, apiSecret: SECRET, tradingBaseUrl: server.httpUrl, dataBaseUrl: server.httpUrl, retryBaseMs: 10, requestTimeoutMs: 150 });
    const ex = alpacaPaperVenue.createExecution!(cfg, deps);
    expect(globalSecrets.mask(`${KEY} ${SECRET}`)).toBe("*** ***");
    server.faults.push({ route: "POST /v2/orders", status: 503 }, { route: "POST /v2/orders", hang: true, apply: true });
    const r = await ex.submit({ clientOrderId: "log-1", symbol: "AAPL", side: "buy", type: "market", qty: 1, timeInForce: "GTC" });
    logger.error({ err: r.ok ? undefined : r.error, config: cfg }, "submit finished");
    expect(r.ok).toBe(true);
    const text = lines.join("");
    expect(text).toContain("alpaca order submit failed");
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(SECRET);
  });
});

describe("alpaca config", () => {
  it("resolves paper and live hosts from the registry entry", () => {
    const paper = alpacaPaperVenue.configSchema.parse({ apiKey: "k", apiSecret: "s" });
    expect([paper.tradingBaseUrl, paper.tradingStreamUrl, paper.dataBaseUrl]).toEqual(["https://paper-api.alpaca.markets", "wss://paper-api.alpaca.markets/stream", "https://data.alpaca.markets"]);
    const live = parseAlpacaConfig({ apiKey: "k", apiSecret: "s" }, "live");
    expect([live.tradingBaseUrl, live.tradingStreamUrl, live.environment]).toEqual(["https://api.alpaca.markets", "wss://api.alpaca.markets/stream", "live"]);
    expect(Object.isFrozen(live)).toBe(true);
  });

  it("names the bad key path on an unknown key, a wrong type or a missing secret, never the values", () => {
    expect(() => parseAlpacaConfig({ apiKey: "k", apiSecret: "s", feeed: "sip" })).toThrow(/Unrecognized key: "feeed"/);
    expect(() => parseAlpacaConfig({ apiKey: "k", apiSecret: "s", pageLimit: "many" })).toThrow(/pageLimit/);
    try {
      parseAlpacaConfig({ apiKey: "visible-key-id-123", apiSecret: "", tradingBaseUrl: "ftp://x" });
      throw new Error("expected a ConfigError");
    } catch (e) {
      const err = e as { code: string; message: string };
      expect(err.code).toBe("CONFIG_INVALID");
      expect(err.message).toMatch(/apiSecret: must not be empty/);
      expect(err.message).toMatch(/tradingBaseUrl/);
      expect(err.message).not.toContain("visible-key-id-123");
    }
  });
});
