import { describe, expect, it } from "vitest";
import { drawdownSeries, equityFigure, rollingSharpe } from "../../lib/plot/performance";
import { candlesFigure } from "../../lib/plot/candles";
import { hourOfWeekHeatmap, panelsFigure } from "../../lib/plot/charts";
import { barColumnsFromBars } from "../../lib/core/bar";

describe("plot builders", () => {
  it("computes drawdown in percent from the running peak", () => {
    const dd = drawdownSeries([100, 110, 99, 121, 60.5]);
    const expected = [0, 0, -10, 0, -50];
    expected.forEach((v, i) => expect(dd[i]).toBeCloseTo(v, 12));
  });

  it("computes a rolling Sharpe that matches a hand calculation", () => {
    // window 3 over returns [0.01, 0.02, 0.03]: mean 0.02, sample std 0.01 -> 2 per period, x sqrt(4) = 4
    const rs = rollingSharpe([0.01, 0.02, 0.03, 0.03], 3, 4);
    expect(Number.isNaN(rs[0]!)).toBe(true);
    expect(rs[2]).toBeCloseTo(4, 9);
    // [0.02, 0.03, 0.03]: mean 0.026667, sample std 0.0057735 -> 4.6188 per period, x2
    expect(rs[3]).toBeCloseTo((0.08 / 3 / Math.sqrt(((0.02 - 0.08 / 3) ** 2 + 2 * (0.03 - 0.08 / 3) ** 2) / 2)) * 2, 9);
  });

  it("rebases equity and benchmark to 1 and keeps them aligned", () => {
    const fig = equityFigure([0, 60_000, 120_000], [100, 110, 120], [200, 180, 240]);
    expect(fig.data).toHaveLength(2);
    expect(fig.data[0]!["y"]).toEqual([1, 1.1, 1.2]);
    expect(fig.data[1]!["y"]).toEqual([1, 0.9, 1.2]);
    expect(fig.data[0]!["x"]).toEqual(["1970-01-01T00:00:00.000", "1970-01-01T00:01:00.000", "1970-01-01T00:02:00.000"]);
  });

  it("puts buy and sell markers on separate traces at their prices", () => {
    const bars = barColumnsFromBars([
      { ts: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 },
      { ts: 60_000, open: 1.5, high: 2, low: 1, close: 1.2, volume: 5 },
    ]);
    const fig = candlesFigure(bars, { markers: [{ ts: 60_000, price: 1.5, side: "buy", qty: 2 }, { ts: 60_000, price: 1.2, side: "sell" }] });
    const types = fig.data.map((t) => `${t.type}:${String(t["name"])}`);
    expect(types).toEqual(["candlestick:price", "scatter:buys", "scatter:sells", "bar:volume"]);
    expect(fig.data[1]!["y"]).toEqual([1.5]);
  });

  it("lays 168 hour-of-week values out as 7 days x 24 hours starting Monday 00:00", () => {
    const v = Array.from({ length: 168 }, (_, i) => i);
    const fig = hourOfWeekHeatmap("x", v);
    const z = fig.data[0]!["z"] as number[][];
    expect(z).toHaveLength(7);
    expect(z[0]![0]).toBe(0);
    expect(z[1]![0]).toBe(24);
    expect(z[6]![23]).toBe(167);
    expect(() => hourOfWeekHeatmap("x", [1, 2])).toThrow(/168/);
  });

  it("stacks panels on separate y axes", () => {
    const fig = panelsFigure("learning", [1, 2], { a: [1, 2], b: [3, Number.NaN] });
    expect(fig.data[1]!["yaxis"]).toBe("y2");
    expect(fig.data[1]!["y"]).toEqual([3, null]);
  });
});
