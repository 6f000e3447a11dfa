import type { VenueCapabilities, VenueDefinition, VenueDeps } from "../capabilities";
import { alpacaConfigSchema, type AlpacaConfig, type AlpacaEnvironment } from "./config";
import { AlpacaExchangeInfo } from "./exchange-info";
import { AlpacaExecution } from "./execution";
import { AlpacaHttp } from "./http";
import { AlpacaMarketData } from "./market-data";

export { alpacaConfigSchema, alpacaOptionsSchema, parseAlpacaConfig, ALPACA_URLS, type AlpacaConfig, type AlpacaConfigInput, type AlpacaEnvironment } from "./config";
export { AlpacaMarketData } from "./market-data";
export { AlpacaExecution } from "./execution";
export { AlpacaExchangeInfo, assetToInstrument } from "./exchange-info";
export { alpacaRestError, alpacaStreamError } from "./errors";
export type { MarketClock } from "./parse";

function capabilities(name: string, environment: AlpacaEnvironment): VenueCapabilities {
  return {
    name,
    protocol: "alpaca",
    assetClass: "equity",
    marketData: true,
    execution: true,
    exchangeInfo: true,
    // History in every timeframe; the live stream carries 1m bars only (subscribe to 1m and resample).
    timeframes: ["1m", "5m", "15m", "1h", "4h", "1d"],
    streamingBars: true,
    userDataStream: true,
    orderTypes: ["market", "limit"],
    timeInForce: ["GTC", "IOC", "FOK"],
    shortSelling: true,
    // Alpaca has no reduce-only flag; the adapter checks the live position before sending.
    reduceOnly: true,
    fractionalQty: true,
    historyPageLimit: 10_000,
    credentials: { marketData: true, execution: true },
    realMoney: environment === "live",
    simulated: false,
    tradingHours: "exchange-sessions",
  };
}

function random(deps: VenueDeps): { random?: () => number } {
  const rng = deps.rng;
  return rng ? { random: () => rng.next() } : {};
}

function http(cfg: AlpacaConfig, deps: VenueDeps): AlpacaHttp {
  return new AlpacaHttp(cfg, { clock: deps.clock, logger: deps.logger, ...random(deps), ...(deps.sleep ? { sleep: deps.sleep } : {}) });
}

function definition(name: string, environment: AlpacaEnvironment, description: string): VenueDefinition<AlpacaConfig> {
  return {
    name,
    description,
    capabilities: capabilities(name, environment),
    configSchema: alpacaConfigSchema(environment),
    createMarketData: (cfg, deps) => new AlpacaMarketData(name, cfg, http(cfg, deps), { clock: deps.clock, logger: deps.logger, ...random(deps) }),
    createExecution: (cfg, deps) =>
      new AlpacaExecution(name, cfg, http(cfg, deps), { clock: deps.clock, logger: deps.logger, ...random(deps), ...(deps.sleep ? { sleep: deps.sleep } : {}) }),
    createExchangeInfo: (cfg, deps) => new AlpacaExchangeInfo(name, cfg, http(cfg, deps), deps.clock),
  };
}

/** Alpaca live account (real money): US equities, IEX or SIP data. */
export const alpacaVenue = definition("alpaca", "live", "Alpaca US equities, live account (real money): trading API v2, market data v2, streams");

/** Alpaca paper account: same API and data, simulated fills at Alpaca. */
export const alpacaPaperVenue = definition("alpaca-paper", "paper", "Alpaca US equities, paper account: trading API v2, market data v2, streams");
