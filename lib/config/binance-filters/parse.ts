import type { z } from "zod";
import { DataError } from "../../core/errors";
import type { AssetClass, Instrument } from "../../core/instrument";
import { FILTER_SCHEMAS, isKnownFilterType, rawSymbolSchema, type KnownFilterType, type ParsedFilter, type RawBinanceSymbol } from "./schemas";

/** Instruments by symbol. */
export type InstrumentTable = ReadonlyMap<string, Instrument>;

export interface BinanceFilterOptions {
  /** Venue name written into each instrument. Default "binance". */
  venue?: string;
  /** Default "crypto". */
  assetClass?: AssetClass;
  /** Where the payload came from (file or endpoint), first element of every error path. Default "exchangeInfo". */
  source?: string;
  /** Keep symbols whose status is not TRADING. Default true (history contains delisted symbols). */
  includeNonTrading?: boolean;
}

/** Per-symbol order rules the Instrument does not model (order counts, iceberg parts, position cap). */
export interface SymbolOrderLimits {
  maxNumOrders?: number;
  maxNumAlgoOrders?: number;
  maxNumIcebergOrders?: number;
  maxNumOrderLists?: number;
  maxNumOrderAmends?: number;
  icebergParts?: number;
  maxPosition?: number;
  trailingDelta?: { minAbove: number; maxAbove: number; minBelow: number; maxBelow: number };
}

export interface ParsedBinanceSymbol {
  instrument: Instrument;
  limits: SymbolOrderLimits;
  status?: string;
  /** filterType of every filter this parser does not know (kept out of the instrument, not an error). */
  unknownFilters: string[];
}

function fail(at: string, issue: z.core.$ZodIssue | undefined, details: Record<string, unknown>): never {
  const path = issue && issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
  throw new DataError(`${at}${path}: ${issue?.message ?? "invalid"}${details["symbol"] ? ` (symbol ${String(details["symbol"])})` : ""}`, { path: `${at}${path}`, ...details });
}

function filterOf<K extends KnownFilterType>(type: K, raw: unknown, at: string, details: Record<string, unknown>): ParsedFilter<K> {
  const r = (FILTER_SCHEMAS[type] as unknown as z.ZodType<ParsedFilter<K>>).safeParse(raw);
  if (!r.success) fail(at, r.error.issues[0], details);
  return r.data;
}

/** Both percent-price filters may be present: an order must pass both, so the ranges intersect (0 = not set). */
function intersect(a: number | undefined, b: number, tighter: (x: number, y: number) => number): number {
  if (a === undefined || a === 0) return b;
  return b === 0 ? a : tighter(a, b);
}

function mergePercent(inst: Instrument, p: { bidUp: number; bidDown: number; askUp: number; askDown: number }): void {
  const q = inst.percentPrice;
  inst.percentPrice = {
    bidUp: intersect(q?.bidUp, p.bidUp, Math.min),
    bidDown: intersect(q?.bidDown, p.bidDown, Math.max),
    askUp: intersect(q?.askUp, p.askUp, Math.min),
    askDown: intersect(q?.askDown, p.askDown, Math.max),
  };
}

/**
 * One exchangeInfo symbol entry -> Instrument plus the order-count rules.
 *
 * Zeros. filters.md says of PRICE_FILTER that any of minPrice, maxPrice and tickSize "can be set to 0,
 * which disables that rule"; it is the only statement the docs make about zeros, and it is applied to
 * every bound here: a zero bound is "no bound". LOT_SIZE maxQty 0 therefore reads as no maximum
 * (Infinity), not as "no quantity passes": Binance stops trading in a symbol through its `status`
 * (BREAK, HALT), never through a zero LOT_SIZE maximum, and the live MARKET_LOT_SIZE filters carry
 * zeros (minQty "0.00000000", stepSize "0.00000000") exactly where a rule is not set. So
 * MARKET_LOT_SIZE zeros leave the market-order field unset (LOT_SIZE governs), NOTIONAL maxNotional 0
 * means no maximum, and a zero tickSize/stepSize means no rounding.
 */
export function parseBinanceSymbol(raw: unknown, opts: BinanceFilterOptions = {}, where = opts.source ?? "exchangeInfo"): ParsedBinanceSymbol {
  const r = rawSymbolSchema.safeParse(raw);
  const sym = raw !== null && typeof raw === "object" ? (raw as { symbol?: unknown }).symbol : undefined;
  if (!r.success) fail(where, r.error.issues[0], typeof sym === "string" ? { symbol: sym } : {});
  const s: RawBinanceSymbol = r.data;
  const inst: Instrument = {
    symbol: s.symbol,
    venue: opts.venue ?? "binance",
    assetClass: opts.assetClass ?? "crypto",
    baseAsset: s.baseAsset,
    quoteAsset: s.quoteAsset,
    tickSize: 0,
    stepSize: 0,
    minQty: 0,
    maxQty: Number.POSITIVE_INFINITY,
    minNotional: 0,
  };
  const limits: SymbolOrderLimits = {};
  const unknownFilters: string[] = [];
  s.filters.forEach((f, k) => {
    const type = f.filterType;
    const at = `${where}.filters[${k}](${type})`;
    const details = { symbol: s.symbol, filterIndex: k, filterType: type };
    if (!isKnownFilterType(type)) {
      unknownFilters.push(type);
      return;
    }
    switch (type) {
      case "PRICE_FILTER": {
        const p = filterOf(type, f, at, details);
        inst.tickSize = p.tickSize;
        if (p.minPrice > 0) inst.minPrice = p.minPrice;
        if (p.maxPrice > 0) inst.maxPrice = p.maxPrice;
        break;
      }
      case "LOT_SIZE": {
        const p = filterOf(type, f, at, details);
        inst.minQty = p.minQty;
        inst.maxQty = p.maxQty > 0 ? p.maxQty : Number.POSITIVE_INFINITY;
        inst.stepSize = p.stepSize;
        break;
      }
      case "MARKET_LOT_SIZE": {
        const p = filterOf(type, f, at, details);
        if (p.minQty > 0) inst.marketMinQty = p.minQty;
        if (p.maxQty > 0) inst.marketMaxQty = p.maxQty;
        if (p.stepSize > 0) inst.marketStepSize = p.stepSize;
        break;
      }
      case "MIN_NOTIONAL": {
        const p = filterOf(type, f, at, details);
        // NOTIONAL replaced MIN_NOTIONAL on spot; when both are listed, NOTIONAL (the newer) wins.
        if (s.filters.some((g) => g.filterType === "NOTIONAL")) break;
        inst.minNotional = p.minNotional ?? p.notional ?? 0;
        inst.applyMinToMarket = p.applyToMarket ?? true;
        break;
      }
      case "NOTIONAL": {
        const p = filterOf(type, f, at, details);
        inst.minNotional = p.minNotional;
        inst.applyMinToMarket = p.applyMinToMarket ?? true;
        if (p.maxNotional !== undefined && p.maxNotional > 0) inst.maxNotional = p.maxNotional;
        inst.applyMaxToMarket = p.applyMaxToMarket ?? false;
        break;
      }
      case "PERCENT_PRICE": {
        // One range for both sides (spot: average price; USD-M: mark price).
        const p = filterOf(type, f, at, details);
        mergePercent(inst, { bidUp: p.multiplierUp, bidDown: p.multiplierDown, askUp: p.multiplierUp, askDown: p.multiplierDown });
        break;
      }
      case "PERCENT_PRICE_BY_SIDE": {
        const p = filterOf(type, f, at, details);
        mergePercent(inst, { bidUp: p.bidMultiplierUp, bidDown: p.bidMultiplierDown, askUp: p.askMultiplierUp, askDown: p.askMultiplierDown });
        break;
      }
      default:
        readLimit(type, filterOf(type, f, at, details), limits);
    }
  });
  return { instrument: inst, limits, status: s.status, unknownFilters };
}

function readLimit(type: KnownFilterType, p: Record<string, unknown>, limits: SymbolOrderLimits): void {
  const n = (k: string): number | undefined => (typeof p[k] === "number" ? (p[k] as number) : undefined);
  switch (type) {
    case "MAX_NUM_ORDERS":
      limits.maxNumOrders = n("maxNumOrders") ?? n("limit");
      break;
    case "MAX_NUM_ALGO_ORDERS":
      limits.maxNumAlgoOrders = n("maxNumAlgoOrders") ?? n("limit");
      break;
    case "MAX_NUM_ICEBERG_ORDERS":
      limits.maxNumIcebergOrders = n("maxNumIcebergOrders");
      break;
    case "MAX_NUM_ORDER_LISTS":
      limits.maxNumOrderLists = n("maxNumOrderLists");
      break;
    case "MAX_NUM_ORDER_AMENDS":
      limits.maxNumOrderAmends = n("maxNumOrderAmends");
      break;
    case "ICEBERG_PARTS":
      limits.icebergParts = n("limit");
      break;
    case "MAX_POSITION":
      limits.maxPosition = n("maxPosition");
      break;
    case "TRAILING_DELTA":
      limits.trailingDelta = { minAbove: n("minTrailingAboveDelta")!, maxAbove: n("maxTrailingAboveDelta")!, minBelow: n("minTrailingBelowDelta")!, maxBelow: n("maxTrailingBelowDelta")! };
      break;
    default:
      break; // exchange and asset filters listed on a symbol: validated, not per-symbol rules
  }
}

/** exchangeInfo symbol entry -> Instrument (see parseBinanceSymbol for the filter semantics). */
export function instrumentFromBinanceSymbol(raw: unknown, opts: BinanceFilterOptions = {}, where?: string): Instrument {
  return parseBinanceSymbol(raw, opts, where).instrument;
}

function symbolEntries(payload: unknown, src: string): { raw: unknown; where: string }[] {
  const root = payload as { symbols?: unknown } | null;
  if (Array.isArray(payload)) return payload.map((raw, k) => ({ raw, where: `${src}[${k}]` }));
  if (root !== null && typeof root === "object" && Array.isArray(root.symbols)) return root.symbols.map((raw, k) => ({ raw, where: `${src}.symbols[${k}]` }));
  if (root !== null && typeof root === "object" && root.symbols !== null && typeof root.symbols === "object") {
    return Object.entries(root.symbols as Record<string, unknown>).map(([sym, raw]) => ({
      raw: raw !== null && typeof raw === "object" && !("symbol" in raw) ? { symbol: sym, ...raw } : raw,
      where: `${src}.symbols.${sym}`,
    }));
  }
  throw new DataError(`${src}: expected exchangeInfo layout with a "symbols" array or map`, { source: src });
}

/**
 * Parses filters in Binance exchangeInfo layout (spot GET /api/v3/exchangeInfo or USD-M GET
 * /fapi/v1/exchangeInfo) into instruments: the full payload `{ symbols: [...] }`, a bare array of
 * symbol entries, or `{ symbols: { BTCUSDT: { baseAsset, quoteAsset, filters } } }` keyed by symbol.
 */
export function parseBinanceFilters(payload: unknown, opts: BinanceFilterOptions = {}): InstrumentTable {
  const src = opts.source ?? "exchangeInfo";
  const out = new Map<string, Instrument>();
  for (const { raw, where } of symbolEntries(payload, src)) {
    const p = parseBinanceSymbol(raw, opts, where);
    if (opts.includeNonTrading === false && p.status !== undefined && p.status !== "TRADING") continue;
    out.set(p.instrument.symbol, p.instrument);
  }
  return out;
}

/** Account-wide order limits of exchangeInfo `exchangeFilters` (EXCHANGE_MAX_NUM_*). */
export interface ExchangeOrderLimits {
  maxNumOrders?: number;
  maxNumAlgoOrders?: number;
  maxNumIcebergOrders?: number;
  maxNumOrderLists?: number;
}

/** Validates exchangeInfo `exchangeFilters`; unknown filter types are skipped, malformed known ones name their index and field. */
export function parseBinanceExchangeFilters(list: readonly unknown[], source = "exchangeInfo"): ExchangeOrderLimits {
  const out: ExchangeOrderLimits = {};
  list.forEach((raw, k) => {
    const type = raw !== null && typeof raw === "object" ? (raw as { filterType?: unknown }).filterType : undefined;
    const at = `${source}.exchangeFilters[${k}](${String(type)})`;
    if (typeof type !== "string" || !isKnownFilterType(type)) return;
    const p = filterOf(type, raw, at, { filterIndex: k, filterType: type }) as Record<string, unknown>;
    const n = (key: string): number | undefined => (typeof p[key] === "number" ? (p[key] as number) : undefined);
    if (type === "EXCHANGE_MAX_NUM_ORDERS") out.maxNumOrders = n("maxNumOrders");
    else if (type === "EXCHANGE_MAX_NUM_ALGO_ORDERS") out.maxNumAlgoOrders = n("maxNumAlgoOrders");
    else if (type === "EXCHANGE_MAX_NUM_ICEBERG_ORDERS") out.maxNumIcebergOrders = n("maxNumIcebergOrders");
    else if (type === "EXCHANGE_MAX_NUM_ORDER_LISTS") out.maxNumOrderLists = n("maxNumOrderLists");
  });
  return out;
}
