import { z } from "zod";
import { splitsSchema } from "./features";
import { pathSchema, symbolListSchema, timeframeSchema } from "./common";

/** Research data (`data:`): which bars under data/ to use and the date splits. */
export const dataSchema = z.strictObject({
  /** Root of the embedded data (bars under <dir>/bars/venue=V/symbol=S/timeframe=T/). */
  dir: pathSchema.default("data"),
  /** Venue folder of the bars (venue=<venue>). */
  venue: z.string().regex(/^[a-z0-9_-]+$/, { message: "expected a lower-case venue folder name such as binance or binance_um" }).default("binance"),
  /** crypto trades 24/7; equity follows the US session calendar (annualisation, gap checks). */
  assetClass: z.enum(["crypto", "equity"]).default("crypto"),
  symbols: symbolListSchema.default(["BTCUSDT"]),
  timeframe: timeframeSchema.default("1m"),
  /** train < validation < test by date (from inclusive, to exclusive, UTC). */
  splits: splitsSchema,
});
export type DataConfig = z.infer<typeof dataSchema>;
