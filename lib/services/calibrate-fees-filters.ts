import { DataError, InvariantError } from "../core/errors";
import type { Instrument } from "../core/instrument";
import type { ExchangeInfoPort } from "../core/ports/exchange-info.port";
import { parseBinanceFilters } from "../sim/binance-filters";
import { stepDecimals } from "../sim/time";

/**
 * Exchange filters, refreshed together with the fees: data/binance_filters.json in Binance's
 * GET /api/v3/exchangeInfo layout, which lib/sim/binance-filters.ts parses.
 */
export interface FiltersFile {
  meta: Record<string, unknown>;
  timezone: string;
  exchangeFilters: unknown[];
  symbols: Record<string, unknown>[];
}

/** Binance writes decimals as strings with (at least) 8 places; 0 stands for "no limit". */
function dec(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "0.00000000";
  return x.toFixed(Math.max(8, stepDecimals(x)));
}

/** One exchangeInfo symbol entry (filters array) from an Instrument, lossless for every field the simulator reads. */
export function instrumentToBinanceSymbol(i: Instrument): Record<string, unknown> {
  const filters: Record<string, unknown>[] = [
    { filterType: "PRICE_FILTER", minPrice: dec(i.minPrice), maxPrice: dec(i.maxPrice), tickSize: dec(i.tickSize) },
    { filterType: "LOT_SIZE", minQty: dec(i.minQty), maxQty: dec(i.maxQty), stepSize: dec(i.stepSize) },
  ];
  if (i.marketMinQty !== undefined || i.marketMaxQty !== undefined || i.marketStepSize !== undefined) {
    filters.push({ filterType: "MARKET_LOT_SIZE", minQty: dec(i.marketMinQty), maxQty: dec(i.marketMaxQty), stepSize: dec(i.marketStepSize) });
  }
  filters.push({
    filterType: "NOTIONAL",
    minNotional: dec(i.minNotional),
    applyMinToMarket: i.applyMinToMarket ?? true,
    maxNotional: dec(i.maxNotional),
    applyMaxToMarket: i.applyMaxToMarket ?? false,
  });
  if (i.percentPrice) {
    const p = i.percentPrice;
    filters.push({ filterType: "PERCENT_PRICE_BY_SIDE", bidMultiplierUp: String(p.bidUp), bidMultiplierDown: String(p.bidDown), askMultiplierUp: String(p.askUp), askMultiplierDown: String(p.askDown) });
  }
  return { symbol: i.symbol, baseAsset: i.baseAsset, quoteAsset: i.quoteAsset, filters };
}

/** Sanity checks on parsed instruments: positive tick and step, ordered bounds. Names the symbol. */
export function validateInstruments(list: readonly Instrument[], source: string): void {
  for (const i of list) {
    const bad = (what: string) => {
      throw new DataError(`${source}: ${i.symbol}: ${what}`, { file: source, symbol: i.symbol });
    };
    if (!(i.tickSize > 0)) bad(`PRICE_FILTER tickSize ${i.tickSize} must be positive`);
    if (!(i.stepSize > 0)) bad(`LOT_SIZE stepSize ${i.stepSize} must be positive`);
    if (!(i.minQty >= 0) || !(i.maxQty > i.minQty)) bad(`LOT_SIZE minQty ${i.minQty} / maxQty ${i.maxQty} out of order`);
    if (!(i.minNotional >= 0)) bad(`minNotional ${i.minNotional} is negative`);
    if (i.maxNotional !== undefined && !(i.maxNotional > i.minNotional)) bad(`maxNotional ${i.maxNotional} is not above minNotional ${i.minNotional}`);
    if (i.minPrice !== undefined && i.maxPrice !== undefined && !(i.maxPrice > i.minPrice)) bad(`PRICE_FILTER minPrice ${i.minPrice} / maxPrice ${i.maxPrice} out of order`);
  }
}

/** Symbol entries from a raw exchangeInfo payload (kept verbatim), validated; only `symbols` when given. */
export function filtersFromExchangeInfo(payload: unknown, source: string, symbols?: readonly string[]): Record<string, unknown>[] {
  const table = parseBinanceFilters(payload, { source });
  validateInstruments([...table.values()], source);
  const root = payload as { symbols?: unknown };
  const raw = (Array.isArray(payload) ? payload : Array.isArray(root.symbols) ? root.symbols : Object.entries(root.symbols as Record<string, Record<string, unknown>>).map(([symbol, v]) => ({ symbol, ...v }))) as Record<string, unknown>[];
  if (!symbols || symbols.length === 0) return raw;
  const missing = symbols.filter((s) => !table.has(s));
  if (missing.length > 0) throw new DataError(`${source}: no filters for ${missing.join(", ")}`, { file: source, missing });
  return raw.filter((e) => symbols.includes(e["symbol"] as string));
}

/** Instruments of `symbols` through a venue's exchange-info port, as exchangeInfo entries. */
export async function fetchFilterEntries(port: ExchangeInfoPort, symbols: readonly string[]): Promise<{ entries: Record<string, unknown>[]; instruments: Instrument[] }> {
  if (symbols.length === 0) throw new DataError(`${port.venue}: name the symbols whose filters to fetch`);
  const instruments = await port.instruments(symbols);
  validateInstruments(instruments, `${port.venue} exchangeInfo`);
  return { entries: instruments.map(instrumentToBinanceSymbol), instruments };
}

const COMPARED: (keyof Instrument)[] = ["tickSize", "minPrice", "maxPrice", "stepSize", "minQty", "maxQty", "minNotional", "maxNotional", "marketMinQty", "marketMaxQty", "marketStepSize", "applyMinToMarket", "applyMaxToMarket"];

/** Binance's documented defaults: a missing applyMinToMarket means true, a missing applyMaxToMarket false. */
function norm(k: keyof Instrument, v: unknown): unknown {
  if (v === undefined && k === "applyMinToMarket") return true;
  if (v === undefined && k === "applyMaxToMarket") return false;
  return v;
}

/**
 * The filters file with `entries` written over `existing` (other symbols kept unless `replace`),
 * re-parsed by the simulator's parser; when the entries came from instruments, the re-parsed ones
 * must equal them field by field (a lossy write would silently change order validation).
 */
export function buildFiltersFile(entries: readonly Record<string, unknown>[], opts: { builtAt: string; source: string; venue?: string; existing?: FiltersFile; replace?: boolean; instruments?: readonly Instrument[] }): FiltersFile {
  const names = new Set(entries.map((e) => e["symbol"] as string));
  const kept = opts.replace ? [] : (opts.existing?.symbols ?? []).filter((e) => !names.has(e["symbol"] as string));
  const file: FiltersFile = {
    meta: {
      built_at: opts.builtAt,
      source: opts.source,
      layout: "Binance GET /api/v3/exchangeInfo",
      ...(opts.venue ? { venue: opts.venue } : {}),
      refreshed: [...names],
      ...(opts.existing?.meta?.["built_at"] !== undefined && !opts.replace ? { previous_built_at: opts.existing.meta["built_at"] } : {}),
    },
    timezone: "UTC",
    exchangeFilters: opts.existing?.exchangeFilters ?? [],
    symbols: [...kept, ...entries],
  };
  const parsed = parseBinanceFilters(JSON.parse(JSON.stringify(file)), { source: "filters file being written" });
  for (const inst of opts.instruments ?? []) {
    const back = parsed.get(inst.symbol);
    for (const k of COMPARED) {
      if (norm(k, back?.[k]) !== norm(k, inst[k])) {
        throw new InvariantError(`filters for ${inst.symbol} would not round-trip: ${k} ${String(inst[k])} reads back as ${String(back?.[k])}`, { symbol: inst.symbol, key: k });
      }
    }
  }
  return file;
}
