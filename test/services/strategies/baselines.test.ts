import { describe, expect, it } from "vitest";
import { barColumnsFromBars, type BarColumns } from "../../../lib/core/bar";
import { createStrategy, SmaCross } from "../../../lib/services/strategies/baselines";
import { sma, type Policy } from "../../../lib/services/strategies/policy";

const bars = (closes: number[]): BarColumns => barColumnsFromBars(closes.map((c, i) => ({ ts: i * 60_000, open: c, high: c, low: c, close: c, volume: 1 })));

/** Runs a policy with instant bookkeeping (fills at the signal close) to read its decisions. */
function decisions(p: Policy, b: BarColumns, cash0 = 1000): (number | null)[] {
  p.prepare(b, "X");
  let cash = cash0;
  let qty = 0;
  const out: (number | null)[] = [];
  for (let i = 0; i < b.length; i++) {
    if (i < p.warmup) {
      out.push(null);
      continue;
    }
    const px = b.close[i]!;
    const t = p.decide({ i, bars: b, symbol: "X", cash, positionQty: qty, equity: cash + qty * px });
    out.push(t);
    if (t !== null) {
      cash -= (t - qty) * px;
      qty = t;
    }
  }
  return out;
}

describe("sma", () => {
  it("averages exact windows and is NaN before the window fills", () => {
    const s = sma(new Float64Array([1, 2, 3, 4]), 3);
    expect(Number.isNaN(s[1]!)).toBe(true);
    expect(Array.from(s.subarray(2))).toEqual([2, 3]);
  });
});

describe("SmaCross", () => {
  it("buys 99% of cash on a golden cross while flat and sells all on a death cross while long", () => {
    const b = bars([10, 10, 10, 9, 8, 9, 11, 12, 12, 11, 9, 8]);
    const d = decisions(new SmaCross({ fast: 2, slow: 3 }), b);
    expect(d.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(d[6]).toBeCloseTo((1000 * 0.99) / 11, 12);
    expect(d.slice(7, 9)).toEqual([null, null]);
    expect(d[9]).toBe(0);
    expect(d.slice(10)).toEqual([null, null]);
  });

  it("ignores the first relation and a death cross while flat", () => {
    // fast=1, slow=2: the sign of (fast - slow) is the sign of the last change
    const d = decisions(new SmaCross({ fast: 1, slow: 2 }), bars([1, 2, 2, 3, 2, 2, 1]));
    expect(d).toEqual([null, null, null, null, null, null, null]);
  });

  it("does not let a bar where fast equals slow make or reset a cross", () => {
    // changes: +, 0, +, -, 0, +  -> golden cross only at the last bar (the 0 bar carries the -)
    const d = decisions(new SmaCross({ fast: 1, slow: 2 }), bars([1, 2, 2, 3, 2, 2, 3]));
    expect(d.slice(0, 6)).toEqual([null, null, null, null, null, null]);
    expect(d[6]).toBeCloseTo(990 / 3, 12);
  });

  it("rejects fast >= slow with a config error", () => {
    expect(() => new SmaCross({ fast: 30, slow: 10 })).toThrow(/fast < slow/);
  });
});

describe("other baselines", () => {
  it("buy-and-hold buys once on the first bar", () => {
    const d = decisions(createStrategy("buy-and-hold"), bars([5, 6, 7]));
    expect(d).toEqual([198, null, null]);
  });

  it("mean reversion enters below -entryZ and exits above -exitZ", () => {
    const d = decisions(createStrategy("mean-reversion", { window: 3, entryZ: 1, exitZ: 0 }), bars([10, 10, 10, 10, 7, 7, 9, 12]));
    const entry = d.findIndex((x) => x !== null && x > 0);
    expect(entry).toBe(4);
    expect(d.slice(entry + 1).includes(0)).toBe(true);
  });

  it("momentum goes long on a positive lookback return and flat when it turns", () => {
    const d = decisions(createStrategy("momentum", { lookback: 2, threshold: 0 }), bars([10, 10, 11, 12, 11, 10]));
    expect(d[2]).toBeCloseTo(990 / 11, 9);
    expect(d[4]).toBe(0); // 11 / 11 - 1 = 0 is not above the threshold
    expect(d[5]).toBeNull();
  });

  it("names the valid strategies when given an unknown one", () => {
    expect(() => createStrategy("rsi-magic")).toThrow(/buy-and-hold, sma-cross, momentum, mean-reversion/);
  });
});
