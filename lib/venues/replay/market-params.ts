import type { WireError } from "./errors";
import { wire } from "./errors";

/** Parameter checks of the market-data endpoints, with Binance's codes and messages (errors.md). */

const INT_RANGE = "^[0-9]{1,20}$";
const SYMBOLS_RANGE = '^\\[("[A-Z0-9-_.]{1,20}"(,"[A-Z0-9-_.]{1,20}"){0,}){0,1}\\]$';

export const marketWire = {
  empty: (p: string): WireError => ({ status: 400, code: -1105, msg: `Parameter '${p}' was empty.` }),
  invalid: (p: string): WireError => ({ status: 400, code: -1130, msg: `Data sent for parameter '${p}' is not valid.` }),
  combination: (): WireError => ({ status: 400, code: -1128, msg: "Combination of optional parameters invalid." }),
  eitherSymbol: (): WireError => ({ status: 400, code: -1102, msg: "Param 'symbol' or 'symbols' must be sent, but both were empty/null!" }),
  tooManySymbols: (max: number): WireError => ({ status: 400, code: -1101, msg: `Too many values sent for parameter 'symbols', maximum allowed up to ${max}.` }),
  duplicateSymbols: (): WireError => ({ status: 400, code: -1151, msg: "Symbol is present multiple times in the list." }),
  tickerType: (): WireError => ({ status: 400, code: -1139, msg: "Invalid ticker type." }),
  symbolStatus: (): WireError => ({ status: 400, code: -1122, msg: "Invalid symbolStatus." }),
  statusMismatch: (): WireError => ({ status: 400, code: -1220, msg: "The symbol's status does not match the requested symbolStatus." }),
};

export const isWireError = (x: unknown): x is WireError => typeof x === "object" && x !== null && "code" in x && "msg" in x;

/** An optional INT/LONG parameter: undefined when absent, -1105 when empty, -1100 when not digits. */
export function intParam(p: Record<string, string>, name: string): number | undefined | WireError {
  const v = p[name];
  if (v === undefined) return undefined;
  if (v === "") return marketWire.empty(name);
  if (!/^[0-9]{1,20}$/.test(v)) return wire.illegal(name, INT_RANGE);
  return Number(v);
}

/** `limit`: default when absent, capped at max (Binance serves at most max), -1130 when 0. */
export function limitParam(p: Record<string, string>, def: number, max: number): number | WireError {
  const n = intParam(p, "limit");
  if (n === undefined) return def;
  if (isWireError(n)) return n;
  if (n < 1) return marketWire.invalid("limit");
  return Math.min(n, max);
}

/** The mandatory `symbol` of a known symbol: -1102 when absent or empty, -1121 when unknown. */
export function symbolParam(p: Record<string, string>, known: readonly string[]): string | WireError {
  const s = p.symbol;
  if (s === undefined || s === "") return wire.mandatory("symbol");
  return known.includes(s) ? s : wire.badSymbol();
}

export interface SymbolSelection {
  /** True when `symbol` was sent: the answer is one object, not an array. */
  single: boolean;
  symbols: string[];
}

/**
 * `symbol` / `symbols` of the ticker endpoints: one of them (or neither, when `required` is false:
 * every symbol). symbols is a JSON array (["BTCUSDT","ETHUSDT"]); `symbolStatus` keeps the symbols in
 * that trading status (all replayed symbols are TRADING).
 */
export function symbolsParam(p: Record<string, string>, known: readonly string[], required: boolean, maxSymbols = Number.POSITIVE_INFINITY): SymbolSelection | WireError {
  const status = p.symbolStatus;
  if (status !== undefined && !["TRADING", "HALT", "BREAK"].includes(status)) return marketWire.symbolStatus();
  const keep = status === undefined || status === "TRADING";
  if (p.symbol !== undefined && p.symbols !== undefined) return marketWire.combination();
  if (p.symbol !== undefined) {
    const s = symbolParam(p, known);
    if (isWireError(s)) return s;
    return keep ? { single: true, symbols: [s] } : marketWire.statusMismatch();
  }
  if (p.symbols === undefined) {
    if (required) return marketWire.eitherSymbol();
    return { single: false, symbols: keep ? [...known] : [] };
  }
  let list: unknown;
  try {
    list = JSON.parse(p.symbols);
  } catch {
    return wire.illegal("symbols", SYMBOLS_RANGE);
  }
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === "string" && /^[A-Z0-9-_.]{1,20}$/.test(x))) return wire.illegal("symbols", SYMBOLS_RANGE);
  const names = list as string[];
  if (names.length > maxSymbols) return marketWire.tooManySymbols(maxSymbols);
  if (new Set(names).size !== names.length) return marketWire.duplicateSymbols();
  if (names.some((s) => !known.includes(s))) return wire.badSymbol();
  return { single: false, symbols: keep ? names : [] };
}

/** Weight of a request naming `n` symbols (or all of them, when neither symbol nor symbols is sent). */
export function symbolCount(p: Record<string, string>): number | undefined {
  if (p.symbol !== undefined) return 1;
  if (p.symbols === undefined) return undefined;
  try {
    const l = JSON.parse(p.symbols) as unknown;
    return Array.isArray(l) ? l.length : 1;
  } catch {
    return 1;
  }
}
