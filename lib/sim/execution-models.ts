import type { ExecutionConfig } from "../config/schemas/execution";
import type { Instrument } from "../core/instrument";
import { TradelabError } from "../core/errors";
import type { InstrumentTable } from "./binance-filters";
import { requireInstrument } from "./binance-filters";
import type { FeeModel, FeeTable } from "./fee-model";
import { createFeeModel } from "./fee-model";
import { OrderFilters } from "./filters";
import { createFillModel } from "./fill-model";
import { createIntrabarModel } from "./intrabar";
import type { Seasonality } from "./latency-model";
import { createLatencyModel } from "./latency-model";
import { SeededRng } from "./rng";
import type { SlippageModel } from "./slippage-model";
import { createSlippageModel } from "./slippage-model";
import type { SlippageProfile } from "./slippage-profile";
import type { SymbolModels } from "./symbol-models";

/** Plain data the models need (loaded from files by ./loaders, or built in memory by tests). */
export interface ExecutionData {
  /** Per-symbol maker/taker rates (fees.file). */
  feeTable?: FeeTable;
  /** Exchange filters (filters.file); required when filters.enforce is true. */
  instruments?: InstrumentTable;
  /** Calibrated slippage profile (slippage.profileFile). */
  profile?: SlippageProfile;
  /** Hour-of-week latency multipliers (latency.seasonalityFile). */
  seasonality?: Seasonality;
}

const QUOTES = ["USDT", "USDC", "FDUSD", "TUSD", "BUSD", "DAI", "BTC", "ETH", "BNB", "EUR", "TRY", "BRL", "JPY", "USD"];

/** FNV-1a: a stable 31-bit stream id per symbol, so each symbol has its own random streams. */
function symbolStream(symbol: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < symbol.length; i++) h = Math.imul(h ^ symbol.charCodeAt(i), 0x01000193);
  return (h >>> 1) & 0x3fffffff;
}

/**
 * All execution models for one configuration and seed. `forSymbol` resolves everything a symbol
 * needs; each call starts fresh random streams derived from (seed, symbol), so two engines (or an
 * engine and a kernel) built for the same symbol see the same draws.
 */
export class ExecutionModels {
  readonly fees: FeeModel;
  readonly slippage: SlippageModel;

  constructor(
    readonly config: ExecutionConfig,
    readonly data: ExecutionData,
    readonly seed: number,
  ) {
    this.fees = createFeeModel(config.fees, { table: data.feeTable });
    this.slippage = createSlippageModel(config.slippage, { profile: data.profile });
    if (config.filters.enforce && data.instruments === undefined) {
      throw new TradelabError("CONFIG_INVALID", `filters.enforce is true but no exchange filters were loaded (filters.file: ${config.filters.file})`, {
        details: { path: "filters.file" },
      });
    }
  }

  /** The instrument of a symbol, if the filters file has it. */
  instrument(symbol: string): Instrument | undefined {
    return this.data.instruments?.get(symbol);
  }

  /** Quote asset of a symbol: from its instrument, else from the symbol's suffix ("USD" for equities). */
  quoteAsset(symbol: string): string {
    const inst = this.instrument(symbol);
    if (inst !== undefined) return inst.quoteAsset;
    if (this.config.fees.kind === "equity") return "USD";
    const q = QUOTES.find((s) => symbol.length > s.length && symbol.endsWith(s));
    return q ?? "USD";
  }

  /**
   * Holdings smaller than this cannot be sold by a market order (below the lot step or minimum
   * quantity): dust. 0 when filters are not enforced.
   */
  dustQty(symbol: string): number {
    const inst = this.config.filters.enforce ? this.instrument(symbol) : undefined;
    if (inst === undefined) return 0;
    return Math.max(inst.marketStepSize ?? inst.stepSize, inst.marketMinQty ?? inst.minQty);
  }

  /** Base asset of a symbol: from its instrument, else the symbol without its quote suffix. */
  baseAsset(symbol: string): string {
    const inst = this.instrument(symbol);
    if (inst !== undefined) return inst.baseAsset;
    const quote = this.quoteAsset(symbol);
    return symbol.endsWith(quote) && symbol.length > quote.length ? symbol.slice(0, -quote.length) : symbol;
  }

  /** Everything needed to execute `symbol` on bars of `timeframeMs`. UNKNOWN_SYMBOL when filters are enforced and missing. */
  forSymbol(symbol: string, timeframeMs: number): SymbolModels {
    if (!(timeframeMs > 0)) throw new RangeError(`timeframeMs must be positive, got ${timeframeMs}`);
    const cfg = this.config;
    const filters = cfg.filters.enforce ? new OrderFilters(requireInstrument(this.data.instruments!, symbol, cfg.filters.file)) : null;
    const root = new SeededRng(this.seed);
    const stream = symbolStream(symbol);
    return {
      symbol,
      timeframeMs,
      filters,
      fees: this.fees.forSymbol(symbol),
      feeAsset: this.quoteAsset(symbol),
      baseAsset: this.baseAsset(symbol),
      buyFeeFromBase: cfg.fees.kind === "crypto" && cfg.fees.commissionAsset === "received",
      slippage: this.slippage.forSymbol(symbol),
      latency: createLatencyModel(cfg.latency, { rng: root.fork(2 * stream), seasonality: this.data.seasonality }),
      intrabar: createIntrabarModel(cfg.fill.intrabar, { rng: root.fork(2 * stream + 1) }),
      fill: createFillModel(cfg.fill),
      statsHalfLifeBars: cfg.slippage.sqrtImpact.halfLifeBars,
    };
  }
}

export function createExecutionModels(config: ExecutionConfig, data: ExecutionData, seed: number): ExecutionModels {
  return new ExecutionModels(config, data, seed);
}
