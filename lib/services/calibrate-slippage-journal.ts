import { z } from "zod";
import type { BarColumns } from "../core/bar";
import { DataError } from "../core/errors";
import { marketStatsAt } from "./calibrate-slippage-book";
import { fitSqrtImpact, type SqrtImpactFit } from "./calibrate-slippage-fit";
import { type Provenance, provenanceOf } from "./calibration/provenance";

/** One parsed line of a journal, with where it came from (for error messages). */
export interface JournalLine {
  file: string;
  /** 1-based line number. */
  line: number;
  record: Record<string, unknown>;
}

/**
 * A fill as journaled (lib/core Fill fields under `kind: "fill"`). `requestedPrice` is the reference
 * the cost is measured against. `marketSigma` / `marketVolume` are optional: the simulator's per-bar
 * volatility and bar volume at the fill; when absent they are recomputed from bars.
 */
export const journalFillSchema = z.looseObject({
  kind: z.literal("fill"),
  ts: z.number().finite(),
  symbol: z.string().min(1),
  side: z.enum(["buy", "sell"]),
  qty: z.number().finite().positive(),
  price: z.number().finite().positive(),
  requestedPrice: z.number().finite().positive(),
  liquidity: z.enum(["maker", "taker"]).optional(),
  clientOrderId: z.string().optional(),
  marketSigma: z.number().finite().min(0).optional(),
  marketVolume: z.number().finite().positive().optional(),
});

/** Taker fills of one symbol as columns. */
export interface JournalFills {
  symbol: string;
  source: string;
  ts: Float64Array;
  /** +1 buy, -1 sell. */
  side: Float64Array;
  qty: Float64Array;
  price: Float64Array;
  requestedPrice: Float64Array;
  /** NaN where the record did not carry it. */
  sigma: Float64Array;
  volume: Float64Array;
  /** Maker fills skipped (they pay no slippage). */
  makerFills: number;
}

/** The taker fills of `symbol`; a malformed fill record is an error naming its file and line. */
export function extractFills(lines: readonly JournalLine[], symbol: string, source: string): JournalFills {
  const rows: z.infer<typeof journalFillSchema>[] = [];
  let maker = 0;
  for (const l of lines) {
    if (l.record["kind"] !== "fill") continue;
    if (l.record["symbol"] !== undefined && l.record["symbol"] !== symbol) continue;
    const r = journalFillSchema.safeParse(l.record);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      const key = issue.path.join(".") || "(record)";
      const missing = issue.code === "invalid_type" && l.record[String(issue.path[0])] === undefined;
      throw new DataError(`${l.file} line ${l.line}: fill record ${missing ? `lacks ${key}` : `${key}: ${issue.message}`}`, { file: l.file, line: l.line, path: key });
    }
    if (r.data.liquidity === "maker") {
      maker++;
      continue;
    }
    rows.push(r.data);
  }
  if (rows.length === 0) throw new DataError(`${source}: no taker fills of ${symbol}${maker > 0 ? ` (${maker} maker fills, which pay no slippage)` : ""}`, { file: source, symbol });
  rows.sort((a, b) => a.ts - b.ts);
  const col = (f: (r: (typeof rows)[number]) => number) => Float64Array.from(rows, f);
  return {
    symbol,
    source,
    ts: col((r) => r.ts),
    side: col((r) => (r.side === "buy" ? 1 : -1)),
    qty: col((r) => r.qty),
    price: col((r) => r.price),
    requestedPrice: col((r) => r.requestedPrice),
    sigma: col((r) => r.marketSigma ?? Number.NaN),
    volume: col((r) => r.marketVolume ?? Number.NaN),
    makerFills: maker,
  };
}

export interface JournalSlippageOptions {
  timeframeMs?: number;
  halfLifeBars?: number;
  /** Bars that must have closed before a fill can be scored. Default 1. */
  warmupBars?: number;
  buckets?: number;
  quote?: string;
}

export interface JournalSlippageResult {
  symbol: string;
  method: "fills-journal";
  params: { halfSpreadBps: number; k: number };
  fit: SqrtImpactFit;
  measured: {
    fills: number;
    usedFills: number;
    /** Fills whose sigma/V came from the journal record rather than from bars. */
    fromRecord: number;
    /** Fills before the warm-up or outside the bars (left out). */
    withoutStats: number;
    makerFills: number;
    sigma: number;
    volume: number;
    timeframeMs: number;
    halfLifeBars: number;
  };
  orders: { ts: Float64Array; side: Int8Array; qty: Float64Array; notional: Float64Array; costBps: Float64Array; x: Float64Array; fitted: Float64Array };
  realOrders: null;
  provenance: { journal: Provenance; bars?: Provenance };
}

/**
 * Fills-journal slippage calibration: cost of each taker fill = (price - requestedPrice) against the
 * requested price in bps (adverse positive), regressed on 1e4 * sigma * sqrt(q / V) where sigma and V
 * are the journal's values or, when absent, MarketStats over `bars` exactly as the matching engine
 * saw them (bars that closed at or before the fill).
 */
export function calibrateSlippageFromFills(fills: JournalFills, bars: BarColumns | undefined, opts: JournalSlippageOptions = {}): JournalSlippageResult {
  const tf = opts.timeframeMs ?? 60_000;
  const halfLife = opts.halfLifeBars ?? 20;
  const n = fills.ts.length;
  const needBars = fills.sigma.some((s, i) => Number.isNaN(s) || Number.isNaN(fills.volume[i]!));
  if (needBars && (bars === undefined || bars.length === 0)) {
    throw new DataError(`${fills.source}: fills of ${fills.symbol} carry no marketSigma/marketVolume and no bars cover them`, { file: fills.source, symbol: fills.symbol });
  }
  const at = needBars ? marketStatsAt(bars!, tf, halfLife, fills.ts, opts.warmupBars ?? 1) : undefined;
  const keep: number[] = [];
  let fromRecord = 0;
  const sigma = new Float64Array(n);
  const volume = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const own = Number.isFinite(fills.sigma[i]!) && Number.isFinite(fills.volume[i]!);
    sigma[i] = own ? fills.sigma[i]! : at!.sigma[i]!;
    volume[i] = own ? fills.volume[i]! : at!.volume[i]!;
    if (own) fromRecord++;
    if (Number.isFinite(sigma[i]!) && volume[i]! > 0) keep.push(i);
  }
  if (keep.length < 3) {
    throw new DataError(`${fills.source}: only ${keep.length} fills of ${fills.symbol} have market statistics (bars before them); need at least 3`, { file: fills.source, symbol: fills.symbol });
  }
  const pick = (xs: ArrayLike<number>) => Float64Array.from(keep, (i) => xs[i]!);
  const qty = pick(fills.qty);
  const req = pick(fills.requestedPrice);
  const px = pick(fills.price);
  const side = pick(fills.side);
  const costBps = px.map((p, j) => (side[j]! * (p - req[j]!) * 10_000) / req[j]!);
  const notional = qty.map((q, j) => q * req[j]!);
  const obs = { costBps, qty, notional, sigma: pick(sigma), volume: pick(volume) };
  const { fit, x, fitted } = fitSqrtImpact(obs, { buckets: opts.buckets, quote: opts.quote });
  const sorted = (a: Float64Array) => Float64Array.from(a).sort();
  return {
    symbol: fills.symbol,
    method: "fills-journal",
    params: { halfSpreadBps: fit.halfSpreadBps, k: fit.k },
    fit,
    measured: {
      fills: n,
      usedFills: keep.length,
      fromRecord,
      withoutStats: n - keep.length,
      makerFills: fills.makerFills,
      sigma: sorted(obs.sigma)[obs.sigma.length >> 1]!,
      volume: sorted(obs.volume)[obs.volume.length >> 1]!,
      timeframeMs: tf,
      halfLifeBars: halfLife,
    },
    orders: { ts: pick(fills.ts), side: Int8Array.from(side), qty, notional, costBps, x, fitted },
    realOrders: null,
    provenance: {
      journal: provenanceOf(fills.source, fills.ts, [fills.side, fills.qty, fills.price, fills.requestedPrice]),
      ...(needBars && bars !== undefined ? { bars: provenanceOf("bars", bars.ts, [bars.high, bars.low, bars.close, bars.volume]) } : {}),
    },
  };
}
