import { z } from "zod";
import type { AssetClass, Instrument } from "../core/instrument";
import { DataError, TradelabError } from "../core/errors";

/** Instruments by symbol. */
export type InstrumentTable = ReadonlyMap<string, Instrument>;

/** Binance sends decimals as strings ("0.00100000"); some mirrors send numbers. */
const decimal = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || (typeof v === "string" && v.trim() === "")) {
    ctx.addIssue({ code: "custom", message: `not a decimal number: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});

const filterSchema = z.looseObject({ filterType: z.string() });
const symbolSchema = z.looseObject({
  symbol: z.string().min(1),
  status: z.string().optional(),
  baseAsset: z.string().min(1),
  quoteAsset: z.string().min(1),
  filters: z.array(filterSchema),
});
type RawSymbol = z.infer<typeof symbolSchema>;

const priceFilter = z.looseObject({ minPrice: decimal, maxPrice: decimal, tickSize: decimal });
const lotSize = z.looseObject({ minQty: decimal, maxQty: decimal, stepSize: decimal });
const minNotional = z.looseObject({ minNotional: decimal, applyToMarket: z.boolean().optional() });
const notional = z.looseObject({
  minNotional: decimal,
  applyMinToMarket: z.boolean().optional(),
  maxNotional: decimal.optional(),
  applyMaxToMarket: z.boolean().optional(),
});
const percentBySide = z.looseObject({ bidMultiplierUp: decimal, bidMultiplierDown: decimal, askMultiplierUp: decimal, askMultiplierDown: decimal });

export interface ParseFiltersOptions {
  /** Venue name written into each instrument. Default "binance". */
  venue?: string;
  assetClass?: AssetClass;
  /** Where the payload came from, for error messages. */
  source?: string;
  /** Keep symbols whose status is not TRADING. Default true (history contains delisted symbols). */
  includeNonTrading?: boolean;
}

function parseFilter<T>(schema: z.ZodType<T>, raw: unknown, where: string): T {
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new DataError(`${where}.${issue.path.join(".")}: ${issue.message}`, { path: where, raw });
  }
  return r.data;
}

/** Converts one exchangeInfo symbol entry (with its `filters` array) into an Instrument. */
export function instrumentFromBinanceSymbol(s: RawSymbol, opts: ParseFiltersOptions = {}, where = s.symbol): Instrument {
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
  s.filters.forEach((f, k) => {
    const at = `${where}.filters[${k}](${f.filterType})`;
    switch (f.filterType) {
      case "PRICE_FILTER": {
        const p = parseFilter(priceFilter, f, at);
        inst.tickSize = p.tickSize;
        if (p.minPrice > 0) inst.minPrice = p.minPrice;
        if (p.maxPrice > 0) inst.maxPrice = p.maxPrice;
        break;
      }
      case "LOT_SIZE": {
        const p = parseFilter(lotSize, f, at);
        inst.minQty = p.minQty;
        inst.maxQty = p.maxQty > 0 ? p.maxQty : Number.POSITIVE_INFINITY;
        inst.stepSize = p.stepSize;
        break;
      }
      case "MARKET_LOT_SIZE": {
        const p = parseFilter(lotSize, f, at);
        if (p.minQty > 0) inst.marketMinQty = p.minQty;
        if (p.maxQty > 0) inst.marketMaxQty = p.maxQty;
        if (p.stepSize > 0) inst.marketStepSize = p.stepSize;
        break;
      }
      case "MIN_NOTIONAL": {
        const p = parseFilter(minNotional, f, at);
        inst.minNotional = p.minNotional;
        inst.applyMinToMarket = p.applyToMarket ?? true;
        break;
      }
      case "NOTIONAL": {
        const p = parseFilter(notional, f, at);
        inst.minNotional = p.minNotional;
        inst.applyMinToMarket = p.applyMinToMarket ?? true;
        if (p.maxNotional !== undefined && p.maxNotional > 0) inst.maxNotional = p.maxNotional;
        inst.applyMaxToMarket = p.applyMaxToMarket ?? false;
        break;
      }
      case "PERCENT_PRICE_BY_SIDE": {
        const p = parseFilter(percentBySide, f, at);
        inst.percentPrice = { bidUp: p.bidMultiplierUp, bidDown: p.bidMultiplierDown, askUp: p.askMultiplierUp, askDown: p.askMultiplierDown };
        break;
      }
      default:
        break; // order-count, iceberg and trailing filters do not affect a single simulated order
    }
  });
  return inst;
}

/**
 * Parses filters in Binance exchangeInfo layout into instruments: the full payload
 * `{ symbols: [{ symbol, baseAsset, quoteAsset, filters: [...] }] }`, a bare array of such entries,
 * or `{ symbols: { BTCUSDT: { baseAsset, quoteAsset, filters } } }` keyed by symbol.
 */
export function parseBinanceFilters(payload: unknown, opts: ParseFiltersOptions = {}): InstrumentTable {
  const src = opts.source ?? "exchangeInfo";
  let entries: { raw: unknown; where: string }[];
  const root = payload as { symbols?: unknown } | null;
  if (Array.isArray(payload)) entries = payload.map((raw, k) => ({ raw, where: `${src}[${k}]` }));
  else if (root !== null && typeof root === "object" && Array.isArray(root.symbols)) {
    entries = root.symbols.map((raw, k) => ({ raw, where: `${src}.symbols[${k}]` }));
  } else if (root !== null && typeof root === "object" && root.symbols !== null && typeof root.symbols === "object") {
    entries = Object.entries(root.symbols as Record<string, unknown>).map(([sym, raw]) => ({
      raw: raw !== null && typeof raw === "object" && !("symbol" in raw) ? { symbol: sym, ...raw } : raw,
      where: `${src}.symbols.${sym}`,
    }));
  } else {
    throw new DataError(`${src}: expected exchangeInfo layout with a "symbols" array or map`, { source: src });
  }
  const out = new Map<string, Instrument>();
  for (const { raw, where } of entries) {
    const r = symbolSchema.safeParse(raw);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new DataError(`${where}.${issue.path.join(".")}: ${issue.message}`, { source: src, path: where });
    }
    if (opts.includeNonTrading === false && r.data.status !== undefined && r.data.status !== "TRADING") continue;
    out.set(r.data.symbol, instrumentFromBinanceSymbol(r.data, opts, where));
  }
  return out;
}

/** The instrument for a symbol, or UNKNOWN_SYMBOL naming where the filters came from. */
export function requireInstrument(table: InstrumentTable, symbol: string, source = "the exchange filters"): Instrument {
  const inst = table.get(symbol);
  if (inst === undefined) {
    throw new TradelabError("UNKNOWN_SYMBOL", `no exchange filters for symbol ${symbol} in ${source}; add it or set filters.enforce: false`, {
      details: { symbol, source },
    });
  }
  return inst;
}
