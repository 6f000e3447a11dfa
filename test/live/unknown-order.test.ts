import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bar, BarColumns } from "../../lib/core/bar";
import { KillSwitch } from "../../lib/risk/kill-switch";
import { NoTradeWindows } from "../../lib/risk/no-trade";
import { RiskGuard } from "../../lib/risk/risk-guard";
import { loadCheckpointModel, type CheckpointModel } from "../../lib/services/checkpoint-policy";
import { AccountBook, DecisionLedger, SignalRunner } from "../../lib/services/signal-runner/index";
import { setup, type Harness } from "../venues/binance/harness";
import { loadBtcBars, makeCheckpoint } from "./checkpoint-fixture";
import { MemoryStore, MemoryJournal } from "../support/memory-state";

const TF = 60_000;
let root = "";
let model: CheckpointModel;
let bars: Bar[] = [];

function toBars(c: BarColumns): Bar[] {
  return Array.from({ length: c.length }, (_, i) => ({ ts: c.ts[i]!, open: c.open[i]!, high: c.high[i]!, low: c.low[i]!, close: c.close[i]!, volume: c.volume[i]! }));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "tradelab-unknown-"));
  await makeCheckpoint(join(root, "ckpt"), await loadBtcBars("2025-08-12", "2025-08-15"), { seed: 7 });
  model = loadCheckpointModel(join(root, "ckpt"));
  bars = toBars(await loadBtcBars("2025-08-15", "2025-08-16"));
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the live runner with an order whose outcome is unknown", () => {
  it("keeps that symbol reduce-only until the venue accounts for the order, applies its fill once, then trades again", async () => {
    const warm = bars.slice(0, 300);
    const live = bars.slice(300, 420);
    const h: Harness = await setup({ now: live[0]!.ts + TF });
    try {
      const store = new MemoryStore();
      const journal = new MemoryJournal();
      const inst = await h.venue.exchangeInfo.instrument("BTCUSDT");
      const guard = new RiskGuard({});
      const book = new AccountBook(store, "USDT", () => "BTC");
      book.setCash(10_000);
      const runner = new SignalRunner({
        model, symbols: ["BTCUSDT"], timeframeMs: TF, clock: h.clock, execution: h.venue.execution, venue: "binance",
        instruments: new Map([["BTCUSDT", inst]]), feeRates: new Map([["BTCUSDT", { makerBps: 10, takerBps: 10 }]]), allowShort: false,
        guard, killSwitch: new KillSwitch({ limits: {} }), noTrade: new NoTradeWindows({}), allowReducingInNoTrade: true,
        ledger: new DecisionLedger(store), book, journal, sleep: (ms) => h.deps.sleep!(ms),
      });
      runner.warmUp("BTCUSDT", warm);
      // the first order fills at the venue, its answer is lost, and lookups lag far behind
      h.server.lookupLag = 14;
      h.server.inject("POST", "/api/v3/order", { kind: "process-then-status", status: 500, body: { code: -1000, msg: "An unknown error occurred while processing the request." } });
      const states: string[] = [];
      for (const b of live) {
        h.clock.set(Math.max(h.clock.now(), b.ts + TF));
        h.server.fillPrice = b.close;
        await runner.onBar("BTCUSDT", b);
        await runner.settled("BTCUSDT");
        states.push(guard.symbolState("BTCUSDT"));
      }
      const decisions = journal.records.filter((r) => r.kind === "decision");
      const unknownAt = decisions.findIndex((d) => d.status === "unknown");
      expect(unknownAt).toBeGreaterThanOrEqual(0);
      const cid = decisions[unknownAt]!.clientOrderId as string;
      const resolvedAt = journal.records.findIndex((r) => r.kind === "order_resolved");
      expect(resolvedAt).toBeGreaterThan(journal.records.indexOf(decisions[unknownAt]!));
      expect(journal.records[resolvedAt]).toMatchObject({ clientOrderId: cid, outcome: "found" });
      // held: between the unknown answer and its resolution nothing that adds to the position was sent
      const held = journal.records.slice(journal.records.indexOf(decisions[unknownAt]!) + 1, resolvedAt).filter((r) => r.kind === "decision");
      expect(held.length).toBeGreaterThan(0);
      expect(held.filter((d) => d.status === "sent" && d.side === "buy")).toEqual([]);
      expect(held.some((d) => d.status === "denied" && String(d.reason).startsWith("REDUCING_ONLY"))).toBe(true);
      expect(states).toContain("reducing");
      // resolved: the fill is applied once and the symbol trades again
      expect(journal.records.filter((r) => r.kind === "fill" && r.clientOrderId === cid).length).toBe(1);
      expect(states[states.length - 1]).toBe("active");
      const after = journal.records.slice(resolvedAt).filter((r) => r.kind === "decision");
      expect(after.some((d) => d.status === "sent")).toBe(true);
      expect(after.filter((d) => String(d.reason ?? "").startsWith("REDUCING_ONLY"))).toEqual([]);
      // never a second order for one client id
      const ids = h.server.created.map((o) => o.clientOrderId);
      expect(new Set(ids).size).toBe(ids.length);
      await runner.desk.sync("BTCUSDT"); // the last order's fills (no user stream here: fills come over REST)
      // what the venue holds: bought less the BTC commissions of the buys, less what was sold
      const venueHeld = h.server.trades.reduce((s, t) => s + (t.isBuyer ? Number(t.qty) - (t.commissionAsset === "BTC" ? Number(t.commission) : 0) : -Number(t.qty)), 0);
      expect(book.qty("BTCUSDT")).toBeCloseTo(venueHeld, 9);
    } finally {
      await h.close();
    }
  }, 60_000);
});
