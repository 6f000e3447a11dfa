import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ConfigError } from "../../lib/core/errors";
import type { MarketDataPort } from "../../lib/core/ports/market-data.port";
import {
  createExchangeInfoAdapter,
  createExecutionAdapter,
  createMarketDataAdapter,
  createVenueAdapters,
  getVenueDefinition,
  listVenues,
  parseVenueConfig,
  registerVenue,
  venueCapabilities,
} from "../../lib/venues/registry";
import type { VenueCapabilities } from "../../lib/venues/capabilities";

const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError");
}

describe("venue registry", () => {
  it("registers the Binance family and the replay exchange", () => {
    expect(listVenues()).toEqual(expect.arrayContaining(["binance", "binance-testnet", "binance-futures", "binance-futures-testnet", "replay"]));
  });

  it("publishes a capabilities record per venue", () => {
    expect(venueCapabilities("binance")).toMatchObject({ protocol: "binance", assetClass: "crypto", execution: true, shortSelling: false, realMoney: true, simulated: false, historyPageLimit: 1000 });
    expect(venueCapabilities("binance-testnet")).toMatchObject({ execution: true, realMoney: false });
    expect(venueCapabilities("binance-futures")).toMatchObject({ marketData: true, exchangeInfo: true, execution: false, historyPageLimit: 1500 });
    expect(venueCapabilities("replay")).toMatchObject({ simulated: true, realMoney: false, execution: true });
  });

  it("creates market data, execution and exchange info ports; one config shares one transport", () => {
    const cfg = { apiKey: KEY, apiSecret: SECRET };
    const md = createMarketDataAdapter("binance-testnet", cfg);
    expect(md.venue).toBe("binance-testnet");
    expect(createExecutionAdapter("binance-testnet", cfg).venue).toBe("binance-testnet");
    expect(createExchangeInfoAdapter("binance-testnet", cfg).venue).toBe("binance-testnet");
    const all = createVenueAdapters("binance-testnet", cfg);
    expect(all.marketData).toBe(md);
    expect(all.capabilities.name).toBe("binance-testnet");
  });

  it("rejects unknown keys and bad values with the key path, never echoing a secret", () => {
    const e1 = configError(() => parseVenueConfig("binance", { recvWindowMs: 90_000, apiKey: KEY, apiSecret: SECRET }));
    expect(e1.details.path).toBe("venues.binance.recvWindowMs");
    const e2 = configError(() => parseVenueConfig("binance", { apiKey: KEY, apiSecret: SECRET, recvwindow: 1 }));
    expect(e2.message).toContain("recvwindow");
    for (const e of [e1, e2]) expect(inspect(e) + JSON.stringify(e.details)).not.toContain(SECRET);
    expect(configError(() => createExecutionAdapter("binance", { apiKey: KEY })).details.path).toBe("apiSecret");
  });

  it("wraps credentials so a printed config shows them masked", () => {
    const cfg = parseVenueConfig<{ apiKey: unknown }>("binance", { apiKey: KEY, apiSecret: SECRET });
    expect(inspect(cfg) + JSON.stringify(cfg)).not.toContain(KEY);
    expect(JSON.stringify(cfg)).toContain("vmPU…(64)");
  });

  it("names the registered venues for an unknown name and refuses ports a venue lacks", () => {
    expect(configError(() => createMarketDataAdapter("nasdaq")).message).toMatch(/unknown venue "nasdaq" \(registered: .*binance/);
    expect(configError(() => createExecutionAdapter("binance-futures")).message).toContain("does not provide execution");
    expect(configError(() => createMarketDataAdapter("replay", {})).message).toContain("restBaseUrl is required");
  });

  it("lets another venue register with its own schema and capabilities", () => {
    const caps: VenueCapabilities = { ...getVenueDefinition("binance").capabilities, name: "test-venue", protocol: "test", assetClass: "equity" };
    const md: MarketDataPort = { venue: "test-venue", history: () => Promise.resolve([]), subscribeBars: () => Promise.resolve({ close: () => Promise.resolve() }) };
    registerVenue({ name: "test-venue", description: "a test venue", capabilities: caps, configSchema: z.strictObject({ token: z.string() }), createMarketData: () => md });
    expect(createMarketDataAdapter("test-venue", { token: "t" })).toBe(md);
    expect(configError(() => createMarketDataAdapter("test-venue", {})).details.path).toBe("venues.test-venue.token");
    expect(() => registerVenue({ name: "test-venue", description: "", capabilities: caps, configSchema: z.object({}) })).toThrow(ConfigError);
  });
});
