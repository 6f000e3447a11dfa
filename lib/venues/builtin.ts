import { z } from "zod";
import { alpacaPaperVenue, alpacaVenue } from "./alpaca/index";
import { BINANCE_VENUE_NAMES, binanceConfigSchema, binanceVenueDefinition } from "./binance/index";
import type { VenueDefinition } from "./capabilities";
import { polygonVenue } from "./polygon/index";
import { REPLAY_CREDENTIALS } from "./replay/config";
import { yahooVenue } from "./yahoo/index";

/**
 * "replay" is the Binance adapter pointed at a local replay exchange: its config defaults to the
 * exchange's credentials and skips periodic clock resyncs (the exchange clock jumps bar by bar).
 * restBaseUrl and wsBaseUrl come from startReplayExchange().
 */
const replayConfigSchema = z.preprocess(
  (v) => ({ apiKey: REPLAY_CREDENTIALS.apiKey, apiSecret: REPLAY_CREDENTIALS.apiSecret, timeSyncIntervalMs: 0, ...(v !== null && typeof v === "object" ? v : {}) }),
  binanceConfigSchema,
);

/**
 * The venues registered at start-up. One line per venue family: import its definitions from
 * lib/venues/<venue>/index.ts and append them here.
 */
export const BUILTIN_VENUES: readonly VenueDefinition<object>[] = [
  ...BINANCE_VENUE_NAMES.map((n) => (n === "replay" ? binanceVenueDefinition(n, replayConfigSchema) : binanceVenueDefinition(n))),
  alpacaVenue,
  alpacaPaperVenue,
  polygonVenue,
  yahooVenue,
] as VenueDefinition<object>[];
