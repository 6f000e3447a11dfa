export type AssetClass = "crypto" | "equity";

/**
 * A tradable instrument with the venue's trading rules. Prices are rounded to `tickSize`, quantities
 * to `stepSize` (toward zero), and an order's notional must be at least `minNotional`.
 */
export interface Instrument {
  symbol: string;
  venue: string;
  assetClass: AssetClass;
  baseAsset: string;
  quoteAsset: string;
  tickSize: number;
  /** PRICE_FILTER bounds (0 or absent = no bound). */
  minPrice?: number;
  maxPrice?: number;
  stepSize: number;
  minQty: number;
  maxQty: number;
  minNotional: number;
  maxNotional?: number;
  /** Market-order quantity limits (Binance MARKET_LOT_SIZE), when different from LOT_SIZE. */
  marketMinQty?: number;
  marketMaxQty?: number;
  marketStepSize?: number;
  /** PERCENT_PRICE_BY_SIDE multipliers, when the venue has them. */
  percentPrice?: { bidUp: number; bidDown: number; askUp: number; askDown: number };
  /** Whether min notional applies to market orders (Binance applyMinToMarket). Default true. */
  applyMinToMarket?: boolean;
  /** Whether max notional applies to market orders (Binance applyMaxToMarket). Default false. */
  applyMaxToMarket?: boolean;
}
