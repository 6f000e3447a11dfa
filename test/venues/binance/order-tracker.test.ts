import { describe, expect, it } from "vitest";
import { OrderTracker } from "../../../lib/venues/binance/order-tracker";
import type { Order } from "../../../lib/core/order";

const order = (id: number, status: Order["status"], filledQty = 0): Order => ({
  clientOrderId: `c${id}`, symbol: "BTCUSDT", side: "buy", type: "market", qty: 1, timeInForce: "IOC",
  status, filledQty, avgPrice: filledQty > 0 ? 100 : 0, createdTs: id, updatedTs: id, venueOrderId: String(1000 + id),
});

describe("OrderTracker memory", () => {
  it("forgets the oldest finished orders beyond its limit and never an open one", () => {
    const t = new OrderTracker(50_000, 3);
    t.apply(order(0, "accepted"));
    for (let i = 1; i <= 6; i++) {
      t.apply(order(i, "accepted"));
      t.apply(order(i, "filled", 1));
    }
    expect(t.size).toBe(4); // 3 finished + the open one
    expect(t.get("c0")?.status).toBe("accepted");
    expect(t.get("c1")).toBeUndefined();
    expect(t.clientIdOf("BTCUSDT", "1001")).toBeUndefined();
    expect(t.get("c6")?.status).toBe("filled");
    expect(t.open().map((o) => o.clientOrderId)).toEqual(["c0"]);
  });

  it("still applies an update once and never moves an order backwards", () => {
    const t = new OrderTracker();
    expect(t.apply(order(1, "partially_filled", 0.5))).toBe(true);
    expect(t.apply(order(1, "accepted"))).toBe(false);
    expect(t.apply(order(1, "filled", 1))).toBe(true);
    expect(t.apply(order(1, "filled", 1))).toBe(false);
  });
});
