import type { Clock } from "../../core/clock";
import type { Instrument } from "../../core/instrument";
import type { ExchangeInfoPort, FeeRates } from "../../core/ports/exchange-info.port";
import type { AlpacaConfig } from "./config";
import type { AlpacaHttp } from "./http";
import { parseAsset, parseClock, type AssetRules } from "./parse";

/** Smallest fractional share quantity Alpaca accepts (9 decimal places). */
const FRACTION_STEP = 1e-9;
/** Fractional (notional) orders must be worth at least $1. */
const FRACTIONAL_MIN_NOTIONAL = 1;
/** Alpaca caps no order size; a finite bound keeps the instrument JSON-safe. */
const NO_MAX_QTY = Number.MAX_SAFE_INTEGER;

/**
 * Trading rules from /v2/assets. US equities quote in whole cents at or above $1 (Reg NMS rule 612):
 * the instrument carries tickSize 0.01 unless Alpaca reports a price_increment; sub-dollar prices
 * may use 0.0001, which a single tick size cannot express, so sub-dollar names get 0.0001 only when
 * Alpaca says so. Whole-share assets step by 1; fractionable ones by 1e-9 with a $1 minimum notional.
 */
export function assetToInstrument(a: AssetRules, venue: string): Instrument {
  const step = a.fractionable ? (a.minTradeIncrement ?? FRACTION_STEP) : 1;
  return {
    symbol: a.symbol,
    venue,
    assetClass: "equity",
    baseAsset: a.symbol,
    quoteAsset: "USD",
    tickSize: a.priceIncrement ?? 0.01,
    stepSize: step,
    minQty: a.fractionable ? (a.minOrderSize ?? step) : 1,
    maxQty: NO_MAX_QTY,
    minNotional: a.fractionable ? FRACTIONAL_MIN_NOTIONAL : 0,
    applyMinToMarket: a.fractionable,
  };
}

export class AlpacaExchangeInfo implements ExchangeInfoPort {
  constructor(
    readonly venue: string,
    private readonly cfg: AlpacaConfig,
    private readonly http: AlpacaHttp,
    private readonly clock: Clock,
  ) {}

  /** Tradable instruments: the given symbols (one request each) or every active US equity. */
  async instruments(symbols?: readonly string[]): Promise<Instrument[]> {
    const raw = symbols ? await Promise.all(symbols.map((s) => this.http.asset(s))) : await this.http.assets();
    return raw.map(parseAsset).filter((a) => a.tradable || symbols !== undefined).map((a) => assetToInstrument(a, this.venue));
  }

  async fees(_symbol: string): Promise<FeeRates> {
    return { makerBps: this.cfg.fees.makerBps, takerBps: this.cfg.fees.takerBps };
  }

  /** Venue time minus local time, from /v2/clock, measured at the request midpoint. */
  async clockDriftMs(): Promise<number> {
    const t0 = this.clock.now();
    const c = parseClock(await this.http.clock());
    const t1 = this.clock.now();
    return c.ts - (t0 + t1) / 2;
  }
}
