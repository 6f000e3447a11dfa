import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { alpacaPaperVenue, alpacaVenue, assetToInstrument, parseAlpacaConfig } from "../../../lib/venues/alpaca/index";
import { AlpacaServer } from "./alpaca-server";
import { testDeps } from "./support";

const KEY = "AKTESTKEYID000000006";
const SECRET = "iNfOsEcReT0123456789abcdefghijklmnopqrs";

let server: AlpacaServer;
beforeEach(async () => {
  server = await AlpacaServer.start(KEY, SECRET);
});
afterEach(async () => {
  await server.close();
});

describe("alpaca exchange info", () => {
  it("builds a fractionable equity instrument from /v2/assets: cent ticks, 1e-9 steps, $1 minimum notional", async () => {
    const deps = testDeps(Date.parse("2022-04-28T18:07:04.000Z"));
    const info = alpacaPaperVenue.createExchangeInfo!(parseAlpacaConfig({ apiKey: KEY, apiSecret: SECRET, tradingBaseUrl: server.httpUrl }), deps);
    const [aapl] = await info.instruments(["AAPL"]);
    expect(aapl).toEqual({
      symbol: "AAPL",
      venue: "alpaca-paper",
      assetClass: "equity",
      baseAsset: "AAPL",
      quoteAsset: "USD",
      tickSize: 0.01,
      stepSize: 1e-9,
      minQty: 1e-9,
      maxQty: Number.MAX_SAFE_INTEGER,
      minNotional: 1,
      applyMinToMarket: true,
    });
    expect(await info.fees("AAPL")).toEqual({ makerBps: 0, takerBps: 0 });
    // The recorded clock says 18:07:04.451Z; local time is 18:07:04.000Z.
    expect(await info.clockDriftMs!()).toBe(451);
  });

  it("lists every tradable asset when no symbols are given", async () => {
    const info = alpacaPaperVenue.createExchangeInfo!(parseAlpacaConfig({ apiKey: KEY, apiSecret: SECRET, tradingBaseUrl: server.httpUrl }), testDeps(0));
    expect((await info.instruments()).map((i) => i.symbol)).toEqual(["AAPL"]);
    expect(server.requests[0]!.query.get("status")).toBe("active");
  });

  it("steps whole shares for assets that are not fractionable", () => {
    const i = assetToInstrument({ symbol: "BRK.A", tradable: true, fractionable: false, shortable: false }, "alpaca");
    expect([i.stepSize, i.minQty, i.minNotional, i.tickSize]).toEqual([1, 1, 0, 0.01]);
  });

  it("fails with DATA_NOT_FOUND for an unknown asset", async () => {
    const info = alpacaPaperVenue.createExchangeInfo!(parseAlpacaConfig({ apiKey: KEY, apiSecret: SECRET, tradingBaseUrl: server.httpUrl }), testDeps(0));
    await expect(info.instruments(["NOPE"])).rejects.toMatchObject({ code: "DATA_NOT_FOUND", retryable: false });
  });

  it("declares what the venue can do in its capabilities record", () => {
    expect(alpacaVenue.capabilities).toMatchObject({ name: "alpaca", protocol: "alpaca", assetClass: "equity", execution: true, realMoney: true, tradingHours: "exchange-sessions" });
    expect(alpacaPaperVenue.capabilities).toMatchObject({ name: "alpaca-paper", realMoney: false, userDataStream: true, streamingBars: true });
  });
});
