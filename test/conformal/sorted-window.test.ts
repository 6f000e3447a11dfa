import { describe, expect, it } from "vitest";
import { SortedWindow } from "../../lib/conformal/sorted-window";
import { InvariantError } from "../../lib/core/errors";
import { SeededRng } from "../../lib/sim/rng";

describe("SortedWindow", () => {
  it("keeps exactly the last `capacity` values, sorted, through evictions with ties", () => {
    const rng = new SeededRng(7);
    const w = new SortedWindow(37);
    const all: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const x = rng.int(20) - 10 + (rng.next() < 0.3 ? 0.5 : 0); // many ties
      all.push(x);
      const evicted = w.push(x);
      expect(Number.isNaN(evicted)).toBe(i < 37);
      if (i >= 37) expect(evicted).toBe(all[i - 37]);
      const last = all.slice(-37);
      expect(Array.from(w.values())).toEqual(last);
      expect(Array.from(w.sortedView())).toEqual([...last].sort((a, b) => a - b));
    }
  });

  it("answers order statistics and rank counts", () => {
    const w = new SortedWindow(5);
    for (const x of [5, 1, 4, 2, 3, 0]) w.push(x); // window: 1 4 2 3 0
    expect(w.size).toBe(5);
    expect(w.kth(1)).toBe(0);
    expect(w.kth(5)).toBe(4);
    expect(w.countAtMost(2)).toBe(3);
    expect(() => w.kth(6)).toThrow(RangeError);
    expect(() => w.kth(0)).toThrow(RangeError);
  });

  it("accepts infinities, sorts them last, and rejects NaN", () => {
    const w = new SortedWindow(3);
    w.push(Number.POSITIVE_INFINITY);
    w.push(1);
    expect(Array.from(w.sortedView())).toEqual([1, Number.POSITIVE_INFINITY]);
    expect(() => w.push(Number.NaN)).toThrow(InvariantError);
  });

  it("empties on clear", () => {
    const w = new SortedWindow(3);
    w.push(1);
    w.push(2);
    w.clear();
    expect(w.size).toBe(0);
    w.push(9);
    expect(Array.from(w.values())).toEqual([9]);
  });
});
