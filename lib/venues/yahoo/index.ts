import type { VenueCapabilities, VenueDefinition, VenueDeps } from "../capabilities";
import { yahooConfigSchema, type YahooConfig } from "./config";
import { YahooHttp } from "./http";
import { YahooMarketData } from "./market-data";
import { YAHOO_TIMEFRAMES } from "./parse";

export { yahooConfigSchema, yahooOptionsSchema, parseYahooConfig, YAHOO_URLS, type YahooConfig, type YahooConfigInput } from "./config";
export { YahooMarketData } from "./market-data";
export { yahooChartError, yahooRestError } from "./errors";
export { parseChart, YAHOO_TIMEFRAMES, type ChartRows } from "./parse";

/**
 * Data only, no credentials. `streamingBars` is true because subscribeBars polls the chart endpoint
 * every pollIntervalMs for newly closed bars (Yahoo offers no bar stream); expect bars up to one poll
 * interval late. No 4h interval.
 */
export const yahooCapabilities: VenueCapabilities = {
  name: "yahoo",
  protocol: "yahoo",
  assetClass: "equity",
  marketData: true,
  execution: false,
  exchangeInfo: false,
  timeframes: YAHOO_TIMEFRAMES,
  streamingBars: true,
  userDataStream: false,
  orderTypes: [],
  timeInForce: [],
  shortSelling: false,
  reduceOnly: false,
  fractionalQty: false,
  // 1m requests are cut into 7-day windows (about 2 730 regular-session bars each).
  historyPageLimit: 10_080,
  credentials: { marketData: false, execution: false },
  realMoney: false,
  simulated: false,
  tradingHours: "exchange-sessions",
};

export const yahooVenue: VenueDefinition<YahooConfig> = {
  name: "yahoo",
  description: "Yahoo Finance chart v8: indices, rates, FX and equities, daily and intraday; live bars by polling",
  capabilities: yahooCapabilities,
  configSchema: yahooConfigSchema,
  createMarketData: (cfg: YahooConfig, deps: VenueDeps) => {
    const rng = deps.rng;
    const http = new YahooHttp(cfg, { clock: deps.clock, logger: deps.logger, ...(rng ? { random: () => rng.next() } : {}), ...(deps.sleep ? { sleep: deps.sleep } : {}) });
    return new YahooMarketData("yahoo", cfg, http, { clock: deps.clock, logger: deps.logger });
  },
};
