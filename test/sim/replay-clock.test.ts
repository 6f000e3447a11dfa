import { describe, expect, it } from "vitest";
import { ReplayClock } from "../../lib/sim/replay-clock";

describe("replay clock", () => {
  it("moves only forward and refuses to go back", () => {
    const c = new ReplayClock(1000);
    c.advanceTo(1500);
    c.advanceBy(500);
    expect(c.now()).toBe(2000);
    expect(() => c.advanceTo(1999)).toThrow(expect.objectContaining({ code: "INVARIANT" }));
  });

  it("fires timers in time order, equal times in scheduling order, each seeing its own time", () => {
    const c = new ReplayClock(0);
    const seen: string[] = [];
    c.schedule(300, () => seen.push(`c@${c.now()}`));
    c.schedule(100, () => seen.push(`a@${c.now()}`));
    c.schedule(100, () => seen.push(`b@${c.now()}`));
    c.schedule(900, () => seen.push("late"));
    c.advanceTo(500);
    expect(seen).toEqual(["a@100", "b@100", "c@300"]);
    expect(c.now()).toBe(500);
    expect(c.pendingTimers).toBe(1);
  });

  it("runs timers scheduled by timers when they fall inside the same advance", () => {
    const c = new ReplayClock(0);
    const seen: number[] = [];
    c.schedule(10, () => c.schedule(c.now() + 5, () => seen.push(c.now())));
    c.advanceTo(100);
    expect(seen).toEqual([15]);
  });

  it("does not fire a cancelled timer", () => {
    const c = new ReplayClock(0);
    let fired = false;
    const id = c.schedule(10, () => (fired = true));
    expect(c.cancel(id)).toBe(true);
    expect(c.cancel(id)).toBe(false);
    c.advanceTo(20);
    expect(fired).toBe(false);
    expect(c.pendingTimers).toBe(0);
  });

  it("keeps many timers ordered (heap)", () => {
    const c = new ReplayClock(0);
    const seen: number[] = [];
    const times = Array.from({ length: 500 }, (_, i) => (i * 7919) % 1000);
    for (const t of times) c.schedule(t, () => seen.push(t));
    c.advanceTo(1000);
    expect(seen).toEqual([...times].sort((a, b) => a - b));
  });
});
