import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createExecutionAdapter, createMarketDataAdapter, createVenueAdapters, listVenues, venueCapabilities } from "../../../lib/venues/registry";
import { AlpacaServer } from "./alpaca-server";
import { testDeps } from "./support";

const KEY = "AKTESTKEYID000000007";
const SECRET = "rEgIsTrYsEcReT0123456789abcdefghijklmno";

let server: AlpacaServer;
beforeEach(async () => {
  server = await AlpacaServer.start(KEY, SECRET);
});
afterEach(async () => {
  await server.close();
});

describe("alpaca in the venue registry", () => {
  it("registers alpaca and alpaca-paper with their capabilities", () => {
    expect(listVenues()).toEqual(expect.arrayContaining(["alpaca", "alpaca-paper"]));
    expect(venueCapabilities("alpaca").realMoney).toBe(true);
    expect(venueCapabilities("alpaca-paper").realMoney).toBe(false);
  });

  it("builds working ports from a plain config object", async () => {
    const deps = testDeps(Date.parse("2024-03-01T15:00:00Z"));
    const cfg = { apiKey: KEY, apiSecret: SECRET, tradingBaseUrl: server.httpUrl, dataBaseUrl: server.httpUrl };
    const ex = createExecutionAdapter("alpaca-paper", cfg, deps);
    const r = await ex.submit({ clientOrderId: "reg-1", symbol: "AAPL", side: "buy", type: "market", qty: 1, timeInForce: "GTC" });
    expect(r.ok).toBe(true);
    expect(ex.venue).toBe("alpaca-paper");
    const all = createVenueAdapters("alpaca-paper", cfg, deps);
    expect([!!all.marketData, !!all.execution, !!all.exchangeInfo]).toEqual([true, true, true]);
    expect(createMarketDataAdapter("alpaca", cfg, deps).venue).toBe("alpaca");
  });

  it("names the key path of a bad config and never echoes the secret", () => {
    expect(() => createMarketDataAdapter("alpaca", { apiKey: KEY })).toThrow(/venue alpaca config: apiSecret/);
    try {
      createMarketDataAdapter("alpaca", { apiKey: KEY, apiSecret: SECRET, feed: "nasdaq" });
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/feed/);
      expect(String((e as Error).message)).not.toContain(SECRET);
    }
  });
});
