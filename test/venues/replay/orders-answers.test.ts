import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { ReplayExchange } from "../../../lib/venues/replay/index";
import { decimals, order, signed, startOrdersExchange } from "./orders-helpers";

let ex: ReplayExchange | undefined;
afterEach(async () => {
  await ex?.close();
  ex = undefined;
});

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(`test/fixtures/binance/${name}`, "utf8")) as Record<string, unknown>;
const keys = (o: unknown): string[] => Object.keys(o as object).sort();

/** A replay that moves on by itself (a bar every 20 ms of wall time, 2000 bars of runway), one bar in. */
async function running(over: Parameters<typeof startOrdersExchange>[0] = {}): Promise<ReplayExchange> {
  ex = await startOrdersExchange({ speed: 3000, ...over }, 2000);
  await ex.step(1);
  ex.resume();
  return ex;
}

interface Fill {
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  tradeId: number;
}

describe("new-order answers while the replay runs (synchronous, as on Binance)", () => {
  it("answers a MARKET order (FULL by default) FILLED with its fills: prices on the tick, commissions with at most 8 decimals", async () => {
    const ex = await running();
    const r = await order(ex, { side: "BUY", type: "MARKET", quantity: "0.01234", newClientOrderId: "m-1" });
    expect(r.status).toBe(200);
    expect(keys(r.body)).toEqual(keys(fixture("spot_order_response_FULL_docs.json")));
    expect(r.body).toMatchObject({ symbol: "BTCUSDT", clientOrderId: "m-1", status: "FILLED", type: "MARKET", side: "BUY", timeInForce: "GTC", origQty: "0.01234000", executedQty: "0.01234000", origQuoteOrderQty: "0.00000000", price: "0.00000000" });
    const fills = r.body.fills as Fill[];
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) {
      expect(decimals(f.price)).toBeLessThanOrEqual(2); // tick 0.01
      expect(decimals(f.commission)).toBeLessThanOrEqual(8);
      // a buy's commission is taken from the BTC received (faqs/commission_faq.md): 0.1% of the fill
      expect(f.commissionAsset).toBe("BTC");
      expect(Number(f.commission)).toBeCloseTo(Number(f.qty) * 0.001, 8);
    }
    const sim = ex.venue.allFills();
    expect(fills.map((f) => [Number(f.price), Number(f.qty), Number(f.commission)])).toEqual(sim.map((f) => [f.price, f.qty, f.fee]));
    expect(r.body.cummulativeQuoteQty).toBe((Math.round(sim[0]!.price * sim[0]!.qty * 1e8) / 1e8).toFixed(8));
    expect(r.body.transactTime).toBe(sim[0]!.ts); // answered at the simulated fill, in the bar after the order
    expect(Number(r.body.transactTime)).toBeGreaterThanOrEqual(Number(r.body.workingTime));
    expect(Number(r.body.transactTime)).toBeGreaterThanOrEqual(ex.from + 60_000); // the fill is in the second bar, not the first
    const account = await signed(ex, "GET", "/api/v3/account");
    const usdt = (account.body.balances as { asset: string; locked: string }[]).find((b) => b.asset === "USDT")!;
    expect(usdt.locked).toBe("0.00000000"); // nothing stays locked after a market buy's answer
    expect(keys(account.body)).toEqual(keys(fixture("spot_account_docs.json")));
  });

  it("answers an IOC limit that cannot fill EXPIRED, with no fills", async () => {
    const ex = await running();
    const r = await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "IOC", quantity: "0.001", price: "90000" });
    expect(r.body).toMatchObject({ status: "EXPIRED", executedQty: "0.00000000", cummulativeQuoteQty: "0.00000000", timeInForce: "IOC", fills: [] });
    const fok = await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "FOK", quantity: "0.001", price: "90000", newOrderRespType: "RESULT" });
    expect(fok.body).toMatchObject({ status: "EXPIRED", executedQty: "0.00000000" });
    expect(keys(fok.body)).toEqual(keys(fixture("spot_order_response_RESULT_docs.json")));
  });

  it("answers a GTC limit and any ACK at once, with the order's state", async () => {
    const ex = await running({ speed: 1 }); // a bar a minute: nothing fills while we look
    const gtc = await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "90000", newOrderRespType: "RESULT" });
    expect(gtc.body).toMatchObject({ status: "NEW", executedQty: "0.00000000" });
    const ack = await order(ex, { side: "BUY", type: "MARKET", quantity: "0.001", newOrderRespType: "ACK" });
    expect(keys(ack.body)).toEqual(keys(fixture("spot_order_response_ACK_docs.json")));
    const account = await signed(ex, "GET", "/api/v3/account");
    // the GTC buy locks price * qty = 90 USDT (no fee); the market buy reserves its estimate until it fills
    expect(Number((account.body.balances as { asset: string; locked: string }[]).find((b) => b.asset === "USDT")!.locked)).toBeGreaterThanOrEqual(90);
    const openOrders = await signed(ex, "GET", "/api/v3/openOrders", { symbol: "BTCUSDT" });
    expect(keys((openOrders.body as unknown as unknown[])[0])).toEqual(keys((fixture("spot_openOrders_docs.json") as unknown as unknown[])[0]));
  });

  it("locks price * qty of quote for a limit buy, not the fee", async () => {
    ex = await startOrdersExchange();
    await ex.step(1);
    await order(ex, { side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "90000" });
    const account = await signed(ex, "GET", "/api/v3/account");
    expect((account.body.balances as { asset: string; free: string; locked: string }[]).find((b) => b.asset === "USDT")).toEqual({ asset: "USDT", free: "9910.00000000", locked: "90.00000000" });
  });

  it("sizes a quoteOrderQty market buy where it fills: executedQty on the step grid, spending at most the quote amount", async () => {
    const ex = await running();
    const r = await order(ex, { side: "BUY", type: "MARKET", quoteOrderQty: "250" });
    expect(r.body).toMatchObject({ status: "FILLED", origQuoteOrderQty: "250.00000000" });
    expect(decimals(r.body.executedQty)).toBeLessThanOrEqual(5); // step 0.00001
    expect(r.body.origQty).toBe(r.body.executedQty);
    const spent = Number(r.body.cummulativeQuoteQty);
    expect(spent).toBeLessThanOrEqual(250);
    expect(spent).toBeGreaterThan(250 - 0.00001 * 200_000); // within one step of the amount
  });

  it("answers a held order with its state when the replay closes, and never hangs", async () => {
    const ex = await running({ speed: 1 });
    const pending = order(ex, { side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "late" });
    const t0 = Date.now();
    while (ex.progress().orders === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 5));
    await ex.close();
    const r = await pending;
    expect(r.body).toMatchObject({ clientOrderId: "late", status: "NEW", fills: [] });
  });

  it("answers at once while the replay is paused (it cannot reach the fill), and the order fills when stepped", async () => {
    ex = await startOrdersExchange();
    await ex.step(1);
    const r = await order(ex, { side: "SELL", type: "MARKET", quantity: "0.001", newClientOrderId: "s-1" });
    expect(r.status).toBe(400); // nothing to sell yet
    await order(ex, { side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "b-1" }).then((a) => expect(a.body).toMatchObject({ status: "NEW", fills: [] }));
    await ex.step(1);
    const q = await signed(ex, "GET", "/api/v3/order", { symbol: "BTCUSDT", origClientOrderId: "b-1" });
    expect(q.body).toMatchObject({ status: "FILLED", executedQty: "0.00100000" });
  });
});
