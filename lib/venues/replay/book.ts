import type { Side } from "../../core/market";
import type { MarketStats } from "../../sim/market-stats";
import { newSlippageInput, type SymbolSlippage } from "../../sim/slippage-model";
import { hourOfWeek } from "../../sim/time";
import type { RawSymbolEntry } from "./exchange-info";
import { lastAtOrBefore, type BookSnapshot } from "./recorded";

/** A book as the wire sends it: [price, qty] decimal strings, bids descending, asks ascending. */
export interface WireBook {
  lastUpdateId: number;
  bids: [string, string][];
  asks: [string, string][];
}

/** Tick and step of a symbol (PRICE_FILTER tickSize, LOT_SIZE stepSize). */
export interface Grid {
  tick: number;
  step: number;
}

/** A recorded snapshot older than this is not the book at `now`. */
const RECORDED_MAX_AGE_MS = 2_000;
/** The synthesised book reaches this many bars' average volume deep on each side. */
const DEPTH_BARS_OF_VOLUME = 20;

export function gridOf(entry: RawSymbolEntry | undefined): Grid {
  const f = (type: string, key: string): number => {
    const x = Number((entry?.filters.find((e) => e.filterType === type) as Record<string, unknown> | undefined)?.[key]);
    return x > 0 ? x : 1e-8;
  };
  return { tick: f("PRICE_FILTER", "tickSize"), step: f("LOT_SIZE", "stepSize") };
}

/** k * unit as Binance writes it (8 decimals), exact for integer multiples of a decimal unit. */
function onGrid(k: number, unit: number): string {
  return (k * unit).toFixed(8);
}

/**
 * Exchange update id at `now`: one per 100 ms of exchange time (the depth@100ms cadence), so it
 * grows as the replay advances and stays equal between two requests within the same instant.
 */
export function updateIdAt(now: number): number {
  return Math.floor(now / 100);
}

/** The recorded snapshot that is the book at `now`, if one is at most 2 s old. */
export function recordedBookAt(book: readonly BookSnapshot[] | undefined, now: number): BookSnapshot | undefined {
  if (!book || book.length === 0) return undefined;
  const i = lastAtOrBefore(book, now);
  return i >= 0 && now - book[i]!.ts <= RECORDED_MAX_AGE_MS ? book[i] : undefined;
}

export function recordedWire(snap: BookSnapshot, limit: number, g: Grid): WireBook {
  const fmt = ([p, q]: [number, number]): [string, string] => [onGrid(Math.round(p / g.tick), g.tick), onGrid(Math.round(q / g.step), g.step)];
  return { lastUpdateId: snap.lastUpdateId, bids: snap.bids.slice(0, limit).map(fmt), asks: snap.asks.slice(0, limit).map(fmt) };
}

/**
 * One side of a book synthesised from the slippage model: the book that a market order of any size
 * q walks at the model's average price. With C(q) = q * ref * (1 +/- bps(q) / 10 000) the cost of
 * q, the liquidity between q_{j-1} and q_j sits at the marginal price (C(q_j) - C(q_{j-1})) /
 * (q_j - q_{j-1}); prices are kept monotone (a model whose marginal price falls, like a capped or
 * bucketed one, puts that liquidity at the worse price already reached), rounded away from the
 * reference onto the tick grid, and the cumulative quantity is floored onto the step grid.
 */
function side(model: SymbolSlippage, stats: MarketStats, s: Side, ref: number, now: number, limit: number, g: Grid): [string, string][] {
  const inp = newSlippageInput();
  inp.side = s;
  inp.price = ref;
  inp.hourOfWeek = hourOfWeek(now);
  inp.sigma = stats.sigma;
  inp.volume = stats.volume;
  inp.lastRangeBps = stats.lastRangeBps;
  const sign = s === "buy" ? 1 : -1;
  const qMin = g.step;
  const qMax = Math.max(qMin * 1000, DEPTH_BARS_OF_VOLUME * stats.volume);
  const points = Math.max(200, 4 * limit);
  const ratio = Math.pow(qMax / qMin, 1 / (points - 1));
  // the best level is one tick away from a reference on the grid, so bids and asks never cross
  const refTicks = ref / g.tick;
  const bestTick = s === "buy" ? Math.floor(refTicks + 1e-9) + 1 : Math.ceil(refTicks - 1e-9) - 1;
  const out: [string, string][] = [];
  let prevQ = 0;
  let prevC = 0;
  let worst = sign * Number.NEGATIVE_INFINITY;
  let levelTick = Number.NaN;
  let cumSteps = 0;
  let shownSteps = 0;
  for (let j = 0; j < points && out.length < limit; j++) {
    const q = qMin * Math.pow(ratio, j);
    inp.qty = q;
    const c = q * ref * (1 + (sign * model.bps(inp)) / 10_000);
    const marginal = (c - prevC) / (q - prevQ);
    worst = s === "buy" ? Math.max(worst, marginal) : Math.min(worst, marginal);
    const raw = s === "buy" ? Math.ceil(worst / g.tick - 1e-9) : Math.floor(worst / g.tick + 1e-9);
    const tick = s === "buy" ? Math.max(raw, bestTick) : Math.min(raw, bestTick);
    if (tick !== levelTick && cumSteps > shownSteps && Number.isFinite(levelTick)) {
      out.push([onGrid(levelTick, g.tick), onGrid(cumSteps - shownSteps, g.step)]);
      shownSteps = cumSteps;
    }
    levelTick = tick;
    cumSteps = Math.floor(q / g.step + 1e-9);
    prevQ = q;
    prevC = c;
  }
  if (out.length < limit && cumSteps > shownSteps && levelTick > 0) out.push([onGrid(levelTick, g.tick), onGrid(cumSteps - shownSteps, g.step)]);
  return out.filter((l) => Number(l[0]) > 0);
}

/** The synthesised book of a symbol at `now` around the last replayed close `ref` (see `side`). */
export function synthesisedBook(model: SymbolSlippage, stats: MarketStats, ref: number, now: number, limit: number, g: Grid): WireBook {
  return { lastUpdateId: updateIdAt(now), bids: side(model, stats, "sell", ref, now, limit, g), asks: side(model, stats, "buy", ref, now, limit, g) };
}
