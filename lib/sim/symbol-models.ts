import type { SymbolFees } from "./fee-model";
import type { OrderFilters } from "./filters";
import type { FillModel } from "./fill-model";
import type { IntrabarPriceModel } from "./intrabar";
import type { LatencyModel } from "./latency-model";
import type { SymbolSlippage } from "./slippage-model";

/**
 * Everything needed to execute orders in one symbol, resolved once: the matching engine and the
 * vectorised kernel both run on this, which is what makes them agree.
 */
export interface SymbolModels {
  readonly symbol: string;
  /** Bar length in ms (an order submitted at a bar's close arrives in the next bar). */
  readonly timeframeMs: number;
  /** Exchange filters, or null when filters are not enforced. */
  readonly filters: OrderFilters | null;
  readonly fees: SymbolFees;
  /** Asset fees are charged in (the quote asset), except a buy's when `buyFeeFromBase`. */
  readonly feeAsset: string;
  /** The base asset (BTC of BTCUSDT). */
  readonly baseAsset: string;
  /** A buy's commission is taken from the base asset it receives (crypto, fees.commissionAsset "received"). */
  readonly buyFeeFromBase: boolean;
  readonly slippage: SymbolSlippage;
  readonly latency: LatencyModel;
  readonly intrabar: IntrabarPriceModel;
  readonly fill: FillModel;
  /** EWMA half-life of the market statistics the slippage model reads. */
  readonly statsHalfLifeBars: number;
}
