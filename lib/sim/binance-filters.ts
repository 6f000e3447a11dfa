import { TradelabError } from "../core/errors";
import type { Instrument } from "../core/instrument";
import type { InstrumentTable } from "../config/binance-filters/index";

/**
 * The simulator reads exchange filters with the parser the Binance adapter uses
 * (lib/config/binance-filters), so a symbol validates the same in a backtest and live.
 */
export { type BinanceFilterOptions as ParseFiltersOptions, type InstrumentTable, instrumentFromBinanceSymbol, parseBinanceFilters } from "../config/binance-filters/index";

/** The instrument for a symbol, or UNKNOWN_SYMBOL naming where the filters came from. */
export function requireInstrument(table: InstrumentTable, symbol: string, source = "the exchange filters"): Instrument {
  const inst = table.get(symbol);
  if (inst === undefined) {
    throw new TradelabError("UNKNOWN_SYMBOL", `no exchange filters for symbol ${symbol} in ${source}; add it or set filters.enforce: false`, {
      details: { symbol, source },
    });
  }
  return inst;
}
