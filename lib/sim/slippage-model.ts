import type { SlippageConfig, SqrtImpactConfig } from "../config/schemas/execution";
import type { Side } from "../core/market";
import { TradelabError } from "../core/errors";
import type { SlippageProfile, SlippageProfileEntry } from "./slippage-profile";

/**
 * What a slippage model sees for one fill. Callers keep one instance and overwrite its fields, so
 * hot loops allocate nothing. `sigma`, `volume` and `lastRangeBps` come from MarketStats over bars
 * closed before the fill; `quoteSpreadBps` is NaN when no quote is known.
 */
export interface SlippageInput {
  side: Side;
  /** Quantity of this fill, base units. */
  qty: number;
  /** Market price before slippage (the reference). */
  price: number;
  hourOfWeek: number;
  sigma: number;
  volume: number;
  lastRangeBps: number;
  quoteSpreadBps: number;
}

export function newSlippageInput(): SlippageInput {
  return { side: "buy", qty: 0, price: 0, hourOfWeek: 0, sigma: Number.NaN, volume: 0, lastRangeBps: Number.NaN, quoteSpreadBps: Number.NaN };
}

/** Slippage of one symbol: adverse cost in bps of the reference price (always >= 0). Deterministic. */
export interface SymbolSlippage {
  /** Whether `bps` reads sigma, volume or the bar range (so callers must keep MarketStats current). */
  readonly usesMarketStats: boolean;
  bps(inp: SlippageInput): number;
}

export interface SlippageModel {
  readonly kind: SlippageConfig["kind"];
  forSymbol(symbol: string): SymbolSlippage;
}

export interface SlippageModelDeps {
  /** Required for kind "profile". */
  profile?: SlippageProfile;
}

/** Fill price after slippage: buys pay more, sells receive less. */
export function applySlippage(side: Side, price: number, bps: number): number {
  return side === "buy" ? price * (1 + bps / 10_000) : price * (1 - bps / 10_000);
}

class FixedSlippage implements SymbolSlippage, SlippageModel {
  readonly kind = "fixed" as const;
  readonly usesMarketStats = false;
  constructor(private readonly fixedBps: number) {}
  bps(): number {
    return this.fixedBps;
  }
  forSymbol(): SymbolSlippage {
    return this;
  }
}

/** Full spread in bps: the quote's when allowed and known, else the configured estimate. */
function spreadBps(c: SqrtImpactConfig, inp: SlippageInput): number {
  if (c.spreadSource === "quote-or-estimate" && Number.isFinite(inp.quoteSpreadBps)) return inp.quoteSpreadBps;
  const e = c.spreadEstimate;
  if (e.method === "high-low" && Number.isFinite(inp.lastRangeBps)) return Math.max(e.bps, e.rangeFraction * inp.lastRangeBps);
  return e.bps;
}

/** k * sigma * sqrt(q / V) in bps; NaN when volume or volatility is unknown. */
function sqrtImpactBps(k: number, inp: SlippageInput): number {
  if (!(inp.volume > 0) || !Number.isFinite(inp.sigma)) return Number.NaN;
  return k * inp.sigma * Math.sqrt(inp.qty / inp.volume) * 10_000;
}

/** half-spread + k * sigma * sqrt(q / V), capped at maxBps (also when volume or volatility is unknown). */
class SqrtImpactSlippage implements SymbolSlippage, SlippageModel {
  readonly kind = "sqrt-impact" as const;
  readonly usesMarketStats = true;
  constructor(private readonly c: SqrtImpactConfig) {}
  bps(inp: SlippageInput): number {
    const impact = sqrtImpactBps(this.c.k, inp);
    if (Number.isNaN(impact)) return this.c.maxBps;
    return Math.min(spreadBps(this.c, inp) / 2 + impact, this.c.maxBps);
  }
  forSymbol(): SymbolSlippage {
    return this;
  }
}

/** A calibrated profile entry: bucket cost by notional, or square-root parameters, times the hour-of-week multiplier. */
class ProfileSymbolSlippage implements SymbolSlippage {
  readonly usesMarketStats: boolean;
  private readonly maxBps: number;
  private readonly bucketMax: Float64Array;
  private readonly bucketBps: Float64Array;
  constructor(
    private readonly e: SlippageProfileEntry,
    private readonly c: SqrtImpactConfig,
  ) {
    this.maxBps = e.maxBps ?? c.maxBps;
    this.usesMarketStats = e.buckets === undefined;
    const b = e.buckets ?? [];
    this.bucketMax = Float64Array.from(b, (x) => x.maxNotional ?? Number.POSITIVE_INFINITY);
    this.bucketBps = Float64Array.from(b, (x) => x.bps);
  }

  bps(inp: SlippageInput): number {
    let base: number;
    const n = this.bucketMax.length;
    if (n > 0) {
      const notional = inp.qty * inp.price;
      let i = 0;
      while (i < n - 1 && notional > this.bucketMax[i]!) i++;
      base = this.bucketBps[i]!;
    } else {
      const impact = sqrtImpactBps(this.e.k ?? 0, inp);
      if (Number.isNaN(impact)) return this.maxBps;
      base = (this.e.halfSpreadBps ?? spreadBps(this.c, inp) / 2) + impact;
    }
    const how = this.e.hourOfWeek;
    if (how !== undefined) base *= how[inp.hourOfWeek]!;
    return Math.min(base, this.maxBps);
  }
}

class ProfileSlippage implements SlippageModel {
  readonly kind = "profile" as const;
  private readonly cache = new Map<string, SymbolSlippage>();
  constructor(
    private readonly profile: SlippageProfile,
    private readonly c: SqrtImpactConfig,
    private readonly source: string,
  ) {}
  forSymbol(symbol: string): SymbolSlippage {
    let s = this.cache.get(symbol);
    if (s === undefined) {
      const e = Object.prototype.hasOwnProperty.call(this.profile.symbols, symbol) ? this.profile.symbols[symbol] : this.profile.default;
      if (e === undefined) {
        throw new TradelabError("UNKNOWN_SYMBOL", `slippage profile ${this.source} has no entry for ${symbol} and no default`, { details: { symbol, file: this.source } });
      }
      s = new ProfileSymbolSlippage(e, this.c);
      this.cache.set(symbol, s);
    }
    return s;
  }
}

/** The slippage model the config asks for. */
export function createSlippageModel(cfg: SlippageConfig, deps: SlippageModelDeps = {}): SlippageModel {
  switch (cfg.kind) {
    case "fixed":
      return new FixedSlippage(cfg.fixedBps);
    case "sqrt-impact":
      return new SqrtImpactSlippage(cfg.sqrtImpact);
    case "profile":
      if (deps.profile === undefined) {
        throw new TradelabError("CONFIG_INVALID", `slippage.kind is "profile" but no profile was loaded (slippage.profileFile: ${cfg.profileFile ?? "unset"})`, {
          details: { path: "slippage.profileFile" },
        });
      }
      return new ProfileSlippage(deps.profile, cfg.sqrtImpact, cfg.profileFile ?? "profile");
  }
}
