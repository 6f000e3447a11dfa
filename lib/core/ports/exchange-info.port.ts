import type { Instrument } from "../instrument";

/** Maker/taker fee rates in basis points. */
export interface FeeRates {
  makerBps: number;
  takerBps: number;
}

/** Trading rules and fees per symbol. */
export interface ExchangeInfoPort {
  readonly venue: string;
  instruments(symbols?: readonly string[]): Promise<Instrument[]>;
  fees(symbol: string): Promise<FeeRates>;
  /** Venue time minus local time, ms (positive: venue is ahead). */
  clockDriftMs?(): Promise<number>;
}
