/** Venue adapters: the registry/factories, capabilities, and each venue's public entry points. */
export * from "./capabilities";
export * from "./registry";
export { createBinanceVenue, resolveBinanceConfig, binanceConfigSchema, BINANCE_PRESETS } from "./binance/index";
export type { BinanceConfig, BinanceConfigInput, BinanceVenue } from "./binance/index";
export { alpacaVenue, alpacaPaperVenue, parseAlpacaConfig, ALPACA_URLS } from "./alpaca/index";
export type { AlpacaConfig, AlpacaConfigInput, MarketClock } from "./alpaca/index";
export { polygonVenue, parsePolygonConfig } from "./polygon/index";
export type { PolygonConfig, PolygonConfigInput } from "./polygon/index";
export { yahooVenue, parseYahooConfig } from "./yahoo/index";
export type { YahooConfig, YahooConfigInput } from "./yahoo/index";
export { startReplayExchange, REPLAY_CREDENTIALS, replayOptionsSchema } from "./replay/index";
export type { ReplayExchange, ReplayProgress, ReplaySummary, StartReplayOptions, ReplayOptionsInput } from "./replay/index";
