/** Venue adapters: the registry/factories, capabilities, and each venue's public entry points. */
export * from "./capabilities";
export * from "./registry";
export { createBinanceVenue, resolveBinanceConfig, binanceConfigSchema, BINANCE_PRESETS } from "./binance/index";
export type { BinanceConfig, BinanceConfigInput, BinanceVenue } from "./binance/index";
