import { alpacaPaperVenue, alpacaVenue } from "./alpaca/index";
import { BINANCE_VENUE_NAMES, binanceVenueDefinition } from "./binance/index";
import type { VenueDefinition } from "./capabilities";
import { polygonVenue } from "./polygon/index";
import { yahooVenue } from "./yahoo/index";

/**
 * The venues registered at start-up. One line per venue family: import its definitions from
 * lib/venues/<venue>/index.ts and append them here.
 */
export const BUILTIN_VENUES: readonly VenueDefinition<object>[] = [
  ...BINANCE_VENUE_NAMES.map((n) => binanceVenueDefinition(n)),
  alpacaVenue,
  alpacaPaperVenue,
  polygonVenue,
  yahooVenue,
] as VenueDefinition<object>[];
