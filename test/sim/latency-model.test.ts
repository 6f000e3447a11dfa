import { describe, expect, it } from "vitest";
import { latencySchema } from "../../lib/config/schemas/execution";
import type { Fill } from "../../lib/core/fill";
import { createLatencyModel, parseSeasonality } from "../../lib/sim/latency-model";
import { MatchingEngine } from "../../lib/sim/matching";
import { SeededRng } from "../../lib/sim/rng";
import { hourOfWeek } from "../../lib/sim/time";
import { MIN, T0, TEN_BARS, TOY, instruments, models } from "./fixtures";

const lat = (x: unknown) => latencySchema.parse(x);
const HOUR = 3_600_000;

describe("hour of week", () => {
  it("counts from Monday 00:00 UTC", () => {
    expect(hourOfWeek(T0)).toBe(0); // 2024-01-01 is a Monday
    expect(hourOfWeek(T0 + 59 * MIN)).toBe(0);
    expect(hourOfWeek(T0 + HOUR)).toBe(1);
    expect(hourOfWeek(T0 + 7 * 24 * HOUR - 1)).toBe(167);
    expect(hourOfWeek(0)).toBe(72); // 1970-01-01 was a Thursday
    expect(hourOfWeek(-HOUR)).toBe(71);
  });
});

describe("latency model", () => {
  const season = new Array<number>(168).fill(1);
  season[0] = 2;
  season[1] = 0.5;
  const seasonality = Float64Array.from(season);

  it("is zero and draws nothing when disabled", () => {
    const rng = new SeededRng(1);
    const m = createLatencyModel(lat({ enabled: false }), { rng });
    expect(m.sample(T0)).toBe(0);
    expect(rng.getState()).toEqual(new SeededRng(1).getState());
  });

  it("scales the base latency by the hour-of-week multiplier", () => {
    const m = createLatencyModel(lat({ baseMs: 50, jitter: 0, spikeProbability: 0 }), { rng: new SeededRng(1), seasonality });
    expect(m.sample(T0)).toBe(100);
    expect(m.sample(T0 + HOUR)).toBe(25);
    expect(m.sample(T0 + 2 * HOUR)).toBe(50);
  });

  it("adds the spike before the seasonal scaling", () => {
    const m = createLatencyModel(lat({ baseMs: 50, jitter: 0, spikeProbability: 1, spikeMs: 750 }), { rng: new SeededRng(1), seasonality });
    expect(m.sample(T0)).toBe(1600);
  });

  it("returns Infinity when every attempt times out", () => {
    const m = createLatencyModel(lat({ baseMs: 100, jitter: 0, spikeProbability: 1, spikeMs: 1000, timeoutMs: 500, retries: 2 }), { rng: new SeededRng(1) });
    expect(m.sample(T0)).toBe(Number.POSITIVE_INFINITY);
  });

  it("charges the timeout for each failed attempt before a retry succeeds (one normal + one uniform per attempt)", () => {
    const cfg = lat({ baseMs: 100, jitter: 0, spikeProbability: 0.5, spikeMs: 10_000, timeoutMs: 5000, retries: 5 });
    const m = createLatencyModel(cfg, { rng: new SeededRng(42) });
    const ref = new SeededRng(42);
    for (let k = 0; k < 50; k++) {
      let expected = Number.POSITIVE_INFINITY;
      let waited = 0;
      for (let a = 0; a <= 5; a++) {
        ref.normal();
        if (ref.next() >= 0.5) {
          expected = waited + 100;
          break;
        }
        waited += 5000;
      }
      expect(m.sample(T0)).toBe(expected);
    }
  });

  it("has a lognormal body with median baseMs and spikes at the configured rate", () => {
    const m = createLatencyModel(lat({ baseMs: 50, jitter: 0.35, spikeProbability: 0.05, spikeMs: 1000, timeoutMs: 1e6 }), { rng: new SeededRng(3) });
    const xs = Array.from({ length: 20_001 }, () => m.sample(T0));
    const body = xs.filter((x) => x < 800).sort((a, b) => a - b);
    expect(body[Math.floor(body.length / 2)]!).toBeGreaterThanOrEqual(49);
    expect(body[Math.floor(body.length / 2)]!).toBeLessThanOrEqual(51);
    expect((xs.length - body.length) / xs.length).toBeCloseTo(0.05, 2);
  });

  it("parses the 168-value seasonality file and rejects a wrong length", () => {
    expect(parseSeasonality({ meta: { source: "x" }, multipliers: season })[0]).toBe(2);
    expect(parseSeasonality(season).length).toBe(168);
    expect(() => parseSeasonality({ multipliers: [1, 2, 3] }, "s.json")).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
  });
});

describe("latency in a hand-worked 10-bar scenario", () => {
  function run(latencyMs: number): Fill {
    const cfg = {
      fees: { makerBps: 0, takerBps: 0 },
      slippage: { kind: "fixed", fixedBps: 0 },
      latency: { baseMs: latencyMs, jitter: 0, spikeProbability: 0, timeoutMs: 1e6 },
      fill: { intrabar: "ohlc-path", participationCap: 1 },
    };
    const fills: Fill[] = [];
    const e = new MatchingEngine(models(cfg, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN), { onFill: (f) => fills.push(f) });
    const c = TEN_BARS;
    for (let i = 0; i < c.length; i++) {
      e.onBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
      if (i === 2) e.submit({ clientOrderId: "x", symbol: "TOYUSDT", side: "buy", type: "market", qty: 1, timeInForce: "GTC" }, c.ts[i]! + MIN);
    }
    expect(fills).toHaveLength(1);
    return fills[0]!;
  }

  it("fills where the OHLC path is a quarter into the next bar after 15 s", () => {
    // bar 3: 102 -> 102.5 -> 100.5 -> 101 (down bar), path length 3; 0.25 * 3 = 0.75 -> 102.5 - 0.25
    const f = run(15_000);
    expect(f.ts).toBe(T0 + 3 * MIN + 15_000);
    expect(f.price).toBeCloseTo(102.25, 12);
    expect(f.requestedPrice).toBeCloseTo(102.25, 12);
    expect(f.latencyMs).toBe(15_000);
  });

  it("skips a whole bar when the delay is longer than a bar", () => {
    // arrives 10 s into bar 4: 101 -> 101.5 -> 99.5 -> 100, 1/6 * 3 = 0.5 -> the high 101.5
    const f = run(70_000);
    expect(f.ts).toBe(T0 + 4 * MIN + 10_000);
    expect(f.price).toBeCloseTo(101.5, 12);
    expect(f.latencyMs).toBe(70_000);
  });

  it("rejects an order whose every attempt times out with a retryable VENUE_TIMEOUT", () => {
    const cfg = { latency: { baseMs: 10_000, jitter: 0, spikeProbability: 0, timeoutMs: 5000, retries: 1 } };
    const e = new MatchingEngine(models(cfg, { instruments: instruments(TOY) }).forSymbol("TOYUSDT", MIN));
    const c = TEN_BARS;
    e.onBar(c.ts[0]!, c.open[0]!, c.high[0]!, c.low[0]!, c.close[0]!, c.volume[0]!);
    const r = e.submit({ clientOrderId: "x", symbol: "TOYUSDT", side: "buy", type: "market", qty: 1, timeInForce: "GTC" }, c.ts[0]! + MIN);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe("VENUE_TIMEOUT");
      expect(r.error.retryable).toBe(true);
    }
  });
});
