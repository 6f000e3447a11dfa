import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Bar } from "../../../lib/core/bar";
import type { BarEvent, FillEvent, OrderEvent } from "../../../lib/core/events";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { openDataSession } from "../../../lib/infra/data/index";
import { createVenueAdapters, type VenueAdapters } from "../../../lib/venues/registry";
import { startReplayExchange, type ReplayExchange, type StartReplayOptions } from "../../../lib/venues/replay/index";

const T0 = Date.UTC(2025, 5, 1); // 2025-06-01
const MIN = 60_000;

/** A deterministic walk around 100 000 (BTCUSDT-like), OHLC-consistent. */
function bars(n: number, start = T0 - 50 * MIN): Bar[] {
  const out: Bar[] = [];
  let close = 100_000;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.round((open + ((i * 37) % 11) - 5) * 100) / 100;
    out.push({ ts: start + i * MIN, open, high: Math.max(open, close) + 3, low: Math.min(open, close) - 3, close, volume: 5 + (i % 4) });
  }
  return out;
}

let ex: ReplayExchange | undefined;
let ad: VenueAdapters | undefined;
const subs: Subscription[] = [];
afterEach(async () => {
  for (const s of subs.splice(0)) await s.close();
  await ex?.close();
  ex = undefined;
  ad = undefined;
});

async function start(over: Partial<StartReplayOptions> = {}): Promise<{ ex: ReplayExchange; ad: VenueAdapters }> {
  ex = await startReplayExchange({ symbols: ["BTCUSDT"], from: T0, to: T0 + 30 * MIN, bars: { BTCUSDT: bars(80) }, warmupBars: 50, autoStart: false, seed: 7, ...over });
  ad = createVenueAdapters("replay", ex.adapterConfig, { clock: ex.clock });
  return { ex, ad };
}

function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => (cond() ? resolve() : Date.now() - t0 > ms ? reject(new Error(`timed out waiting for ${what}`)) : void setTimeout(tick, 2));
    tick();
  });
}

async function listen(a: VenueAdapters) {
  const got = { bars: [] as BarEvent[], orders: [] as OrderEvent[], fills: [] as FillEvent[], errors: [] as Error[] };
  subs.push(await a.execution!.subscribe({ onOrder: (e) => got.orders.push(e), onFill: (e) => got.fills.push(e), onError: (e) => got.errors.push(e) }));
  subs.push(await a.marketData!.subscribeBars(["BTCUSDT"], "1m", { onBar: (e) => got.bars.push(e), onError: (e) => got.errors.push(e) }));
  return got;
}

describe("replay exchange through the Binance adapter", () => {
  it("serves exchange filters from the filters file and warm-up history up to its clock", async () => {
    const { ad } = await start();
    const [inst] = await ad.exchangeInfo!.instruments(["BTCUSDT"]);
    expect(inst).toMatchObject({ symbol: "BTCUSDT", venue: "replay", baseAsset: "BTC", quoteAsset: "USDT", tickSize: 0.01, stepSize: 0.00001, minNotional: 5 });
    const hist = await ad.marketData!.history({ symbol: "BTCUSDT", timeframe: "1m", from: T0 - 50 * MIN, to: T0 + 30 * MIN });
    expect(hist.map((b) => b.ts)).toEqual(bars(50).map((b) => b.ts)); // nothing at or after `from` has closed yet
    expect(hist[49]).toMatchObject({ open: bars(50)[49]!.open, close: bars(50)[49]!.close });
    expect(await ad.exchangeInfo!.fees("BTCUSDT")).toEqual({ makerBps: 10, takerBps: 10 });
  });

  it("streams closed bars step by step and fills a market order in the next bar through the simulator", async () => {
    const { ex, ad } = await start();
    const got = await listen(ad);
    await ex.step(2);
    await until(() => got.bars.length === 2, "two bars");
    expect(got.bars.map((b) => b.bar.ts)).toEqual([T0, T0 + MIN]);
    const r = await ad.execution!.submit({ clientOrderId: "buy-1", symbol: "BTCUSDT", side: "buy", type: "market", qty: 0.01, timeInForce: "GTC" });
    expect(r.ok && r.value.status).toBe("accepted"); // in flight until the next bar
    await ex.step(1);
    await until(() => got.fills.length === 1 && got.orders.some((o) => o.order.status === "filled"), "fill");
    const simFill = ex.venue.allFills()[0]!;
    const fill = got.fills[0]!.fill;
    // Binance takes a buy's commission from the BTC bought: 0.1% of 0.01 BTC
    expect([fill.clientOrderId, fill.side, fill.qty, fill.price, fill.fee, fill.feeAsset, fill.feeFromBase, fill.liquidity]).toEqual(["buy-1", "buy", simFill.qty, simFill.price, simFill.fee, "BTC", true, "taker"]);
    expect(fill.fee).toBe(0.00001);
    const btc = (await ad.execution!.balances()).find((b) => b.asset === "BTC")!;
    expect(btc.free + btc.locked).toBeCloseTo(0.01 - 0.00001, 12);
    expect(fill.ts).toBeGreaterThanOrEqual(T0 + 2 * MIN); // the bar after the signal, never the signal bar
    expect(fill.ts).toBeLessThan(T0 + 3 * MIN);
    const usdt = (await ad.execution!.balances()).find((b) => b.asset === "USDT")!;
    expect(usdt.free).toBeCloseTo(10_000 - fill.qty * fill.price, 6); // the commission was paid in BTC
    expect(await ad.execution!.positions()).toEqual([{ symbol: "BTCUSDT", qty: 0.00999 }]);
    expect((await ad.execution!.fillsSince!("BTCUSDT", T0)).map((f) => f.price)).toEqual([fill.price]);
    expect(got.errors).toEqual([]);
  });

  it("rests, lists and cancels a limit order; rejects what Binance would reject", async () => {
    const { ex, ad } = await start();
    await ex.step(1);
    const exec = ad.execution!;
    expect((await exec.submit({ clientOrderId: "lim-1", symbol: "BTCUSDT", side: "buy", type: "limit", qty: 0.01, price: 50_000, timeInForce: "GTC" })).ok).toBe(true);
    await ex.step(1);
    expect((await exec.openOrders("BTCUSDT")).map((o) => [o.clientOrderId, o.price])).toEqual([["lim-1", 50_000]]);
    const c = await exec.cancel("BTCUSDT", "lim-1");
    expect(c.ok && c.value.status).toBe("canceled");
    expect(await exec.openOrders()).toEqual([]);
    const poor = await exec.submit({ clientOrderId: "big-1", symbol: "BTCUSDT", side: "buy", type: "market", qty: 5, timeInForce: "GTC" });
    expect(!poor.ok && [poor.error.code, poor.error.details.binanceCode, poor.error.details.binanceMsg]).toEqual(["ORDER_REJECTED", -2010, "Account has insufficient balance for requested action."]);
    const tiny = await exec.submit({ clientOrderId: "tiny-1", symbol: "BTCUSDT", side: "buy", type: "limit", qty: 0.00002, price: 99_000, timeInForce: "GTC" });
    expect(!tiny.ok && [tiny.error.code, tiny.error.details.binanceMsg]).toEqual(["FILTER_REJECTED", "Filter failure: NOTIONAL"]);
    const gone = await exec.getOrder("BTCUSDT", "never-sent");
    expect(!gone.ok && gone.error.code).toBe("ORDER_NOT_FOUND");
  });

  it("gives the same fills on every run with the same seed", async () => {
    const run = async () => {
      const { ex, ad } = await start({ sim: { slippage: { kind: "sqrt-impact" }, fill: { intrabar: "brownian-bridge" } } });
      const got = await listen(ad);
      for (let i = 0; i < 6; i++) {
        await ex.step(1);
        await until(() => got.bars.length === i + 1, "bar");
        // a sell gives back less than the buy got: the buy's 0.1% commission came out of its BTC
        await ad.execution!.submit({ clientOrderId: `o-${i}`, symbol: "BTCUSDT", side: i % 2 ? "sell" : "buy", type: "market", qty: i % 2 ? 0.0099 : 0.01, timeInForce: "GTC" });
      }
      await ex.step(1);
      await until(() => got.fills.length === 6, "six fills");
      const out = got.fills.map((f) => [f.fill.clientOrderId, f.fill.price, f.fill.fee, f.fill.ts]);
      for (const s of subs.splice(0)) await s.close();
      await ex.close();
      return out;
    };
    const a = await run();
    const b = await run();
    expect(a).toEqual(b);
    expect(new Set(a.map((x) => x[1])).size).toBeGreaterThan(1);
  });
});

describe("replay exchange protocol checks", () => {
  const sign = (secret: string, q: string) => createHmac("sha256", secret).update(q).digest("hex");

  it("rejects a bad signature (-1022), a wrong key (-2015) and a stale timestamp (-1021)", async () => {
    const { ex } = await start();
    const now = ex.clock.now();
    const call = async (q: string, key = ex.adapterConfig.apiKey) => {
      const res = await fetch(`${ex.baseUrl}/api/v3/account?${q}`, { headers: { "X-MBX-APIKEY": key } });
      return [res.status, ((await res.json()) as { code?: number }).code];
    };
    const q = `timestamp=${now}&recvWindow=5000`;
    expect(await call(`${q}&signature=${sign(ex.adapterConfig.apiSecret, q)}`)).toEqual([200, undefined]);
    expect(await call(`${q}&signature=${sign("wrong", q)}`)).toEqual([400, -1022]);
    expect(await call(`${q}&signature=${sign(ex.adapterConfig.apiSecret, q)}`, "other-key")).toEqual([401, -2015]);
    const old = `timestamp=${now - 10_000_000_000}&recvWindow=5000`;
    expect(await call(`${old}&signature=${sign(ex.adapterConfig.apiSecret, old)}`)).toEqual([400, -1021]);
  });

  it("answers unknown symbols, intervals and paths with Binance error bodies", async () => {
    const { ex } = await start();
    const get = async (p: string) => {
      const res = await fetch(`${ex.baseUrl}${p}`);
      return [res.status, await res.json()];
    };
    expect(await get("/api/v3/klines?symbol=DOGEUSDT&interval=1m")).toEqual([400, { code: -1121, msg: "Invalid symbol." }]);
    expect(await get("/api/v3/klines?symbol=BTCUSDT&interval=1s")).toEqual([400, { code: -1120, msg: "Invalid interval." }]); // shorter than the replayed bars
    expect(await get("/api/v3/klines?interval=1m")).toEqual([400, { code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." }]);
    expect((await get("/api/v3/nope"))[0]).toBe(404);
  });
});

describe("replay exchange pacing", () => {
  it("starts when the stream subscribes, replays every bar in order at speed, and survives a disconnect with backfill", async () => {
    const { ex, ad } = await start({ autoStart: "on-subscribe", speed: 6000, to: T0 + 25 * MIN }); // 10 ms per bar
    const got = { bars: [] as BarEvent[] }; // market data only: this pacing needs no user data
    subs.push(await ad.marketData!.subscribeBars(["BTCUSDT"], "1m", { onBar: (e) => got.bars.push(e) }));
    await until(() => got.bars.length >= 5, "first bars");
    ex.dropStreams();
    const summary = await ex.done;
    await until(() => got.bars.length === 25, "every bar");
    expect(got.bars.map((b) => (b.bar.ts - T0) / MIN)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(got.bars.map((b) => b.bar.close)).toEqual(bars(75).slice(50).map((b) => b.close));
    expect(summary).toMatchObject({ processed: 25, total: 25, simNow: T0 + 25 * MIN });
  });
});

describe("replay exchange pacing with a reacting client", () => {
  it("fills the orders a client sends on each bar identically on every paced run", async () => {
    const run = async () => {
      // settleMs is the promise the client must keep: answer each bar within it (generous here: the suite runs in parallel).
      const { ex, ad } = await start({ autoStart: "on-subscribe", speed: 6000, settleMs: 80, to: T0 + 16 * MIN });
      await ad.exchangeInfo!.instruments(["BTCUSDT"]); // warm caches so each bar costs the client one request
      const fills: FillEvent[] = [];
      let n = 0;
      subs.push(await ad.execution!.subscribe({ onFill: (e) => fills.push(e) }));
      subs.push(
        await ad.marketData!.subscribeBars(["BTCUSDT"], "1m", {
          onBar: () => {
            const i = n++;
            void ad.execution!.submit({ clientOrderId: `p-${i}`, symbol: "BTCUSDT", side: i % 2 ? "sell" : "buy", type: "market", qty: i % 2 ? 0.0099 : 0.01, timeInForce: "GTC" });
          },
        }),
      );
      await ex.done;
      await until(() => fills.length === 15, "fills of orders sent on bars 0..14");
      const out = fills.map((f) => [f.fill.clientOrderId, f.fill.price, Math.floor((f.fill.ts - T0) / MIN)]);
      for (const x of subs.splice(0)) await x.close();
      await ex.close();
      return out;
    };
    const a = await run();
    expect(a.map((x) => x[2])).toEqual(Array.from({ length: 15 }, (_, i) => i + 1)); // each order fills in the bar after its signal
    expect(await run()).toEqual(a);
  });
});

describe("replay exchange over data/", () => {
  it("replays the stored BTCUSDT 1m bars through DuckDB", async () => {
    ex = await startReplayExchange({ symbols: ["BTCUSDT"], from: "2025-06-01T00:00:00Z", to: "2025-06-01T00:10:00Z", warmupBars: 5, autoStart: false });
    ad = createVenueAdapters("replay", ex.adapterConfig, { clock: ex.clock });
    await ex.step(10);
    const hist = await ad.marketData!.history({ symbol: "BTCUSDT", timeframe: "1m", from: T0 - 5 * MIN, to: T0 + 10 * MIN });
    const session = await openDataSession({ threads: 1 });
    const stored = await session.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m", from: T0 - 5 * MIN, to: T0 + 10 * MIN });
    session.close();
    expect(hist.length).toBe(15);
    expect(hist.map((b) => [b.ts, b.open, b.high, b.low, b.close, b.volume])).toEqual(
      Array.from({ length: 15 }, (_, i) => [stored.ts[i], stored.open[i], stored.high[i], stored.low[i], stored.close[i], stored.volume[i]]),
    );
    expect(hist[5]!.ts).toBe(T0);
  });
});
