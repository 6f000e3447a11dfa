import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { DataError } from "../../core/errors";

/** Order types the replay exchange executes (and advertises in exchangeInfo). */
export const ORDER_TYPES = ["LIMIT", "LIMIT_MAKER", "MARKET"] as const;
export type WireOrderType = (typeof ORDER_TYPES)[number];

const fileSchema = z.looseObject({
  symbols: z.array(z.looseObject({ symbol: z.string(), baseAsset: z.string(), quoteAsset: z.string(), filters: z.array(z.looseObject({ filterType: z.string() })) })),
});
export type RawSymbolEntry = z.infer<typeof fileSchema>["symbols"][number];

/** REQUEST_WEIGHT, ORDERS and RAW_REQUESTS limits as Binance spot publishes them. */
const RATE_LIMITS = [
  { rateLimitType: "REQUEST_WEIGHT", interval: "MINUTE", intervalNum: 1, limit: 6000 },
  { rateLimitType: "ORDERS", interval: "SECOND", intervalNum: 10, limit: 100 },
  { rateLimitType: "ORDERS", interval: "DAY", intervalNum: 1, limit: 200000 },
  { rateLimitType: "RAW_REQUESTS", interval: "MINUTE", intervalNum: 5, limit: 61000 },
];

/**
 * exchangeInfo of the replay exchange: the symbol entries of the filters file (already in Binance's
 * exchangeInfo layout, the same file the simulator enforces), restricted to the replayed symbols.
 */
export class ReplayExchangeInfo {
  private readonly bySymbol = new Map<string, RawSymbolEntry>();

  constructor(filtersFile: string, symbols: readonly string[], root: string) {
    const path = resolve(root, filtersFile);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
      throw new DataError(`replay: cannot read exchange filters ${path}: ${(e as Error).message}`, { file: path }, "DATA_NOT_FOUND");
    }
    const r = fileSchema.safeParse(raw);
    if (!r.success) throw new DataError(`replay: ${path}: ${r.error.issues[0]!.path.join(".")}: ${r.error.issues[0]!.message}`, { file: path });
    for (const s of r.data.symbols) if (symbols.includes(s.symbol)) this.bySymbol.set(s.symbol, s);
    const missing = symbols.filter((s) => !this.bySymbol.has(s));
    if (missing.length) throw new DataError(`replay: ${path} has no filters for ${missing.join(", ")}`, { file: path, symbols: missing }, "DATA_NOT_FOUND");
  }

  symbol(symbol: string): RawSymbolEntry | undefined {
    return this.bySymbol.get(symbol);
  }

  /**
   * A symbol's exchangeInfo entry as the replay trades it: orderTypes lists only the types its
   * order endpoint executes, and the features it does not offer (OCO, OTO, amend, trailing stops,
   * pegs, cancel-replace) are marked off.
   */
  private advertised(e: RawSymbolEntry): RawSymbolEntry {
    const out: Record<string, unknown> = { ...e, orderTypes: ORDER_TYPES.filter((t) => !Array.isArray(e.orderTypes) || (e.orderTypes as unknown[]).includes(t)) };
    for (const k of ["ocoAllowed", "otoAllowed", "opoAllowed", "cancelReplaceAllowed", "amendAllowed", "allowTrailingStop", "pegInstructionsAllowed", "icebergAllowed"]) if (k in e) out[k] = false;
    if ("quoteOrderQtyMarketAllowed" in e) out.quoteOrderQtyMarketAllowed = true;
    return out as RawSymbolEntry;
  }

  /** The payload of GET /api/v3/exchangeInfo; undefined when a requested symbol is unknown (-1121). */
  payload(serverTime: number, symbols?: readonly string[]): Record<string, unknown> | undefined {
    const list = symbols ?? [...this.bySymbol.keys()];
    const entries: RawSymbolEntry[] = [];
    for (const s of list) {
      const e = this.bySymbol.get(s);
      if (!e) return undefined;
      entries.push(this.advertised(e));
    }
    return { timezone: "UTC", serverTime, rateLimits: RATE_LIMITS, exchangeFilters: [], symbols: entries };
  }
}
