import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { executionSchema } from "../../../lib/config/schemas/execution";
import { openDataSession } from "../../../lib/infra/data/index";
import { MarketStats } from "../../../lib/sim/market-stats";
import { createSlippageModel, newSlippageInput } from "../../../lib/sim/slippage-model";
import { startReplayExchange, type ReplayExchange, type StartReplayOptions } from "../../../lib/venues/replay/index";

const MIN = 60_000;
const FROM = Date.UTC(2022, 7, 15, 1);
const TICK = 0.01;
const WHERE = "venue = 'binance' AND symbol = 'ETHUSDT' AND timeframe = '1m'";

let ex: ReplayExchange | undefined;
let tmp: string | undefined;
afterEach(async () => {
  await ex?.close();
  ex = undefined;
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

async function start(o: Partial<StartReplayOptions>): Promise<ReplayExchange> {
  ex = await startReplayExchange({ symbols: ["ETHUSDT"], from: FROM, to: FROM + 30 * MIN, warmupBars: 300, autoStart: false, ...o });
  return ex;
}

async function get(path: string): Promise<any> {
  return (await fetch(`${ex!.baseUrl}${path}`)).json();
}

/** Bars of data/ closed by `now` (warm-up included), oldest first, through SQL. */
async function closedBars(now: number, warmStart: number): Promise<{ high: number; low: number; close: number; volume: number }[]> {
  const s = await openDataSession({ threads: 1 });
  try {
    return (await s.query(`SELECT high, low, close, volume FROM bars WHERE ${WHERE} AND ts_ms >= ${warmStart} AND ts_ms + 60000 <= ${now} ORDER BY ts_ms`)) as never;
  } finally {
    s.close();
  }
}

describe("synthesised replay depth", () => {
  it("is one level per side at the fixed slippage, one tick grid step outside the model's price", async () => {
    await start({ sim: { slippage: { kind: "fixed", fixedBps: 5 } } });
    await ex!.step(3);
    const bars = await closedBars(ex!.clock.now(), FROM - 300 * MIN);
    const close = bars[bars.length - 1]!.close;
    const b = await get(`/api/v3/depth?symbol=ETHUSDT&limit=100`);
    expect([b.bids.length, b.asks.length]).toEqual([1, 1]);
    expect(Number(b.asks[0][0])).toBeCloseTo(Math.ceil((close * 1.0005) / TICK - 1e-9) * TICK, 8);
    expect(Number(b.bids[0][0])).toBeCloseTo(Math.floor((close * 0.9995) / TICK + 1e-9) * TICK, 8);
    expect(b.asks[0][1]).toBe(b.bids[0][1]);
  });

  it("charges a market order walking it what the simulator's square-root impact model charges, within a tick", async () => {
    await start({ sim: { slippage: { kind: "sqrt-impact" } } });
    await ex!.step(5);
    const now = ex!.clock.now();
    const cfg = executionSchema.parse({ slippage: { kind: "sqrt-impact" } }).slippage;
    const stats = new MarketStats(cfg.sqrtImpact.halfLifeBars);
    for (const r of await closedBars(now, FROM - 300 * MIN)) stats.update(r.high, r.low, r.close, r.volume);
    const model = createSlippageModel(cfg).forSymbol("ETHUSDT");
    const b = await get(`/api/v3/depth?symbol=ETHUSDT&limit=1000`);
    for (const [levels, side] of [[b.asks, "buy"], [b.bids, "sell"]] as const) {
      let qty = 0;
      let cost = 0;
      for (const n of [10, 100, 400, levels.length]) {
        for (const [p, q] of levels.slice(0, n)) [qty, cost] = [qty + Number(q), cost + Number(p) * Number(q)];
        const inp = { ...newSlippageInput(), side, qty, price: stats.lastClose, sigma: stats.sigma, volume: stats.volume, lastRangeBps: stats.lastRangeBps };
        const modelPrice = stats.lastClose * (1 + ((side === "buy" ? 1 : -1) * model.bps(inp)) / 10_000);
        expect(Math.abs(cost / qty - modelPrice)).toBeLessThanOrEqual(TICK + 1e-9);
        [qty, cost] = [0, 0];
      }
    }
  });
});

describe("recorded market data in the replay", () => {
  it("serves data/book snapshots as the depth and data/trades prints as trades and aggTrades", async () => {
    // a data folder holding the recorded BTCUSDT book and trades of 2024-08-08/09 plus 1m bars built from those trades
    tmp = mkdtempSync(join(tmpdir(), "replay-rec-"));
    for (const d of ["book/venue=binance/symbol=BTCUSDT", "trades/venue=binance/symbol=BTCUSDT"]) cpSync(resolve("data", d), join(tmp, d), { recursive: true });
    const barDir = join(tmp, "bars/venue=binance/symbol=BTCUSDT/timeframe=1m");
    mkdirSync(barDir, { recursive: true });
    const s = await openDataSession({ dataDir: tmp, threads: 1 });
    await s.connection.run(
      `COPY (SELECT time_bucket(INTERVAL 1 minute, ts) AS ts, arg_min(price, trade_id) AS open, max(price) AS high, min(price) AS low, arg_max(price, trade_id) AS close, ` +
        `sum(qty) AS volume, sum(price * qty) AS quote_volume, count(*)::BIGINT AS trades, sum(CASE WHEN is_buyer_maker THEN 0 ELSE qty END) AS taker_buy_volume ` +
        `FROM trades WHERE symbol = 'BTCUSDT' GROUP BY 1 ORDER BY 1) TO '${join(barDir, "from_trades.parquet")}' (FORMAT parquet)`,
    );
    s.close();
    const from = Date.UTC(2024, 7, 8, 23, 58);
    ex = await startReplayExchange({ symbols: ["BTCUSDT"], from, to: from + 5 * MIN, warmupBars: 3, autoStart: false, dataDir: tmp });
    await ex.step(2);
    const now = ex.clock.now();
    const q = await openDataSession({ dataDir: tmp, threads: 1 });
    const snap = (await q.query(`SELECT * FROM book WHERE symbol = 'BTCUSDT' AND ts_ms <= ${now} ORDER BY ts_ms DESC LIMIT 1`))[0]!;
    const trades = await q.query(`SELECT trade_id, price, qty, ts_ms, is_buyer_maker FROM trades WHERE symbol = 'BTCUSDT' AND ts_ms <= ${now} ORDER BY ts_ms DESC, trade_id DESC LIMIT 300`);
    trades.reverse();
    const recent = await q.query(`SELECT trade_id, qty FROM trades WHERE symbol = 'BTCUSDT' AND ts_ms >= ${now - 10_000} AND ts_ms <= ${now} ORDER BY ts_ms, trade_id`);
    q.close();

    const depth = await get(`/api/v3/depth?symbol=BTCUSDT&limit=5`);
    expect(depth.lastUpdateId).toBe(snap.last_update_id);
    expect(depth.bids.map((l: string[]) => l.map(Number))).toEqual([1, 2, 3, 4, 5].map((i) => [snap[`bid_px_${i}`], snap[`bid_qty_${i}`]]));
    expect(depth.asks.map((l: string[]) => l.map(Number))).toEqual([1, 2, 3, 4, 5].map((i) => [snap[`ask_px_${i}`], snap[`ask_qty_${i}`]]));
    expect((await get(`/api/v3/depth?symbol=BTCUSDT&limit=50`)).bids).toHaveLength(10); // the recording holds 10 levels

    const got = await get(`/api/v3/trades?symbol=BTCUSDT&limit=300`);
    expect(got.map((t: Record<string, unknown>) => [t.id, Number(t.price), Number(t.qty), t.time, t.isBuyerMaker])).toEqual(
      trades.map((t) => [t.trade_id, t.price, t.qty, t.ts_ms, t.is_buyer_maker]),
    );
    expect(Object.keys(got[0])).toEqual(["id", "price", "qty", "quoteQty", "time", "isBuyerMaker", "isBestMatch"]);

    // the aggregates of the last 10 s hold exactly the trades of those 10 s, merged, in order
    expect(recent.length).toBeGreaterThan(20);
    expect(recent.length).toBeLessThan(1000);
    const agg = await get(`/api/v3/aggTrades?symbol=BTCUSDT&startTime=${now - 10_000}&limit=1000`);
    expect(Object.keys(agg[0])).toEqual(["a", "p", "q", "f", "l", "T", "m", "M"]);
    expect(agg.length).toBeLessThan(recent.length);
    expect([agg[0].f, agg[agg.length - 1].l]).toEqual([recent[0]!.trade_id, recent[recent.length - 1]!.trade_id]);
    for (let i = 1; i < agg.length; i++) expect([agg[i].a - agg[i - 1].a, agg[i].f - agg[i - 1].l]).toEqual([1, 1]);
    const sumQ = agg.reduce((x: number, t: { q: string }) => x + Number(t.q), 0);
    expect(sumQ).toBeCloseTo(recent.reduce((x, t) => x + Number(t.qty), 0), 8);
  });
});
