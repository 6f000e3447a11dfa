import { describe, expect, it } from "vitest";
import { applyFill, canTransition, createOrder, isTerminal, remainingQty, transition, validateOrderRequest, type OrderRequest, type OrderStatus } from "../../lib/core/order";
import { applyFillToPosition, flatPosition } from "../../lib/core/position";
import { applyFillToAccount, equity, newAccount } from "../../lib/core/account";
import type { Fill } from "../../lib/core/fill";

const req = (over: Partial<OrderRequest> = {}): OrderRequest => ({ clientOrderId: "c1", symbol: "BTCUSDT", side: "buy", type: "limit", qty: 2, price: 100, timeInForce: "GTC", ...over });

describe("order state machine", () => {
  it("walks created -> submitted -> accepted -> partially_filled -> filled with a volume-weighted price", () => {
    let o = createOrder(req(), 1);
    expect(o.status).toBe("created");
    o = transition(o, "submitted", 2);
    o = transition(o, "accepted", 3, { venueOrderId: "v9" });
    o = applyFill(o, 0.5, 100, 4);
    expect(o.status).toBe("partially_filled");
    expect(remainingQty(o)).toBe(1.5);
    o = applyFill(o, 1.5, 104, 5);
    expect(o).toMatchObject({ status: "filled", filledQty: 2, avgPrice: 103, venueOrderId: "v9", updatedTs: 5 });
    expect(isTerminal(o.status)).toBe(true);
  });

  it("refuses transitions the machine does not allow, with a coded error", () => {
    const o = createOrder(req(), 1);
    expect(() => transition(o, "filled", 2)).toThrow(expect.objectContaining({ code: "ORDER_TRANSITION" }));
    const done = applyFill(transition(o, "submitted", 2), 2, 100, 3);
    for (const to of ["accepted", "canceled", "partially_filled", "expired"] as OrderStatus[]) expect(canTransition(done.status, to)).toBe(false);
    expect(() => transition(done, "canceled", 4)).toThrow(/cannot go from filled to canceled/);
  });

  it("lets a cancel race a fill: cancelling may still end filled", () => {
    let o = transition(transition(createOrder(req(), 1), "submitted", 2), "accepted", 3);
    o = transition(o, "cancelling", 4);
    expect(canTransition(o.status, "filled")).toBe(true);
    expect(applyFill(o, 2, 100, 5).status).toBe("filled");
    expect(transition(o, "canceled", 5).status).toBe("canceled");
  });

  it("rejects an overfill and bad fills", () => {
    const o = transition(createOrder(req(), 1), "submitted", 2);
    expect(() => applyFill(o, 3, 100, 3)).toThrow(/overfills/);
    expect(() => applyFill(o, 1, Number.NaN, 3)).toThrow(expect.objectContaining({ code: "ORDER_INVALID" }));
  });

  it("validates requests and names the bad field", () => {
    expect(() => validateOrderRequest(req({ qty: -1 }))).toThrow(/qty must be a positive finite number, got -1/);
    expect(() => validateOrderRequest(req({ price: Number.NaN }))).toThrow(/limit price/);
    expect(() => validateOrderRequest(req({ type: "market" }))).toThrow(/market orders take no price/);
    expect(() => validateOrderRequest(req({ timeInForce: "DAY" as never }))).toThrow(/time in force/);
    expect(() => validateOrderRequest(req({ type: "market", price: undefined, timeInForce: "IOC" }))).not.toThrow();
  });
});

describe("positions and accounts", () => {
  const fill = (side: "buy" | "sell", qty: number, price: number, fee = 0): Fill => ({ ts: 0, symbol: "X", clientOrderId: "c", side, qty, requestedPrice: price, price, fee, feeAsset: "USDT", slippageCost: 0, latencyMs: 0, liquidity: "taker" });

  it("averages in, realises PnL on reductions and resets the average on a flip", () => {
    let p = flatPosition("X");
    p = applyFillToPosition(p, fill("buy", 1, 100, 0.1));
    p = applyFillToPosition(p, fill("buy", 1, 110, 0.1));
    expect(p).toMatchObject({ qty: 2, avgPrice: 105 });
    p = applyFillToPosition(p, fill("sell", 3, 120, 0.3));
    expect(p.realizedPnl).toBeCloseTo(30, 12);
    expect(p).toMatchObject({ qty: -1, avgPrice: 120 });
    expect(p.feesPaid).toBeCloseTo(0.5, 12);
  });

  it("moves cash by notional and fee, and marks equity", () => {
    let a = newAccount("USDT", 1000);
    a = applyFillToAccount(a, fill("buy", 2, 100, 0.2));
    expect(a.cash).toBeCloseTo(799.8, 12);
    expect(equity(a, { X: 110 })).toBeCloseTo(1019.8, 12);
    expect(() => equity(a, {})).toThrow(/no mark price/);
  });
});
