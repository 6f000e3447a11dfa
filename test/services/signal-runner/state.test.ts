import { describe, expect, it } from "vitest";
import type { Fill } from "../../../lib/core/fill";
import type { StateStore } from "../../../lib/core/ports/state-store.port";
import { AccountBook } from "../../../lib/services/signal-runner/account-book";
import { barTsOfClientId, decisionClientId, DecisionLedger, type DecisionRecord } from "../../../lib/services/signal-runner/decision-ledger";

/** A StateStore port over a Map, serialising like the file store does. */
class MemoryStore implements StateStore {
  readonly docs = new Map<string, string>();
  writes = 0;
  async read<T>(key: string): Promise<T | undefined> {
    const s = this.docs.get(key);
    return s === undefined ? undefined : (JSON.parse(s) as T);
  }
  async write<T>(key: string, value: T): Promise<void> {
    this.writes++;
    this.docs.set(key, JSON.stringify(value));
  }
  async remove(key: string): Promise<void> {
    this.docs.delete(key);
  }
}

const rec = (barTs: number, status: DecisionRecord["status"] = "sent"): DecisionRecord => ({ symbol: "BTCUSDT", barTs, decidedAt: barTs + 60_000, expiresAt: barTs + 120_000, status, clientOrderId: decisionClientId("tl", "BTCUSDT", barTs) });

describe("DecisionLedger", () => {
  it("refuses a second decision for a bar already decided, and remembers it across a restart", async () => {
    const store = new MemoryStore();
    const l = new DecisionLedger(store);
    l.record(rec(1_000));
    expect(() => l.record(rec(1_000))).toThrow(/recorded twice/);
    expect(() => l.record(rec(500))).toThrow(/recorded twice/);
    await l.flush();
    const again = new DecisionLedger(store);
    await again.load();
    expect(again.actedOn("BTCUSDT", 1_000)).toBe(true);
    expect(again.actedOn("BTCUSDT", 61_000)).toBe(false);
  });

  it("adopts journaled intents newer than its file (a crash after the order left) and ignores older ones", async () => {
    const store = new MemoryStore();
    const l = new DecisionLedger(store);
    l.record(rec(1_000));
    await l.flush();
    const n = l.adoptIntents([rec(1_000, "intent"), rec(61_000, "intent"), rec(121_000, "none")]);
    expect(n).toBe(1);
    expect(l.latest("BTCUSDT")).toMatchObject({ barTs: 61_000, status: "intent" });
  });

  it("writes the file only when something changed", async () => {
    const store = new MemoryStore();
    const l = new DecisionLedger(store);
    await l.flush();
    expect(store.writes).toBe(0);
    l.record(rec(1_000));
    await l.flush();
    await l.flush();
    expect(store.writes).toBe(1);
  });

  it("derives deterministic client order ids from the bar (a resend is idempotent at the venue)", () => {
    const id = decisionClientId("tl", "BTCUSDT", 1_755_388_800_000);
    expect(id).toBe(decisionClientId("tl", "BTCUSDT", 1_755_388_800_000));
    expect(id.length).toBeLessThanOrEqual(36);
    expect(/^[.A-Z:/a-z0-9_-]{1,36}$/.test(id)).toBe(true);
    expect(barTsOfClientId("tl", id)).toBe(1_755_388_800_000);
    expect(barTsOfClientId("tl", "web-123")).toBeNaN();
  });
});

const fill = (over: Partial<Fill>): Fill => ({ ts: 1, symbol: "BTCUSDT", clientOrderId: "tl-a", side: "buy", qty: 0.1, requestedPrice: 100, price: 100, fee: 0.01, feeAsset: "USDT", slippageCost: 0, latencyMs: 0, liquidity: "taker", tradeId: "1", ...over });

describe("AccountBook", () => {
  it("applies each fill once whichever path it arrives by, moving cash by notional and quote fees", async () => {
    const b = new AccountBook(new MemoryStore(), "USDT", () => "BTC");
    b.setCash(1_000);
    expect(b.applyFill(fill({}))).toBe(true);
    expect(b.applyFill(fill({}))).toBe(false);
    expect(b.cash).toBeCloseTo(1_000 - 10 - 0.01, 12);
    expect(b.qty("BTCUSDT")).toBeCloseTo(0.1, 12);
    b.applyFill(fill({ tradeId: "2", side: "sell", qty: 0.04, price: 110, fee: 0.0001, feeAsset: "BTC" }));
    expect(b.qty("BTCUSDT")).toBeCloseTo(0.06 - 0.0001, 12);
    expect(b.equity({ BTCUSDT: 110 })).toBeCloseTo(b.cash + b.qty("BTCUSDT") * 110, 9);
  });

  it("persists and reloads (positions.json), and refuses state made for another quote asset", async () => {
    const store = new MemoryStore();
    const b = new AccountBook(store, "USDT", () => "BTC");
    b.setCash(500);
    b.applyFill(fill({}));
    await b.persist(123);
    const c = new AccountBook(store, "USDT", () => "BTC");
    expect(await c.load()).toBe(true);
    expect(c.cash).toBe(b.cash);
    expect(c.applyFill(fill({}))).toBe(false); // the fill key survived the restart
    await expect(new AccountBook(store, "USDC", () => "BTC").load()).rejects.toThrow(/quote asset USDT/);
  });
});
