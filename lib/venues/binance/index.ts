import type { z } from "zod";
import { ConfigError } from "../../core/errors";
import type { VenueCapabilities, VenueDefinition, VenueDeps } from "../capabilities";
import { BINANCE_PRESETS, binanceConfigSchema, type BinanceConfig, type ResolvedBinanceConfig } from "./config";
import { BinanceExchangeInfo } from "./exchange-info";
import { BinanceExecution } from "./execution";
import { BinanceRest } from "./http";
import { BinanceMarketData } from "./market-data";

export { binanceConfigSchema, BINANCE_PRESETS } from "./config";
export type { BinanceConfig, BinanceConfigInput, ResolvedBinanceConfig, BinanceProduct } from "./config";
export { BinanceMarketData } from "./market-data";
export { BinanceExecution } from "./execution";
export { BinanceExchangeInfo } from "./exchange-info";
export { BinanceRest } from "./http";
export { signPayload, signedQuery } from "./sign";

/** Fills in the preset (base URLs, limits) for a registry name. */
export function resolveBinanceConfig(name: string, cfg: BinanceConfig): ResolvedBinanceConfig {
  const preset = BINANCE_PRESETS[name];
  if (!preset) throw new ConfigError(`unknown Binance venue "${name}" (known: ${Object.keys(BINANCE_PRESETS).join(", ")})`, { path: "venue" });
  const restBaseUrl = cfg.restBaseUrl ?? preset.restBaseUrl;
  const wsBaseUrl = cfg.wsBaseUrl ?? preset.wsBaseUrl;
  if (!restBaseUrl) throw new ConfigError(`venue ${name}: restBaseUrl is required`, { path: "restBaseUrl" });
  if (!wsBaseUrl) throw new ConfigError(`venue ${name}: wsBaseUrl is required`, { path: "wsBaseUrl" });
  if ((cfg.apiKey === undefined) !== (cfg.apiSecret === undefined)) {
    throw new ConfigError(`venue ${name}: set both apiKey and apiSecret, or neither`, { path: cfg.apiKey ? "apiSecret" : "apiKey" });
  }
  return {
    ...cfg,
    venue: name,
    product: preset.product,
    restBaseUrl,
    wsBaseUrl,
    weightLimitPerMinute: cfg.weightLimitPerMinute ?? preset.weightLimitPerMinute,
    klinePageLimit: Math.min(cfg.klinePageLimit ?? preset.klinePageLimit, preset.klinePageLimit),
  };
}

/** The three ports of one Binance account, sharing one REST transport (clock offset, weight budget). */
export interface BinanceVenue {
  rest: BinanceRest;
  marketData: BinanceMarketData;
  exchangeInfo: BinanceExchangeInfo;
  /** Present for spot presets only. */
  execution?: BinanceExecution;
}

export function createBinanceVenue(name: string, cfg: BinanceConfig, deps: VenueDeps): BinanceVenue {
  const resolved = resolveBinanceConfig(name, cfg);
  const rest = new BinanceRest(resolved, deps);
  const exchangeInfo = new BinanceExchangeInfo(rest, deps.clock);
  const v: BinanceVenue = { rest, exchangeInfo, marketData: new BinanceMarketData(rest, deps) };
  if (resolved.product === "spot") v.execution = new BinanceExecution(rest, exchangeInfo, deps);
  return v;
}

function capabilities(name: string): VenueCapabilities {
  const preset = BINANCE_PRESETS[name]!;
  const spot = preset.product === "spot";
  return {
    name,
    protocol: "binance",
    assetClass: "crypto",
    marketData: true,
    execution: spot,
    exchangeInfo: true,
    timeframes: ["1m", "5m", "15m", "1h", "4h", "1d"],
    streamingBars: true,
    userDataStream: spot,
    orderTypes: spot ? ["market", "limit"] : [],
    timeInForce: spot ? ["GTC", "IOC", "FOK"] : [],
    shortSelling: false,
    reduceOnly: false,
    fractionalQty: true,
    historyPageLimit: preset.klinePageLimit,
    credentials: { marketData: false, execution: true },
    realMoney: preset.realMoney,
    simulated: name === "replay",
    tradingHours: "24/7",
  };
}

const DESCRIPTIONS: Record<string, string> = {
  binance: "Binance spot (api.binance.com)",
  "binance-testnet": "Binance spot testnet (testnet.binance.vision)",
  "binance-futures": "Binance USD-M futures market data and exchange info (fapi.binance.com)",
  "binance-futures-testnet": "Binance USD-M futures testnet market data and exchange info",
  replay: "The local replay exchange (Binance spot protocol on 127.0.0.1)",
};

/**
 * Registry entries for the Binance protocol family. Adapters for one account share a transport:
 * calling several factories with the same config object reuses it.
 */
export function binanceVenueDefinition(name: string, configSchema: z.ZodType<BinanceConfig> = binanceConfigSchema): VenueDefinition<BinanceConfig> {
  const shared = new WeakMap<object, { deps: VenueDeps; venue: BinanceVenue }>();
  const venueFor = (cfg: BinanceConfig, deps: VenueDeps): BinanceVenue => {
    const hit = shared.get(cfg);
    if (hit && hit.deps === deps) return hit.venue;
    const venue = createBinanceVenue(name, cfg, deps);
    shared.set(cfg, { deps, venue });
    return venue;
  };
  const def: VenueDefinition<BinanceConfig> = {
    name,
    description: DESCRIPTIONS[name] ?? name,
    capabilities: capabilities(name),
    configSchema,
    createMarketData: (cfg, deps) => venueFor(cfg, deps).marketData,
    createExchangeInfo: (cfg, deps) => venueFor(cfg, deps).exchangeInfo,
  };
  if (BINANCE_PRESETS[name]?.product === "spot") def.createExecution = (cfg, deps) => venueFor(cfg, deps).execution!;
  return def;
}

export const BINANCE_VENUE_NAMES = Object.keys(BINANCE_PRESETS);
