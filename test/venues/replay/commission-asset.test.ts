import { afterEach, describe, expect, it } from "vitest";
import type { FillEvent } from "../../../lib/core/events";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { AccountBook } from "../../../lib/services/signal-runner/account-book";
import { createVenueAdapters } from "../../../lib/venues/registry";
import type { ReplayExchange, StartReplayOptions } from "../../../lib/venues/replay/index";
import { order, signed, startOrdersExchange } from "./orders-helpers";
import { MemoryStore } from "../../support/memory-state";

let ex: ReplayExchange | undefined;
const subs: Subscription[] = [];
afterEach(async () => {
  for (const s of subs.splice(0)) await s.close();
  await ex?.close();
  ex = undefined;
});

/** Binance spot's default: the commission is charged in the asset the trade gives you (10 bps taker). */
const RECEIVED = { slippage: { kind: "fixed", fixedBps: 5 }, latency: { enabled: false }, fees: { commissionAsset: "received" } } as StartReplayOptions["sim"];

async function running(): Promise<ReplayExchange> {
  ex = await startOrdersExchange({ speed: 3000, sim: RECEIVED }, 2000);
  await ex.step(1);
  ex.resume();
  return ex;
}

const round8 = (x: number): number => Math.round(x * 1e8) / 1e8;
const free = async (e: ReplayExchange, asset: string): Promise<string> => {
  const a = await signed(e, "GET", "/api/v3/account");
  return (a.body.balances as { asset: string; free: string }[]).find((b) => b.asset === asset)?.free ?? "0.00000000";
};

describe("replay exchange charging the commission in the received asset (commissionAsset: received)", () => {
  it("answers a BUY with commissionAsset BTC = qty * rate on the 8-decimal grid; the BTC free balance is executedQty - commission", async () => {
    const e = await running();
    const r = await order(e, { side: "BUY", type: "MARKET", quantity: "0.01234", newClientOrderId: "b-1" });
    expect(r.body).toMatchObject({ status: "FILLED", executedQty: "0.01234000" });
    const fills = r.body.fills as { qty: string; commission: string; commissionAsset: string }[];
    let commission = 0;
    for (const f of fills) {
      expect(f.commissionAsset).toBe("BTC");
      expect(Number(f.commission)).toBe(round8(Number(f.qty) * 0.001));
      commission += Number(f.commission);
    }
    expect(commission).toBeGreaterThan(0);
    expect(await free(e, "BTC")).toBe((0.01234 - commission).toFixed(8));
    const trades = await signed(e, "GET", "/api/v3/myTrades", { symbol: "BTCUSDT" });
    expect((trades.body as unknown as { commissionAsset: string; commission: string }[]).map((t) => [t.commissionAsset, Number(t.commission)])).toEqual(fills.map((f) => ["BTC", Number(f.commission)]));

    // selling the gross quantity is more than the account holds (Binance -2010); the net, floored to the step, fills
    const gross = await order(e, { side: "SELL", type: "MARKET", quantity: "0.01234" });
    expect([gross.status, gross.body.code]).toEqual([400, -2010]);
    const net = Math.floor(Number(await free(e, "BTC")) * 1e5) / 1e5;
    const s = await order(e, { side: "SELL", type: "MARKET", quantity: net.toFixed(5) });
    expect(s.body).toMatchObject({ status: "FILLED", executedQty: net.toFixed(8) });
    for (const f of s.body.fills as { commissionAsset: string }[]) expect(f.commissionAsset).toBe("USDT");
    expect(Number(await free(e, "BTC"))).toBeGreaterThanOrEqual(0);
  });

  it("through the Binance adapter: the Fill keeps feeAsset BTC and the live book's position equals the venue's BTC balance", async () => {
    ex = await startOrdersExchange({ sim: RECEIVED }, 30);
    const e = ex;
    const ad = createVenueAdapters("replay", e.adapterConfig, { clock: e.clock });
    const fills: FillEvent[] = [];
    subs.push(await ad.execution!.subscribe({ onFill: (f) => fills.push(f) }));
    await e.step(1);
    const r = await ad.execution!.submit({ clientOrderId: "buy-1", symbol: "BTCUSDT", side: "buy", type: "market", qty: 0.01, timeInForce: "GTC" });
    expect(r.ok).toBe(true);
    await e.step(1);
    const t0 = Date.now();
    while (fills.length === 0 && Date.now() - t0 < 10_000) await new Promise((res) => setTimeout(res, 5));
    const sim = e.venue.allFills()[0]!;
    const f = fills[0]!.fill;
    expect([f.qty, f.fee, f.feeAsset]).toEqual([0.01, sim.fee, "BTC"]);
    expect(f.fee).toBe(0.00001);
    const book = new AccountBook(new MemoryStore(), "USDT", () => "BTC");
    for (const x of fills) book.applyFill(x.fill);
    const btc = (await ad.execution!.balances()).find((b) => b.asset === "BTC")!;
    expect(book.qty("BTCUSDT")).toBeCloseTo(btc.free + btc.locked, 12);
    expect(book.qty("BTCUSDT")).toBeCloseTo(0.00999, 12);
  });
});
