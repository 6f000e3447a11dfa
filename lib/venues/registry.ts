import type { z } from "zod";
import { ConfigError } from "../core/errors";
import type { ExchangeInfoPort } from "../core/ports/exchange-info.port";
import type { ExecutionPort } from "../core/ports/execution.port";
import type { MarketDataPort } from "../core/ports/market-data.port";
import { silentLogger } from "../infra/http/logger";
import { systemClock } from "../infra/system-clock";
import { BUILTIN_VENUES } from "./builtin";
import type { VenueCapabilities, VenueDefinition, VenueDeps } from "./capabilities";

/**
 * Venue registry and factories. A venue registers a VenueDefinition (config schema, capabilities,
 * port factories); callers ask for ports by name with a plain config object, which is validated here.
 *
 *   const md = createMarketDataAdapter("binance", {});
 *   const { marketData, execution } = createVenueAdapters("binance-testnet", { apiKey, apiSecret });
 *
 * Adding a venue: export its VenueDefinition(s) from lib/venues/<venue>/index.ts and list them in
 * lib/venues/builtin.ts (BUILTIN_VENUES), or call registerVenue() at start-up.
 */

const definitions = new Map<string, VenueDefinition<object>>();
const parsedConfigs = new WeakMap<object, Map<string, object>>();
const resolvedDeps = new WeakMap<object, VenueDeps>();
const noDeps = {};

/** Registers a venue. Registering a name twice is an error unless `replace` is set. */
export function registerVenue<C>(def: VenueDefinition<C>, options: { replace?: boolean } = {}): void {
  if (definitions.has(def.name) && !options.replace) throw new ConfigError(`venue "${def.name}" is already registered`, { path: "venue" });
  if (def.capabilities.name !== def.name) throw new ConfigError(`venue "${def.name}": capabilities.name is "${def.capabilities.name}"`, { path: "venue" });
  definitions.set(def.name, def as VenueDefinition<object>);
}

export function listVenues(): string[] {
  return [...definitions.keys()].sort();
}

export function getVenueDefinition(name: string): VenueDefinition<object> {
  const d = definitions.get(name);
  if (!d) throw new ConfigError(`unknown venue "${name}" (registered: ${listVenues().join(", ") || "none"})`, { path: "venue", venue: name });
  return d;
}

export function venueCapabilities(name: string): VenueCapabilities {
  return getVenueDefinition(name).capabilities;
}

/** Validates a venue config with the venue's schema; errors name the venue and the key path (never the value). */
export function parseVenueConfig<C extends object = object>(name: string, cfg: unknown = {}): C {
  const def = getVenueDefinition(name);
  const key = cfg !== null && typeof cfg === "object" ? cfg : undefined;
  const memo = key ? parsedConfigs.get(key)?.get(name) : undefined;
  if (memo !== undefined) return memo as C;
  const r = (def.configSchema as z.ZodType).safeParse(cfg ?? {});
  if (!r.success) {
    const first = r.error.issues[0]!;
    const path = first.path.join(".");
    const all = r.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new ConfigError(`venue ${name} config: ${all}`, { path: `venues.${name}${path ? `.${path}` : ""}`, venue: name });
  }
  const parsed = Object.freeze(r.data) as C;
  if (key) {
    const m = parsedConfigs.get(key) ?? new Map<string, object>();
    m.set(name, parsed);
    parsedConfigs.set(key, m);
  }
  return parsed;
}

function depsFor(partial: Partial<VenueDeps> | undefined): VenueDeps {
  const key = partial ?? noDeps;
  let d = resolvedDeps.get(key);
  if (!d) {
    d = { clock: partial?.clock ?? systemClock, logger: partial?.logger ?? silentLogger, rng: partial?.rng, sleep: partial?.sleep };
    resolvedDeps.set(key, d);
  }
  return d;
}

function unsupported(name: string, port: string): ConfigError {
  return new ConfigError(`venue ${name} does not provide ${port} (see venueCapabilities("${name}"))`, { path: "venue", venue: name });
}

/**
 * Market data port for a venue. Calls with the same config object (and deps object) share one
 * transport, so clock offset and rate-limit budget are per account, not per port.
 */
export function createMarketDataAdapter(name: string, cfg: unknown = {}, deps?: Partial<VenueDeps>): MarketDataPort {
  const def = getVenueDefinition(name);
  if (!def.createMarketData) throw unsupported(name, "market data");
  return def.createMarketData(parseVenueConfig(name, cfg), depsFor(deps));
}

export function createExecutionAdapter(name: string, cfg: unknown = {}, deps?: Partial<VenueDeps>): ExecutionPort {
  const def = getVenueDefinition(name);
  if (!def.createExecution) throw unsupported(name, "execution");
  return def.createExecution(parseVenueConfig(name, cfg), depsFor(deps));
}

export function createExchangeInfoAdapter(name: string, cfg: unknown = {}, deps?: Partial<VenueDeps>): ExchangeInfoPort {
  const def = getVenueDefinition(name);
  if (!def.createExchangeInfo) throw unsupported(name, "exchange info");
  return def.createExchangeInfo(parseVenueConfig(name, cfg), depsFor(deps));
}

export interface VenueAdapters {
  capabilities: VenueCapabilities;
  marketData?: MarketDataPort;
  execution?: ExecutionPort;
  exchangeInfo?: ExchangeInfoPort;
}

/** Every port the venue provides, sharing one config and transport. */
export function createVenueAdapters(name: string, cfg: unknown = {}, deps?: Partial<VenueDeps>): VenueAdapters {
  const def = getVenueDefinition(name);
  const parsed = parseVenueConfig(name, cfg);
  const d = depsFor(deps);
  return {
    capabilities: def.capabilities,
    marketData: def.createMarketData?.(parsed, d),
    execution: def.createExecution?.(parsed, d),
    exchangeInfo: def.createExchangeInfo?.(parsed, d),
  };
}

for (const def of BUILTIN_VENUES) registerVenue(def);
