import type { RawSymbolEntry } from "./exchange-info";

/**
 * Binance's symbol filters over decimal strings, compared exactly: every value becomes an integer
 * count of 10^-SCALE units, so "0.3" is a multiple of "0.1" (no 0.1 + 0.2 float surprises) and
 * nothing is ever rounded. The filters run in the order the symbol lists them, as the exchange does.
 */
const SCALE = 20;
const TEN = BigInt(10);
const ZERO = BigInt(0);
const UNIT = TEN ** BigInt(SCALE);

/** A decimal string ("0.00100000", "5", "1e-8" is not one) as integer units; undefined when it is not a plain decimal. */
export function units(s: string): bigint | undefined {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(s.trim());
  if (!m) return undefined;
  const frac = m[2] ?? "";
  if (frac.length > SCALE && /[1-9]/.test(frac.slice(SCALE))) return undefined;
  return BigInt(m[1]!) * UNIT + BigInt((frac.slice(0, SCALE) + "0".repeat(SCALE)).slice(0, SCALE));
}

/** A finite number >= 0 as units, through its shortest decimal text (a reference price from bars). */
export function unitsOfNumber(x: number): bigint {
  const s = x.toFixed(SCALE).replace(/0+$/, "").replace(/\.$/, "");
  return units(s) ?? ZERO;
}

/** Units -> decimal string with `decimals` places (truncated toward zero). */
export function unitsToString(u: bigint, decimals = 8): string {
  const neg = u < ZERO;
  const a = neg ? -u : u;
  const int = a / UNIT;
  const frac = (a % UNIT).toString().padStart(SCALE, "0").slice(0, decimals);
  return `${neg ? "-" : ""}${int.toString()}${decimals > 0 ? `.${frac}` : ""}`;
}

const field = (f: Record<string, unknown>, k: string): bigint => {
  const v = f[k];
  return typeof v === "string" ? (units(v) ?? ZERO) : typeof v === "number" ? unitsOfNumber(v) : ZERO;
};

/** An order as the filters see it (units; quantity absent for a quoteOrderQty market order). */
export interface FilterInput {
  side: "BUY" | "SELL";
  market: boolean;
  price?: bigint;
  quantity?: bigint;
  quoteOrderQty?: bigint;
  /** Reference price (the last trade price) in units; its absence skips the checks that need it. */
  ref?: bigint;
}

/** The name of the first filter the order fails ("PRICE_FILTER", "LOT_SIZE", ...), or undefined when it passes. */
export function failedFilter(entry: RawSymbolEntry, o: FilterInput): string | undefined {
  // notional in units of 10^-2*SCALE (exact), compared with limits scaled up by UNIT
  const notional = (): bigint | undefined => {
    if (o.quoteOrderQty !== undefined) return o.quoteOrderQty * UNIT;
    const px = o.market ? o.ref : o.price;
    return px === undefined || o.quantity === undefined ? undefined : px * o.quantity;
  };
  for (const raw of entry.filters) {
    const f = raw as Record<string, unknown>;
    switch (f.filterType) {
      case "PRICE_FILTER": {
        if (o.market || o.price === undefined) break;
        const [min, max, tick] = [field(f, "minPrice"), field(f, "maxPrice"), field(f, "tickSize")];
        if ((min > ZERO && o.price < min) || (max > ZERO && o.price > max) || (tick > ZERO && o.price % tick !== ZERO)) return "PRICE_FILTER";
        break;
      }
      case "PERCENT_PRICE_BY_SIDE": {
        if (o.market || o.price === undefined || o.ref === undefined || !(o.ref > ZERO)) break;
        const buy = o.side === "BUY";
        const up = field(f, buy ? "bidMultiplierUp" : "askMultiplierUp");
        const down = field(f, buy ? "bidMultiplierDown" : "askMultiplierDown");
        // price <= ref * up and price >= ref * down, both sides scaled by UNIT
        if ((up > ZERO && o.price * UNIT > o.ref * up) || o.price * UNIT < o.ref * down) return "PERCENT_PRICE_BY_SIDE";
        break;
      }
      case "LOT_SIZE":
      case "MARKET_LOT_SIZE": {
        if (o.quantity === undefined || (f.filterType === "MARKET_LOT_SIZE" && !o.market)) break;
        const [min, max, step] = [field(f, "minQty"), field(f, "maxQty"), field(f, "stepSize")];
        if (o.quantity < min || (max > ZERO && o.quantity > max) || (step > ZERO && o.quantity % step !== ZERO)) return String(f.filterType);
        break;
      }
      case "NOTIONAL": {
        const n = notional();
        if (n === undefined) break;
        const min = field(f, "minNotional") * UNIT;
        const max = field(f, "maxNotional") * UNIT;
        const applyMin = !o.market || f.applyMinToMarket !== false;
        const applyMax = !o.market || f.applyMaxToMarket === true;
        if ((applyMin && n < min) || (applyMax && max > ZERO && n > max)) return "NOTIONAL";
        break;
      }
      case "MIN_NOTIONAL": {
        const n = notional();
        if (n === undefined || (o.market && f.applyToMarket === false)) break;
        if (n < field(f, "minNotional") * UNIT) return "MIN_NOTIONAL";
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
