import type { Clock } from "../../core/clock";
import { VenueError } from "../../core/errors";
import type { Instrument } from "../../core/instrument";
import type { ExchangeInfoPort, FeeRates } from "../../core/ports/exchange-info.port";
import type { BinanceRest } from "./http";
import { decode, instrumentFromSymbol, num } from "./parse";
import { rateLimitRules } from "./rate-limit";
import { accountSchema, exchangeInfoSchema } from "./schemas";

interface Cached<T> {
  at: number;
  value: T;
}

/** Trading rules (exchangeInfo filters -> Instrument), fee rates (account commissionRates) and clock drift. */
export class BinanceExchangeInfo implements ExchangeInfoPort {
  readonly venue: string;
  private readonly bySymbol = new Map<string, Cached<Instrument>>();
  private fullListAt = Number.NEGATIVE_INFINITY;
  private feeCache: Cached<FeeRates> | undefined;

  constructor(
    private readonly rest: BinanceRest,
    private readonly clock: Clock,
  ) {
    this.venue = rest.cfg.venue;
  }

  private fresh(at: number): boolean {
    return this.clock.now() - at <= this.rest.cfg.exchangeInfoTtlMs;
  }

  /** Instruments for `symbols` (all listed symbols when omitted). Unknown symbols are UNKNOWN_SYMBOL errors. */
  async instruments(symbols?: readonly string[]): Promise<Instrument[]> {
    if (symbols === undefined) {
      if (!this.fresh(this.fullListAt)) await this.load(undefined);
      return [...this.bySymbol.values()].map((c) => c.value);
    }
    const missing = symbols.filter((s) => {
      const c = this.bySymbol.get(s);
      return !c || !this.fresh(c.at);
    });
    if (missing.length > 0) await this.load(missing);
    return symbols.map((s) => {
      const c = this.bySymbol.get(s);
      if (!c) throw new VenueError("UNKNOWN_SYMBOL", `${this.venue}: symbol ${s} is not listed in exchangeInfo`, { details: { venue: this.venue, symbol: s } });
      return c.value;
    });
  }

  /** One instrument from the cache or the venue. */
  async instrument(symbol: string): Promise<Instrument> {
    const [i] = await this.instruments([symbol]);
    return i!;
  }

  /** The cached instrument, if any (no network). */
  cached(symbol: string): Instrument | undefined {
    return this.bySymbol.get(symbol)?.value;
  }

  private async load(symbols: readonly string[] | undefined): Promise<void> {
    const spot = this.rest.cfg.product === "spot";
    // Spot accepts a symbols filter (weight 20 either way); USD-M returns everything (weight 1).
    const params = spot && symbols ? (symbols.length === 1 ? { symbol: symbols[0] } : { symbols: [...symbols] }) : undefined;
    const body = await this.rest.call({
      method: "GET",
      path: spot ? "/api/v3/exchangeInfo" : "/fapi/v1/exchangeInfo",
      params,
      security: "NONE",
      weight: spot ? 20 : 1,
      resendOnUnknown: true,
      label: "exchangeInfo",
    });
    const info = decode(exchangeInfoSchema, body, "exchangeInfo");
    // The venue's own REQUEST_WEIGHT, ORDERS and RAW_REQUESTS limits replace the configured default.
    this.rest.limiter.configure(rateLimitRules(info.rateLimits, this.venue));
    const at = this.clock.now();
    for (const s of info.symbols) this.bySymbol.set(s.symbol, { at, value: instrumentFromSymbol(s, this.venue) });
    if (!symbols) this.fullListAt = at;
  }

  /** Maker/taker fees in bps: the account's commissionRates when credentials are set, else config.defaultFees. */
  async fees(symbol: string): Promise<FeeRates> {
    void symbol; // spot commission rates are account-wide on this endpoint
    if (!this.rest.hasCredentials || this.rest.cfg.product !== "spot") return { ...this.rest.cfg.defaultFees };
    if (this.feeCache && this.fresh(this.feeCache.at)) return this.feeCache.value;
    const body = await this.rest.call({ method: "GET", path: "/api/v3/account", params: { omitZeroBalances: true }, security: "SIGNED", weight: 20, resendOnUnknown: true, label: "account" });
    const acc = decode(accountSchema, body, "account");
    let fees: FeeRates;
    if (acc.commissionRates) fees = { makerBps: toBps(num(acc.commissionRates.maker, "maker")), takerBps: toBps(num(acc.commissionRates.taker, "taker")) };
    // Older payloads: makerCommission/takerCommission in units of 0.01% (bps).
    else fees = { makerBps: acc.makerCommission ?? this.rest.cfg.defaultFees.makerBps, takerBps: acc.takerCommission ?? this.rest.cfg.defaultFees.takerBps };
    this.feeCache = { at: this.clock.now(), value: fees };
    return fees;
  }

  /** Measures venue time minus local time now, ms. */
  async clockDriftMs(): Promise<number> {
    await this.rest.timeSync.sync();
    return this.rest.timeSync.offsetMs;
  }
}

/** Fraction -> bps, rounded to 1e-6 bps so 0.0015 reads as 15, not 15.000000000000002. */
function toBps(fraction: number): number {
  return Math.round(fraction * 1e10) / 1e6;
}
