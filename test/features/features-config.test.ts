import { describe, expect, it } from "vitest";
import { dateToMs, envSchema, featuresSchema, splitsSchema } from "../../lib/config/schemas/features";

describe("features and env config schemas", () => {
  it("fill every default from an empty section", () => {
    const f = featuresSchema.parse({});
    expect(f.steps.map((s) => s.kind)).toEqual(["logReturns", "ewmaVol", "parkinsonVol", "garmanKlassVol", "rsi", "macd", "atr", "bollinger", "volumeZ", "relativeVolume", "barShape", "calendar"]);
    expect(f.normalise).toEqual({ kind: "meanstd", clip: 5 });
    expect(envSchema.parse({})).toEqual({
      episodeLength: 1024,
      randomOffsets: true,
      longOnly: false,
      initialCash: 10_000,
      maxPositionFraction: 1,
      rebalanceThreshold: 0,
      minEquityFraction: 0.5,
      reward: { turnoverPenalty: 0, drawdownPenalty: 0 },
    });
  });

  it("reject unknown keys and bad values with their key path", () => {
    const bad = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => r.error!.issues.map((i) => i.path.join("."));
    expect(bad(featuresSchema.safeParse({ steps: [{ kind: "rsi", perid: 3 }] }))).toEqual(["steps.0"]);
    expect(bad(featuresSchema.safeParse({ steps: [{ kind: "macd", fast: 30 }] }))).toEqual(["steps.0.fast"]);
    expect(bad(featuresSchema.safeParse({ steps: [{ kind: "logReturns", horizons: [1, 1] }] }))).toEqual(["steps.0.horizons"]);
    expect(bad(featuresSchema.safeParse({ normalise: { kind: "minmax" } }))).toEqual(["normalise.kind"]);
    expect(bad(envSchema.safeParse({ reward: { turnoverPenalty: -1 } }))).toEqual(["reward.turnoverPenalty"]);
    expect(bad(envSchema.safeParse({ episodeLenght: 5 }))).toEqual([""]);
  });

  it("accept ordered splits and refuse overlapping or impossible dates", () => {
    const ok = { train: { from: "2025-05-20", to: "2025-07-21" }, validation: { from: "2025-07-21", to: "2025-08-04" }, test: { from: "2025-08-04", to: "2025-08-19T12:00Z" } };
    expect(splitsSchema.safeParse(ok).success).toBe(true);
    expect(splitsSchema.safeParse({ ...ok, validation: { from: "2025-07-20", to: "2025-08-04" } }).success).toBe(false);
    expect(splitsSchema.safeParse({ ...ok, test: { from: "2025-08-04", to: "2025-02-30" } }).success).toBe(false);
    expect(dateToMs("2025-08-19T12:00Z")).toBe(Date.UTC(2025, 7, 19, 12));
    expect(dateToMs("2025-05-20")).toBe(Date.UTC(2025, 4, 20));
  });
});
