import { readFileSync } from "node:fs";
import type { z } from "zod";
import { ConfigError } from "../../core/errors";
import type { VenueCapabilities, VenueDefinition, VenueDeps } from "../capabilities";
import { BINANCE_PRESETS, binanceConfigSchema, type BinanceConfig, type ResolvedBinanceConfig } from "./config";
import { BinanceExchangeInfo } from "./exchange-info";
import { BinanceExecution } from "./execution";
import { BinanceRest } from "./http";
import { BinanceMarketData } from "./market-data";
import { createSigner, type RequestSigner } from "./sign";

export { binanceConfigSchema, BINANCE_PRESETS } from "./config";
export type { BinanceConfig, BinanceConfigInput, ResolvedBinanceConfig, BinanceProduct } from "./config";
export { BinanceMarketData } from "./market-data";
export { BinanceExecution } from "./execution";
export { BinanceExchangeInfo } from "./exchange-info";
export { BinanceRest } from "./http";
export { signPayload, signedQuery, createSigner, wsApiPayload, BINANCE_KEY_TYPES } from "./sign";
export type { BinanceKeyType, RequestSigner } from "./sign";

/** Fills in the preset (base URLs, limits) for a registry name, and loads the signing key. */
export function resolveBinanceConfig(name: string, cfg: BinanceConfig): ResolvedBinanceConfig {
  const preset = BINANCE_PRESETS[name];
  if (!preset) throw new ConfigError(`unknown Binance venue "${name}" (known: ${Object.keys(BINANCE_PRESETS).join(", ")})`, { path: "venue" });
  const restBaseUrl = cfg.restBaseUrl ?? preset.restBaseUrl;
  const wsBaseUrl = cfg.wsBaseUrl ?? preset.wsBaseUrl;
  if (!restBaseUrl) throw new ConfigError(`venue ${name}: restBaseUrl is required`, { path: "restBaseUrl" });
  if (!wsBaseUrl) throw new ConfigError(`venue ${name}: wsBaseUrl is required`, { path: "wsBaseUrl" });
  // The replay serves its WebSocket API on the streams port.
  const wsApiBaseUrl = cfg.wsApiBaseUrl ?? preset.wsApiBaseUrl ?? (name === "replay" ? `${wsBaseUrl.replace(/\/+$/, "")}/ws-api/v3` : undefined);
  const { signer, secretValues } = loadCredentials(name, cfg);
  const { listenKeyKeepAliveMs: _gone, privateKeyPath: _path, privateKeyPassphrase: _pass, ...rest } = cfg;
  const userStreamAuthResolved = cfg.userStreamAuth === "auto" ? (cfg.keyType === "ed25519" ? "logon" : "signature") : cfg.userStreamAuth;
  if (userStreamAuthResolved === "logon" && cfg.keyType !== "ed25519") {
    throw new ConfigError(`venue ${name}: userStreamAuth "logon" needs an Ed25519 key (session.logon accepts only Ed25519); keyType is ${cfg.keyType}`, { path: "userStreamAuth" });
  }
  return {
    ...rest,
    venue: name,
    product: preset.product,
    restBaseUrl,
    wsBaseUrl,
    ...(wsApiBaseUrl !== undefined ? { wsApiBaseUrl } : {}),
    ...(signer ? { signer } : {}),
    secretValues,
    userStreamAuthResolved,
    weightLimitPerMinute: cfg.weightLimitPerMinute ?? preset.weightLimitPerMinute,
    klinePageLimit: Math.min(cfg.klinePageLimit ?? preset.klinePageLimit, preset.klinePageLimit),
  };
}

/** The signer and the values to mask. The key text comes from apiSecret or privateKeyPath, never both. */
function loadCredentials(name: string, cfg: BinanceConfig): { signer?: RequestSigner; secretValues: string[] } {
  const secretValues = [cfg.apiKey, cfg.apiSecret, cfg.privateKeyPassphrase].filter((s) => s !== undefined).map((s) => s!.reveal());
  if (cfg.privateKeyPath !== undefined && cfg.keyType === "hmac") throw new ConfigError(`venue ${name}: privateKeyPath is for rsa or ed25519 keys; keyType is hmac`, { path: "privateKeyPath" });
  if (cfg.privateKeyPath !== undefined && cfg.apiSecret !== undefined) throw new ConfigError(`venue ${name}: set apiSecret or privateKeyPath, not both`, { path: "privateKeyPath" });
  let keyText = cfg.apiSecret?.reveal();
  let where = "apiSecret";
  if (cfg.privateKeyPath !== undefined) {
    where = "privateKeyPath";
    try {
      keyText = readFileSync(cfg.privateKeyPath, "utf8");
    } catch (e) {
      throw new ConfigError(`venue ${name}: cannot read the private key file ${cfg.privateKeyPath} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { path: "privateKeyPath" });
    }
    secretValues.push(keyText);
  }
  if ((cfg.apiKey === undefined) !== (keyText === undefined)) {
    const missing = cfg.apiKey ? (cfg.keyType === "hmac" ? "apiSecret" : "apiSecret or privateKeyPath") : "apiKey";
    throw new ConfigError(`venue ${name}: set both apiKey and ${cfg.keyType === "hmac" ? "apiSecret" : "a private key (apiSecret or privateKeyPath)"}, or neither`, { path: missing });
  }
  if (keyText === undefined) return { secretValues };
  // Env vars often carry a PEM with literal \n; accept both forms.
  const text = cfg.keyType === "hmac" ? keyText : keyText.replace(/\\n/g, "\n");
  return { signer: createSigner(cfg.keyType, text, cfg.privateKeyPassphrase?.reveal(), where), secretValues };
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
