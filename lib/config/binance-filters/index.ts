/** Binance exchangeInfo filters -> Instrument: the one parser shared by the simulator and the Binance adapter. */
export {
  type BinanceFilterOptions,
  type ExchangeOrderLimits,
  type InstrumentTable,
  instrumentFromBinanceSymbol,
  parseBinanceExchangeFilters,
  parseBinanceFilters,
  parseBinanceSymbol,
  type ParsedBinanceSymbol,
  type SymbolOrderLimits,
} from "./parse";
export { FILTER_SCHEMAS, isKnownFilterType, type KnownFilterType, type RawBinanceSymbol } from "./schemas";
