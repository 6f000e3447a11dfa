import { describe, expect, it } from "vitest";
import { calibrateLatencyFromStream, type StreamTimes } from "../../../lib/services/calibrate-latency";
import { SeededRng } from "../../../lib/sim/rng";

const T0 = Date.UTC(2024, 7, 8, 23, 54);

/** A recording with a known clock offset and drift: recv = E + offset + drift * t + L, L ~ 20 exp(0.2 Z) ms. */
function recording(n: number, driftMsPerHour: number, offsetMs = -1273): { s: StreamTimes; latency: Float64Array } {
  const rng = new SeededRng(17);
  const tradeTs = new Float64Array(n);
  const eventTs = new Float64Array(n);
  const recvTs = new Float64Array(n);
  const latency = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    eventTs[i] = T0 + i * 30;
    tradeTs[i] = eventTs[i]! - 1;
    latency[i] = 20 * Math.exp(0.2 * rng.normal());
    recvTs[i] = eventTs[i]! + offsetMs + (driftMsPerHour * (eventTs[i]! - T0)) / 3_600_000 + latency[i]!;
  }
  return { s: { source: "mem/trades.parquet", tradeTs, eventTs, recvTs }, latency };
}

describe("calibrateLatencyFromStream (unsynced recorder clock)", () => {
  it("measures the clock drift, the venue-internal delay and the delay above the floor without claiming an absolute latency", () => {
    const { s, latency } = recording(20_000, 60);
    const r = calibrateLatencyFromStream(s);
    expect(r.fit).toBeNull();
    expect(Math.abs(r.driftMsPerHour / 60 - 1)).toBeLessThan(0.1);
    expect(r.exchangeDelay.p50).toBe(1);
    expect(r.exchangeDelay.over100ms).toBe(0);
    // the floor is offset + the fastest transit: about -1273 + min(L)
    const minL = latency.reduce((m, v) => Math.min(m, v), Infinity);
    expect(Math.abs(r.offsetMs - (-1273 + minL))).toBeLessThan(1.5);
    const sorted = Float64Array.from(latency).sort();
    expect(Math.abs(r.relative.p50 - (sorted[10_000]! - minL))).toBeLessThan(1.5);
    expect(r.interArrivalJitterMs).toBeGreaterThan(2);
    expect(r.interArrivalJitterMs).toBeLessThan(6);
  });

  it("fits the lognormal once the level is pinned by an assumed median, recovering the jitter within 5%", () => {
    const { s } = recording(20_000, 60);
    const r = calibrateLatencyFromStream(s, { baseMs: 20 });
    expect(r.fit!.baseMs).toBeCloseTo(20, 0);
    expect(Math.abs(r.fit!.jitter / 0.2 - 1)).toBeLessThan(0.05);
    expect(r.fit!.spikeProbability).toBeLessThan(0.01);
  });

  it("refuses an assumed median below the measured delay above the floor, and names a row with a missing receive time", () => {
    const { s } = recording(2000, 0);
    expect(() => calibrateLatencyFromStream(s, { baseMs: 1 })).toThrow(/assumed base latency 1 ms is not above the median delay over the floor/);
    s.recvTs[7] = Number.NaN;
    expect(() => calibrateLatencyFromStream(s)).toThrow("mem/trades.parquet row 8: trade, event or receive time missing");
  });
});
