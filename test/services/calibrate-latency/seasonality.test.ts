import { describe, expect, it } from "vitest";
import { runLatencyCalibration } from "../../../lib/app/build-calibration";
import { fitSeasonality, seasonalityFile } from "../../../lib/services/calibrate-latency-seasonality";
import { loadSeasonality } from "../../../lib/sim/loaders";
import { parseSeasonality } from "../../../lib/sim/latency-model";
import { hourOfWeek } from "../../../lib/sim/time";

const MONDAY = Date.UTC(2025, 5, 2); // 2025-06-02 is a Monday
const MIN = 60_000;

function minuteBars(weeks: number, volumeAt: (how: number) => number, tradesAt?: (how: number) => number, keep: (how: number) => boolean = () => true) {
  const ts: number[] = [];
  const volume: number[] = [];
  const trades: number[] = [];
  for (let t = MONDAY; t < MONDAY + weeks * 7 * 86_400_000; t += MIN) {
    const h = hourOfWeek(t);
    if (!keep(h)) continue;
    ts.push(t);
    volume.push(volumeAt(h));
    trades.push(tradesAt ? tradesAt(h) : Number.NaN);
  }
  return { source: "mem/bars", ts: Float64Array.from(ts), volume: Float64Array.from(volume), trades: Float64Array.from(trades) };
}

describe("fitSeasonality", () => {
  it("gives each hour of the week 1 / its relative volume, normalised to mean 1, with index 0 = Monday 00:00 UTC", () => {
    const vol = (h: number) => 2 + Math.sin(h / 5);
    const fit = fitSeasonality(minuteBars(2, vol), { minBarsPerHour: 100 });
    const inv = Array.from({ length: 168 }, (_, h) => 1 / vol(h));
    const m = inv.reduce((a, b) => a + b, 0) / 168;
    for (let h = 0; h < 168; h++) expect(fit.multipliers[h]).toBeCloseTo(inv[h]! / m, 5);
    expect(fit.tradeCountProfile).toBeNull();
    expect(fit.filledHours).toEqual([]);
    expect(Array.from(fit.barsPerHour).every((n) => n === 120)).toBe(true);
  });

  it("combines volume and trade counts by a geometric mean when the bars carry counts", () => {
    const fit = fitSeasonality(minuteBars(1, (h) => (h === 10 ? 4 : 1), (h) => (h === 10 ? 1 : 4)), { minBarsPerHour: 60 });
    expect(fit.tradeCountProfile).not.toBeNull();
    // hour 10: 4x volume, 1/4 the trades -> the same activity as every other hour
    expect(fit.multipliers[10]).toBeCloseTo(fit.multipliers[11]!, 9);
    expect(fit.method).toMatch(/volume and trade count/);
  });

  it("fills hours without enough bars with the thinnest estimated hour and lists them", () => {
    const weekdays = (h: number) => h < 120;
    const fit = fitSeasonality(minuteBars(1, (h) => 1 + (h % 24), undefined, weekdays), { minBarsPerHour: 60 });
    expect(fit.filledHours).toEqual(Array.from({ length: 48 }, (_, i) => 120 + i));
    const maxWeekday = Math.max(...Array.from(fit.multipliers.subarray(0, 120)));
    expect(fit.multipliers[150]).toBe(maxWeekday);
    const file = seasonalityFile(fit, "2026-01-01T00:00:00.000Z", 60);
    expect(file.meta["filled_hours"]).toHaveLength(48);
    expect(parseSeasonality(file)).toHaveLength(168);
  });

  it("refuses an empty window, too short a window and a negative volume, naming the row", () => {
    expect(() => fitSeasonality({ source: "mem/bars", ts: new Float64Array(0), volume: new Float64Array(0) })).toThrow("mem/bars: no bars in the requested window");
    expect(() => fitSeasonality(minuteBars(1, () => 1), { minBarsPerHour: 61 })).toThrow(/no hour of the week has 61 bars/);
    const b = minuteBars(1, () => 1);
    b.volume[5] = -1;
    expect(() => fitSeasonality(b)).toThrow(/mem\/bars row 6 \(2025-06-02T00:05:00.000Z\): volume -1/);
  });

  it("reproduces the shipped data/latency file from the BTCUSDT 1m volume, with source, range and hash", async () => {
    const o = await runLatencyCalibration({ journal: "", streamSymbol: "", seasonalitySymbol: "BTCUSDT", dryRun: true });
    const shipped = loadSeasonality("data/latency/liquidity_latency_seasonality.json");
    expect(Array.from(o.seasonality!.multipliers)).toEqual(Array.from(shipped));
    const file = seasonalityFile(o.seasonality!, "2026-01-01T00:00:00.000Z", 30);
    expect(file.meta).toMatchObject({ source: "bars venue=binance symbol=BTCUSDT timeframe=1m", range: { first: "2025-05-20T00:00:00.000Z", last: "2025-08-18T18:27:00.000Z", bars: 130_708 }, trade_counts: false });
    expect(file.meta["hash"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(o.seasonalityPath).toBeUndefined();
  });
});
