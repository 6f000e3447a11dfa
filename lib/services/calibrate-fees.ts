import { z } from "zod";
import { DataError } from "../core/errors";
import type { ExchangeInfoPort } from "../core/ports/exchange-info.port";
import { parseFeeTable } from "../sim/loaders";
import { roundTo } from "./calibration/fit-stats";

/** Maker/taker fees of one symbol, bps. */
export interface FeeRow {
  symbol: string;
  makerBps: number;
  takerBps: number;
  venue?: string;
}

/** data/fees/fees_by_symbol.json as the simulator reads it (lib/sim/loaders parseFeeTable). */
export interface FeeFile {
  meta: Record<string, unknown>;
  default?: { makerBps: number; takerBps: number };
  symbols: Record<string, { makerBps: number; takerBps: number; venue?: string }>;
}

/** Sanity bounds: a maker rebate of at most 1 %, and no fee above 10 %. */
const MAKER_MIN = -100;
const FEE_MAX = 1000;

const fraction = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n) || (typeof v === "string" && v.trim() === "")) {
    ctx.addIssue({ code: "custom", message: `not a number: ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return n;
});
/** Binance GET /sapi/v1/asset/tradeFee: fractions per symbol. */
const tradeFeeSchema = z.array(z.looseObject({ symbol: z.string().min(1), makerCommission: fraction, takerCommission: fraction })).min(1);
/** Binance GET /api/v3/account: account-wide commissionRates as fractions. */
const accountSchema = z.looseObject({ commissionRates: z.looseObject({ maker: fraction, taker: fraction }) });
const ourSchema = z.looseObject({ symbols: z.record(z.string(), z.unknown()) });

const toBps = (fraction: number) => roundTo(fraction * 10_000, 6);

function fail(source: string, path: string, message: string): never {
  throw new DataError(`${source}: ${path || "(root)"}: ${message}`, { file: source, path });
}

/**
 * Fee rows from a schedule file in one of three layouts: this project's fees_by_symbol.json,
 * Binance's GET /sapi/v1/asset/tradeFee array (fractions per symbol), or an account payload with
 * commissionRates (fractions, account-wide: applied to `symbols`, which must then be given).
 */
export function parseFeeSchedule(payload: unknown, source: string, symbols?: readonly string[]): FeeRow[] {
  let rows: FeeRow[];
  if (Array.isArray(payload)) {
    const r = tradeFeeSchema.safeParse(payload);
    if (!r.success) fail(source, r.error.issues[0]!.path.join("."), r.error.issues[0]!.message);
    rows = r.data.map((x) => ({ symbol: x.symbol, makerBps: toBps(x.makerCommission), takerBps: toBps(x.takerCommission) }));
  } else if (accountSchema.safeParse(payload).success) {
    const a = accountSchema.parse(payload);
    if (!symbols || symbols.length === 0) fail(source, "commissionRates", "account-wide rates: name the symbols they apply to (--symbol)");
    rows = symbols.map((symbol) => ({ symbol, makerBps: toBps(a.commissionRates.maker), takerBps: toBps(a.commissionRates.taker) }));
  } else if (ourSchema.safeParse(payload).success) {
    const table = parseFeeTable(payload, source);
    const raw = (payload as { symbols: Record<string, { venue?: unknown }> }).symbols;
    rows = Object.entries(table).map(([symbol, r]) => ({ symbol, ...r, ...(typeof raw[symbol]?.venue === "string" ? { venue: raw[symbol]!.venue as string } : {}) }));
  } else {
    fail(source, "", 'expected fees_by_symbol.json ({"symbols": {...}}), a Binance tradeFee array, or an account payload with commissionRates');
  }
  if (symbols && symbols.length > 0) {
    const missing = symbols.filter((s) => !rows.some((r) => r.symbol === s));
    if (missing.length > 0) fail(source, "symbols", `no fees for ${missing.join(", ")}`);
    rows = rows.filter((r) => symbols.includes(r.symbol));
  }
  validateFeeRows(rows, source);
  return rows;
}

/** Bounds and duplicates: a fee outside [-1 %, 10 %] (taker >= 0) is a unit mistake, not a schedule. */
export function validateFeeRows(rows: readonly FeeRow[], source: string): void {
  if (rows.length === 0) fail(source, "symbols", "no fee rows");
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.symbol)) fail(source, `symbols.${r.symbol}`, "listed twice");
    seen.add(r.symbol);
    if (!Number.isFinite(r.makerBps) || r.makerBps < MAKER_MIN || r.makerBps > FEE_MAX) fail(source, `symbols.${r.symbol}.makerBps`, `${r.makerBps} bps is outside [${MAKER_MIN}, ${FEE_MAX}]`);
    if (!Number.isFinite(r.takerBps) || r.takerBps < 0 || r.takerBps > FEE_MAX) fail(source, `symbols.${r.symbol}.takerBps`, `${r.takerBps} bps is outside [0, ${FEE_MAX}]`);
  }
}

/** Fees of `symbols` through a venue's exchange-info port. */
export async function fetchFeeRows(port: ExchangeInfoPort, symbols: readonly string[]): Promise<FeeRow[]> {
  if (symbols.length === 0) throw new DataError(`${port.venue}: name the symbols whose fees to fetch`);
  const rows: FeeRow[] = [];
  for (const symbol of symbols) {
    const f = await port.fees(symbol);
    rows.push({ symbol, makerBps: roundTo(f.makerBps, 6), takerBps: roundTo(f.takerBps, 6), venue: port.venue });
  }
  validateFeeRows(rows, `${port.venue} fees`);
  return rows;
}

/**
 * The fee file with `rows` written over `existing` (other symbols kept unless `replace`), validated
 * with the simulator's parser so the written file always loads.
 */
export function buildFeeFile(rows: readonly FeeRow[], opts: { builtAt: string; source: string; venue?: string; existing?: FeeFile; replace?: boolean }): FeeFile {
  const keep = opts.replace ? undefined : opts.existing;
  const symbols: FeeFile["symbols"] = { ...(keep?.symbols ?? {}) };
  for (const r of rows) symbols[r.symbol] = { makerBps: r.makerBps, takerBps: r.takerBps, ...(r.venue ?? opts.venue ? { venue: (r.venue ?? opts.venue)! } : {}) };
  const file: FeeFile = {
    meta: {
      built_at: opts.builtAt,
      source: opts.source,
      ...(opts.venue ? { venue: opts.venue } : {}),
      refreshed: rows.map((r) => r.symbol),
      ...(keep?.meta?.["built_at"] !== undefined ? { previous_built_at: keep.meta["built_at"] } : {}),
    },
    ...(keep?.default ? { default: keep.default } : {}),
    symbols,
  };
  parseFeeTable(file, "fee file being written");
  return file;
}
