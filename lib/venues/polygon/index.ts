import type { VenueCapabilities, VenueDefinition, VenueDeps } from "../capabilities";
import { polygonConfigSchema, type PolygonConfig } from "./config";
import { PolygonHttp } from "./http";
import { PolygonMarketData } from "./market-data";

export { polygonConfigSchema, polygonOptionsSchema, parsePolygonConfig, POLYGON_URLS, type PolygonConfig, type PolygonConfigInput } from "./config";
export { PolygonMarketData } from "./market-data";
export { polygonRestError, polygonStatusError } from "./errors";

/** Data only: no order entry, no exchange info. */
export const polygonCapabilities: VenueCapabilities = {
  name: "polygon",
  protocol: "polygon",
  assetClass: "equity",
  marketData: true,
  execution: false,
  exchangeInfo: false,
  // History in every timeframe; the live stream carries 1m bars (AM) only.
  timeframes: ["1m", "5m", "15m", "1h", "4h", "1d"],
  streamingBars: true,
  userDataStream: false,
  orderTypes: [],
  timeInForce: [],
  shortSelling: false,
  reduceOnly: false,
  fractionalQty: false,
  historyPageLimit: 50_000,
  credentials: { marketData: true, execution: false },
  realMoney: false,
  simulated: false,
  tradingHours: "exchange-sessions",
};

export const polygonVenue: VenueDefinition<PolygonConfig> = {
  name: "polygon",
  description: "Polygon.io US stocks data: aggregates REST (paged by next_url) and the minute-aggregate WebSocket",
  capabilities: polygonCapabilities,
  configSchema: polygonConfigSchema,
  createMarketData: (cfg: PolygonConfig, deps: VenueDeps) => {
    const rng = deps.rng;
    const random = rng ? { random: () => rng.next() } : {};
    const http = new PolygonHttp(cfg, { clock: deps.clock, logger: deps.logger, ...random, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
    return new PolygonMarketData("polygon", cfg, http, { clock: deps.clock, logger: deps.logger, ...random });
  },
};
