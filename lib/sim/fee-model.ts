import type { FeesConfig, EquityFeesConfig } from "../config/schemas/execution";
import type { FeeRates } from "../core/ports/exchange-info.port";
import type { Liquidity } from "../core/fill";
import type { Side } from "../core/market";
import { ceilToStep } from "./filters";
import { stepDecimals } from "./time";

/** Maker/taker bps per symbol (e.g. from data/fees/fees_by_symbol.json). */
export type FeeTable = Readonly<Record<string, FeeRates>>;

/** The fee schedule of one symbol, resolved once so hot loops do no lookups. */
export interface SymbolFees {
  readonly symbol: string;
  /** Effective rates in bps after any token discount (regulatory fees of equities are not bps). */
  readonly makerBps: number;
  readonly takerBps: number;
  /** Fee in quote currency for one fill (negative = rebate). Allocates nothing. */
  fee(side: Side, qty: number, price: number, liquidity: Liquidity): number;
  /**
   * The same fee taken in the base asset of a buy (qty * rate, the minimum fee converted at `price`),
   * on the 8 decimals of a venue's commission field. Allocates nothing.
   */
  baseFee(qty: number, price: number, liquidity: Liquidity): number;
}

export interface FeeModel {
  readonly kind: "crypto" | "equity";
  forSymbol(symbol: string): SymbolFees;
  rates(symbol: string): FeeRates;
}

export interface FeeModelDeps {
  /** Per-symbol rates (crypto). Symbols missing here use the config's fallback rates. */
  table?: FeeTable;
}

function validRate(r: FeeRates, symbol: string): FeeRates {
  if (!Number.isFinite(r.makerBps) || !Number.isFinite(r.takerBps)) {
    throw new RangeError(`fee rates for ${symbol} must be finite bps, got maker=${r.makerBps} taker=${r.takerBps}`);
  }
  return r;
}

/**
 * Crypto: notional * bps * token discount; positive fees are raised to `minFee` and rounded UP to
 * the commission step (a rebate rounds toward zero), so the simulator never understates cost; with
 * no step, fees are rounded to 8 decimals, as a venue's commission field carries them.
 */
class CryptoSymbolFees implements SymbolFees {
  private readonly scale: number;
  constructor(
    readonly symbol: string,
    readonly makerBps: number,
    readonly takerBps: number,
    private readonly minFee: number,
    private readonly step: number,
  ) {
    this.scale = 10 ** stepDecimals(step);
  }

  fee(_side: Side, qty: number, price: number, liquidity: Liquidity): number {
    const bps = liquidity === "maker" ? this.makerBps : this.takerBps;
    let f = (qty * price * bps) / 10_000;
    if (f > 0 && f < this.minFee) f = this.minFee;
    // without a configured step, the 8 decimals of a venue's commission field
    return this.step > 0 ? ceilToStep(f, this.step, 0, this.scale) : Math.round(f * 1e8) / 1e8;
  }

  baseFee(qty: number, price: number, liquidity: Liquidity): number {
    const bps = liquidity === "maker" ? this.makerBps : this.takerBps;
    let f = (qty * bps) / 10_000;
    const min = price > 0 ? this.minFee / price : 0;
    if (f > 0 && f < min) f = min;
    return Math.round(f * 1e8) / 1e8;
  }
}

export class CryptoFeeModel implements FeeModel {
  readonly kind = "crypto" as const;
  private readonly cache = new Map<string, SymbolFees>();
  constructor(
    private readonly cfg: FeesConfig,
    private readonly table: FeeTable = {},
  ) {}

  rates(symbol: string): FeeRates {
    const base = Object.prototype.hasOwnProperty.call(this.table, symbol)
      ? validRate(this.table[symbol]!, symbol)
      : { makerBps: this.cfg.makerBps, takerBps: this.cfg.takerBps };
    return { makerBps: base.makerBps * this.cfg.tokenDiscount, takerBps: base.takerBps * this.cfg.tokenDiscount };
  }

  forSymbol(symbol: string): SymbolFees {
    let s = this.cache.get(symbol);
    if (s === undefined) {
      const r = this.rates(symbol);
      s = new CryptoSymbolFees(symbol, r.makerBps, r.takerBps, this.cfg.minFee, this.cfg.commissionStep);
      this.cache.set(symbol, s);
    }
    return s;
  }
}

function ceilCent(x: number): number {
  return Math.ceil(x * 100 - 1e-9) / 100;
}

/**
 * US equities: broker commission (bps and per share, both sides) plus, on sells only, the SEC
 * Section 31 fee on proceeds and the FINRA TAF per share with its per-order cap, each rounded up
 * to the cent when configured.
 */
class EquitySymbolFees implements SymbolFees {
  readonly makerBps: number;
  readonly takerBps: number;
  constructor(
    readonly symbol: string,
    private readonly cfg: EquityFeesConfig,
  ) {
    this.makerBps = cfg.commissionBps;
    this.takerBps = cfg.commissionBps;
  }

  fee(side: Side, qty: number, price: number): number {
    const c = this.cfg;
    const notional = qty * price;
    let f = (notional * c.commissionBps) / 10_000 + qty * c.commissionPerShare;
    if (side === "sell") {
      let sec = notional * c.secFeeRate;
      let taf = Math.min(qty * c.finraTafPerShare, c.finraTafMax);
      if (c.roundUpToCent) {
        sec = ceilCent(sec);
        taf = ceilCent(taf);
      }
      f += sec + taf;
    }
    return f;
  }

  /** Brokers charge equity fees in cash: a share amount is the cash fee at `price`. */
  baseFee(qty: number, price: number): number {
    return price > 0 ? this.fee("buy", qty, price) / price : 0;
  }
}

export class EquityFeeModel implements FeeModel {
  readonly kind = "equity" as const;
  constructor(private readonly cfg: EquityFeesConfig) {}
  rates(): FeeRates {
    return { makerBps: this.cfg.commissionBps, takerBps: this.cfg.commissionBps };
  }
  forSymbol(symbol: string): SymbolFees {
    return new EquitySymbolFees(symbol, this.cfg);
  }
}

/** The fee model the config asks for. */
export function createFeeModel(cfg: FeesConfig, deps: FeeModelDeps = {}): FeeModel {
  return cfg.kind === "equity" ? new EquityFeeModel(cfg.equity) : new CryptoFeeModel(cfg, deps.table);
}
