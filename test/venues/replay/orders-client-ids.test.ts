import { afterEach, describe, expect, it } from "vitest";
import type { ReplayExchange } from "../../../lib/venues/replay/index";
import { order, signed, startOrdersExchange } from "./orders-helpers";

let ex: ReplayExchange | undefined;
afterEach(async () => {
  await ex?.close();
  ex = undefined;
});

async function open(): Promise<ReplayExchange> {
  ex = await startOrdersExchange();
  await ex.step(1);
  return ex;
}

const limit = (id: string, price = "90000") => ({ side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price, newClientOrderId: id, newOrderRespType: "RESULT" });
const query = (ex: ReplayExchange, p: Record<string, string | number>) => signed(ex, "GET", "/api/v3/order", { symbol: "BTCUSDT", ...p });
const cancel = (ex: ReplayExchange, p: Record<string, string | number>) => signed(ex, "DELETE", "/api/v3/order", { symbol: "BTCUSDT", ...p });

describe("client order ids (unique among open orders only, as on Binance)", () => {
  it("refuses the id of an open order with -2010 Duplicate order sent.", async () => {
    const ex = await open();
    expect((await order(ex, limit("dup"))).status).toBe(200);
    expect(await order(ex, limit("dup", "89000"))).toEqual({ status: 400, body: { code: -2010, msg: "Duplicate order sent." } });
    expect(((await signed(ex, "GET", "/api/v3/openOrders", {})).body as unknown as unknown[]).length).toBe(1);
  });

  it("accepts the id of a closed order as a new order; lookups by origClientOrderId then find the newest", async () => {
    const ex = await open();
    const first = await order(ex, limit("again"));
    expect((await cancel(ex, { origClientOrderId: "again" })).body).toMatchObject({ status: "CANCELED" });
    const second = await order(ex, limit("again", "89000"));
    expect(second.status).toBe(200);
    expect(second.body.orderId).not.toBe(first.body.orderId);
    expect((await query(ex, { origClientOrderId: "again" })).body).toMatchObject({ orderId: second.body.orderId, status: "NEW", price: "89000.00000000" });
    expect((await query(ex, { orderId: Number(first.body.orderId) })).body).toMatchObject({ clientOrderId: "again", status: "CANCELED" });
    // an orderId with a client id that is not its own is unknown
    expect((await query(ex, { orderId: Number(first.body.orderId), origClientOrderId: "other" })).body).toEqual({ code: -2013, msg: "Order does not exist." });
    // a filled order's id is free again too
    await order(ex, { side: "BUY", type: "MARKET", quantity: "0.001", newClientOrderId: "mkt" });
    await ex.step(1);
    expect((await query(ex, { origClientOrderId: "mkt" })).body).toMatchObject({ status: "FILLED" });
    // 0.000999 BTC held: the buy's commission (0.000001 BTC) came out of what it bought
    expect((await order(ex, { side: "SELL", type: "MARKET", quantity: "0.00099", newClientOrderId: "mkt" })).status).toBe(200);
  });
});

describe("cancel answers", () => {
  it("carry the cancel's clientOrderId (sent or generated) and the order's origClientOrderId", async () => {
    const ex = await open();
    await order(ex, limit("to-cancel"));
    await order(ex, limit("to-cancel-2", "89000"));
    const c = await cancel(ex, { origClientOrderId: "to-cancel", newClientOrderId: "my-cancel" });
    expect(c.body).toMatchObject({ symbol: "BTCUSDT", origClientOrderId: "to-cancel", clientOrderId: "my-cancel", status: "CANCELED", orderListId: -1, selfTradePreventionMode: "NONE" });
    expect(Object.keys(c.body).sort()).toEqual(
      ["symbol", "origClientOrderId", "orderId", "orderListId", "clientOrderId", "transactTime", "price", "origQty", "executedQty", "origQuoteOrderQty", "cummulativeQuoteQty", "status", "timeInForce", "type", "side", "selfTradePreventionMode"].sort(),
    );
    const generated = await cancel(ex, { origClientOrderId: "to-cancel-2" });
    expect(generated.body.origClientOrderId).toBe("to-cancel-2");
    expect(generated.body.clientOrderId).toMatch(/^[.A-Za-z0-9:/_-]{1,36}$/);
    expect(generated.body.clientOrderId).not.toBe("to-cancel-2");
  });

  it("answer -2011 for an unknown or finished order and for a failed cancelRestrictions, -1145 for a bad one", async () => {
    const ex = await open();
    expect(await cancel(ex, { origClientOrderId: "never" })).toEqual({ status: 400, body: { code: -2011, msg: "Unknown order sent." } });
    await order(ex, limit("r-1"));
    expect(await cancel(ex, { origClientOrderId: "r-1", cancelRestrictions: "ONLY_PARTIALLY_FILLED" })).toEqual({ status: 400, body: { code: -2011, msg: "Order was not canceled due to cancel restrictions." } });
    expect(await cancel(ex, { origClientOrderId: "r-1", cancelRestrictions: "SOMETIMES" })).toEqual({ status: 400, body: { code: -1145, msg: "Invalid cancelRestrictions" } });
    expect((await cancel(ex, { origClientOrderId: "r-1", cancelRestrictions: "ONLY_NEW" })).body).toMatchObject({ status: "CANCELED" });
    expect(await cancel(ex, { origClientOrderId: "r-1" })).toEqual({ status: 400, body: { code: -2011, msg: "Unknown order sent." } });
    expect(await query(ex, { origClientOrderId: "never" })).toEqual({ status: 400, body: { code: -2013, msg: "Order does not exist." } });
  });
});
