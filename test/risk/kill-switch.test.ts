import { describe, expect, it } from "vitest";
import { KillSwitch, KILL_SWITCH_KEY } from "../../lib/risk/kill-switch";
import type { StateStore } from "../../lib/core/ports/state-store.port";

class MemoryStore implements StateStore {
  readonly docs = new Map<string, string>();
  async read<T>(key: string): Promise<T | undefined> {
    const s = this.docs.get(key);
    return s === undefined ? undefined : (JSON.parse(s) as T);
  }
  async write<T>(key: string, value: T): Promise<void> {
    this.docs.set(key, JSON.stringify(value));
  }
  async remove(key: string): Promise<void> {
    this.docs.delete(key);
  }
}

describe("KillSwitch", () => {
  it("trips when a counter reaches its limit and notifies listeners once", async () => {
    const ks = new KillSwitch({ limits: { rejectedOrders: 3 } });
    const seen: string[] = [];
    ks.onTrip((s) => {
      seen.push(s.reason);
    });
    expect(await ks.count("rejectedOrders", 1)).toBe(false);
    expect(await ks.count("rejectedOrders", 2)).toBe(false);
    expect(await ks.count("rejectedOrders", 3)).toBe(true);
    expect(await ks.count("rejectedOrders", 4)).toBe(false);
    expect(ks.tripped).toBe(true);
    expect(seen).toEqual(["rejectedOrders reached 3 (limit 3)"]);
  });

  it("never trips on a counter without a limit", async () => {
    const ks = new KillSwitch({ limits: {} });
    for (let i = 0; i < 100; i++) await ks.count("wsErrors", i);
    expect(ks.tripped).toBe(false);
    expect(ks.state.counters.wsErrors).toBe(100);
  });

  it("stays tripped across a restart until reset", async () => {
    const store = new MemoryStore();
    const a = new KillSwitch({ limits: {} }, store);
    await a.trip("operator said so", "cli", 1234);
    const b = new KillSwitch({ limits: {} }, store);
    expect((await b.load()).tripped).toBe(true);
    expect(b.state).toMatchObject({ reason: "operator said so", source: "cli", trippedAt: 1234 });
    await b.reset();
    const c = new KillSwitch({ limits: {} }, store);
    expect((await c.load()).tripped).toBe(false);
    expect(store.docs.has(KILL_SWITCH_KEY)).toBe(true);
  });
});

describe("KillSwitch windows", () => {
  it("counts only events inside the rolling window and treats a 0 limit as off", async () => {
    const ks = new KillSwitch({ limits: { restErrors: 3, wsErrors: 0 }, windowMinutes: 1 });
    await ks.count("restErrors", 0);
    await ks.count("restErrors", 30_000);
    await ks.count("restErrors", 70_000); // the first event left the window
    expect(ks.tripped).toBe(false);
    expect(ks.state.counters.restErrors).toBe(2);
    expect(await ks.count("restErrors", 80_000)).toBe(true);
    const off = new KillSwitch({ limits: { wsErrors: 0 } });
    for (let i = 0; i < 10; i++) await off.count("wsErrors", i);
    expect(off.tripped).toBe(false);
  });
});
