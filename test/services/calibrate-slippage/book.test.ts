import { describe, expect, it } from "vitest";
import { barsFromTrades, type BookColumns, marketStatsAt, type TradeColumns, validateBook, walkPrice } from "../../../lib/services/calibrate-slippage-book";
import { calibrateSlippageFromBook } from "../../../lib/services/calibrate-slippage";
import { leastSquares } from "../../../lib/services/calibration/least-squares";
import { MarketStats } from "../../../lib/sim/market-stats";
import { SeededRng } from "../../../lib/sim/rng";

const T0 = Date.UTC(2024, 7, 8, 23, 0);
const MIN = 60_000;

/** A book of `levels` levels per side around `mid` with the given offsets (bps) and quantities. */
function book(rows: { ts: number; mid: number; offsetsBps: number[]; qty: number[] }[], source = "mem/book.parquet"): BookColumns {
  const L = rows[0]!.offsetsBps.length;
  const col = (f: (r: (typeof rows)[number], l: number) => number) => Array.from({ length: L }, (_, l) => Float64Array.from(rows, (r) => f(r, l)));
  return {
    source,
    ts: Float64Array.from(rows, (r) => r.ts),
    bidPx: col((r, l) => r.mid * (1 - r.offsetsBps[l]! / 1e4)),
    bidQty: col((r, l) => r.qty[l]!),
    askPx: col((r, l) => r.mid * (1 + r.offsetsBps[l]! / 1e4)),
    askQty: col((r, l) => r.qty[l]!),
  };
}

describe("book validation", () => {
  const ok = { ts: T0, mid: 100, offsetsBps: [1, 2, 3], qty: [1, 1, 1] };

  it("names the file, row and time of a crossed book", () => {
    const b = book([ok, { ...ok, ts: T0 + 1000 }]);
    b.bidPx[0]![1] = 100.5; // best bid above best ask 100.01
    b.bidPx[1]![1] = 100.4;
    b.bidPx[2]![1] = 100.3;
    expect(() => validateBook(b)).toThrow("mem/book.parquet row 2 (2024-08-08T23:00:01.000Z): crossed book: best bid 100.5 >= best ask 100.01");
  });

  it("rejects bids that do not decrease level by level, a missing best level and rows out of time order", () => {
    const b = book([ok]);
    b.bidPx[2]![0] = b.bidPx[1]![0]!;
    expect(() => validateBook(b)).toThrow(/row 1 .*bid level 3: price .* is not below level 2/);
    const c = book([ok]);
    c.askPx[0]![0] = Number.NaN;
    c.askQty[0]![0] = Number.NaN;
    expect(() => validateBook(c)).toThrow(/the best ask is missing/);
    expect(() => validateBook(book([{ ...ok, ts: T0 + 5 }, ok]))).toThrow(/row 2 .*out of time order/);
    const empty = (): Float64Array[] => [new Float64Array(0)];
    expect(() => validateBook({ source: "mem/book.parquet", ts: new Float64Array(0), bidPx: empty(), bidQty: empty(), askPx: empty(), askQty: empty() })).toThrow("mem/book.parquet: no book snapshots in the requested window");
  });
});

describe("walking the book", () => {
  it("prices a market order at the VWAP of the levels it takes (hand-worked)", () => {
    const px = [Float64Array.of(100), Float64Array.of(101), Float64Array.of(103)];
    const qty = [Float64Array.of(1), Float64Array.of(2), Float64Array.of(5)];
    expect(walkPrice(px, qty, 0, 0.5)).toBe(100);
    expect(walkPrice(px, qty, 0, 2)).toBe((100 + 101) / 2);
    expect(walkPrice(px, qty, 0, 4)).toBe((100 + 2 * 101 + 103) / 4);
    expect(walkPrice(px, qty, 0, 9)).toBeNaN(); // beyond the visible depth
  });
});

function trades(n: number, seed = 1): TradeColumns {
  const rng = new SeededRng(seed);
  let p = 100;
  const ts = new Float64Array(n);
  const price = new Float64Array(n);
  const qty = new Float64Array(n);
  const side = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = T0 + 500 + i * 1000;
    p *= 1 + 2e-4 * rng.normal();
    price[i] = p;
    qty[i] = 0.5 + rng.next();
    side[i] = rng.next() < 0.5 ? 1 : -1;
  }
  return { source: "mem/trades.parquet", ts, price, qty, side };
}

describe("market statistics from trades", () => {
  it("builds complete UTC-aligned bars only and carries the close over an empty interval", () => {
    const t: TradeColumns = { source: "t", ts: Float64Array.of(T0 - 30_000, T0 + 1000, T0 + 2000, T0 + 2 * MIN + 5, T0 + 3 * MIN + 1), price: Float64Array.of(9, 10, 12, 11, 13), qty: Float64Array.of(1, 1, 2, 3, 4), side: Float64Array.of(1, 1, -1, 1, 1) };
    const b = barsFromTrades(t, MIN);
    expect(b.length).toBe(3); // [T0, T0+3m): the partial first and last minutes are left out
    expect(Array.from(b.open)).toEqual([10, 12, 11]);
    expect(Array.from(b.high)).toEqual([12, 12, 11]);
    expect(Array.from(b.close)).toEqual([12, 12, 11]);
    expect(Array.from(b.volume)).toEqual([3, 0, 3]);
  });

  it("reads sigma and V exactly as MarketStats fed the bars closed at or before each time", () => {
    const b = barsFromTrades(trades(600), MIN);
    // the first complete bar opens at T0 + 1m, so at T0 + 4m + 1 ms three bars have closed
    const at = marketStatsAt(b, MIN, 5, Float64Array.of(T0 + 4 * MIN + 1, T0 + 1, T0 + 9 * MIN), 1);
    const ref = new MarketStats(5);
    for (let i = 0; i < 3; i++) ref.update(b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!);
    expect(at.sigma[0]).toBe(ref.sigma);
    expect(at.volume[0]).toBe(ref.volume);
    expect(at.barsSeen[0]).toBe(3);
    expect(at.sigma[1]).toBeNaN(); // no bar closed yet
    expect(at.barsSeen[2]).toBe(8);
  });
});

describe("calibrateSlippageFromBook", () => {
  it("recovers the impact of a book whose depth grows quadratically with distance (average cost = 2/3 a sqrt(q))", () => {
    // cumulative depth Q(d) = (d / a)^2 at offset d bps: the marginal price of the q-th unit is a sqrt(q) bps
    // and the VWAP cost is (2/3) a sqrt(q); with 400 levels the discretisation error is well under 1 %.
    const a = 0.8;
    const L = 400;
    const offsets = Array.from({ length: L }, (_, l) => a * Math.sqrt((l + 1) * 0.05));
    const qty = Array.from({ length: L }, () => 0.05);
    const t = trades(900);
    const snaps = Array.from({ length: 120 }, (_, i) => ({ ts: T0 + 5 * MIN + i * 5000, mid: 100, offsetsBps: offsets, qty }));
    const r = calibrateSlippageFromBook({ symbol: "XUSDT", quote: "USDT", book: book(snaps), trades: t }, { timeframeMs: MIN, halfLifeBars: 5, sizes: 12, minNotional: 20, maxQty: 15 });
    // the continuous book's cost (2/3) a sqrt(q), regressed on the same x = 1e4 sigma sqrt(q / V), gives the k to recover
    const o = r.orders;
    const ideal = o.qty.map((q) => (2 / 3) * a * Math.sqrt(q));
    const kWant = leastSquares([o.x], ideal).coef[1]!;
    expect(Math.abs(r.params.k / kWant - 1)).toBeLessThan(0.05);
    expect(r.params.halfSpreadBps).toBeLessThan(a * Math.sqrt(0.05)); // below the first level's offset
    expect(r.fit.binnedR2).toBeGreaterThan(0.99);
    expect(r.measured.usedSnapshots).toBe(120);
    expect(r.fit.buckets.reduce((s, b) => s + b.n, 0)).toBe(r.fit.n);
  });

  it("refuses a window with too few bars of trades for the warm-up", () => {
    const t = trades(150);
    const snaps = [{ ts: T0 + 2 * MIN, mid: 100, offsetsBps: [1, 2], qty: [1, 1] }];
    expect(() => calibrateSlippageFromBook({ symbol: "X", book: book(snaps), trades: t }, { warmupBars: 3 })).toThrow(/mem\/trades.parquet: 1 complete 60s bars of trades; need at least 4 \(warm-up 3\)/);
  });
});
