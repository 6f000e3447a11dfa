import { describe, expect, it } from "vitest";
import { conformalSizingSchema, type ConformalSizingConfig } from "../../lib/config/schemas/conformal";
import { CoverageTracker } from "../../lib/conformal/coverage";
import { referenceWidth, sizeByWidth, sizeTarget, standAside, widthScale } from "../../lib/conformal/sizing";

const sizing = (over: Record<string, unknown> = {}): ConformalSizingConfig => conformalSizingSchema.parse(over);

describe("widthScale", () => {
  it("computes the inverse, linear and exponential scales by hand", () => {
    expect(widthScale(2, "inverse", 1, 0)).toBe(0.5);
    expect(widthScale(4, "inverse", 0.5, 0)).toBe(0.5);
    expect(widthScale(2, "linear", 0.5, 0)).toBe(0.5);
    expect(widthScale(2, "exponential", Math.LN2, 0)).toBeCloseTo(0.5, 15);
  });

  it("never scales up and never goes below minScale", () => {
    expect(widthScale(0.5, "inverse", 1, 0)).toBe(1);
    expect(widthScale(0, "inverse", 1, 0)).toBe(1);
    expect(widthScale(4, "linear", 0.5, 0.1)).toBe(0.1); // 1 - 1.5 < 0
    expect(widthScale(Number.POSITIVE_INFINITY, "inverse", 1, 0.2)).toBe(0.2);
    expect(widthScale(Number.POSITIVE_INFINITY, "exponential", 1, 0)).toBe(0);
  });
});

describe("sizeTarget", () => {
  it("passes targets through unchanged when sizing is off (the default)", () => {
    const cfg = sizing();
    expect(cfg.mode).toBe("off");
    expect(sizeTarget(0.7, { lo: -1, hi: 1 }, 0.01, cfg)).toEqual({ target: 0.7, scale: 1, reason: "off" });
    expect(sizeTarget(-0.3, { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY }, Number.NaN, cfg).target).toBe(-0.3);
  });

  it("scales a long and a short by width relative to the reference", () => {
    const cfg = sizing({ mode: "scale" });
    expect(sizeTarget(0.8, { lo: -0.01, hi: 0.01 }, 0.01, cfg)).toEqual({ target: 0.4, scale: 0.5, reason: "scaled" });
    expect(sizeTarget(-0.8, { lo: -0.01, hi: 0.01 }, 0.01, cfg)).toEqual({ target: -0.4, scale: 0.5, reason: "scaled" });
    expect(sizeTarget(0.8, { lo: -0.002, hi: 0.003 }, 0.01, cfg)).toEqual({ target: 0.8, scale: 1, reason: "scaled" });
  });

  it("sizes to minScale without a proper interval or without a reference", () => {
    const cfg = sizing({ mode: "scale", minScale: 0.25 });
    const inf = { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY };
    expect(sizeByWidth(1, inf, 0.01, cfg)).toEqual({ target: 0.25, scale: 0.25, reason: "no-interval" });
    expect(sizeByWidth(1, { lo: 0.2, hi: 0.1 }, 0.01, cfg).reason).toBe("no-interval");
    expect(sizeByWidth(1, { lo: -0.01, hi: 0.01 }, Number.NaN, cfg)).toEqual({ target: 0.25, scale: 0.25, reason: "no-reference" });
    expect(sizeByWidth(0, inf, 0.01, cfg)).toEqual({ target: 0, scale: 1, reason: "flat" });
  });

  it("stands aside when the interval includes zero edge, on either side", () => {
    const cfg = sizing({ mode: "stand-aside" });
    expect(sizeTarget(1, { lo: 0.001, hi: 0.02 }, Number.NaN, cfg)).toEqual({ target: 1, scale: 1, reason: "kept" });
    expect(sizeTarget(1, { lo: -0.001, hi: 0.02 }, Number.NaN, cfg)).toEqual({ target: 0, scale: 0, reason: "stand-aside" });
    expect(sizeTarget(1, { lo: -0.03, hi: -0.01 }, Number.NaN, cfg).reason).toBe("stand-aside"); // wrong side entirely
    expect(sizeTarget(-0.5, { lo: -0.02, hi: -0.002 }, Number.NaN, cfg)).toEqual({ target: -0.5, scale: 1, reason: "kept" });
    expect(sizeTarget(-0.5, { lo: -0.02, hi: 0.001 }, Number.NaN, cfg)).toEqual({ target: 0, scale: 0, reason: "stand-aside" });
  });

  it("requires the worst case to clear minEdge in stand-aside mode", () => {
    expect(standAside(1, { lo: 0.002, hi: 0.01 }, 0.003).reason).toBe("stand-aside");
    expect(standAside(1, { lo: 0.004, hi: 0.01 }, 0.003).reason).toBe("kept");
    expect(standAside(-1, { lo: -0.01, hi: -0.004 }, 0.003).reason).toBe("kept");
    expect(standAside(1, { lo: Number.NEGATIVE_INFINITY, hi: Number.POSITIVE_INFINITY }, 0).reason).toBe("no-interval");
  });

  it("throws on a non-finite target", () => {
    expect(() => sizeTarget(Number.NaN, { lo: 0, hi: 1 }, 1, sizing())).toThrow();
  });
});

describe("reference width", () => {
  it("reads the rolling median, rolling mean or fixed width", () => {
    const t = new CoverageTracker(10);
    for (const w of [1, 2, 9, Number.POSITIVE_INFINITY]) t.record(true, w);
    expect(referenceWidth(sizing({ reference: "rolling-median" }), t)).toBe(2);
    expect(referenceWidth(sizing({ reference: "rolling-mean" }), t)).toBe(4);
    expect(referenceWidth(sizing({ reference: "fixed", referenceWidth: 0.02 }), t)).toBe(0.02);
    expect(referenceWidth(sizing(), new CoverageTracker(5))).toBeNaN();
  });

  it("requires referenceWidth for a fixed reference", () => {
    expect(conformalSizingSchema.safeParse({ reference: "fixed" }).success).toBe(false);
  });
});

describe("sizing scale steps", () => {
  it("rounds the scale down to the configured step so small width changes do not resize every bar", async () => {
    const { conformalSizingSchema } = await import("../../lib/config/schemas/conformal");
    const { sizeByWidth } = await import("../../lib/conformal/sizing");
    const cfg = conformalSizingSchema.parse({ mode: "scale", scaleFunction: "inverse", strength: 1 });
    expect(cfg.scaleStep).toBe(0.25);
    // width 1.6 x reference -> raw scale 0.625 -> 0.5
    expect(sizeByWidth(1, { lo: 0, hi: 1.6 }, 1, cfg).scale).toBe(0.5);
    expect(sizeByWidth(1, { lo: 0, hi: 1.7 }, 1, cfg).scale).toBe(0.5);
    // narrower than the reference never levers up
    expect(sizeByWidth(1, { lo: 0, hi: 0.5 }, 1, cfg).scale).toBe(1);
    const cont = conformalSizingSchema.parse({ mode: "scale", scaleStep: 0 });
    expect(sizeByWidth(1, { lo: 0, hi: 1.6 }, 1, cont).scale).toBeCloseTo(0.625, 12);
  });
});

describe("held sizing", () => {
  it("keeps the scale while the target stays put and recomputes when it moves or flips", async () => {
    const { HeldSizing } = await import("../../lib/conformal/sizing");
    const h = new HeldSizing(0.25);
    let calls = 0;
    const fresh = (scale: number) => () => {
      calls++;
      return { target: 0, scale, reason: "scaled" as const };
    };
    expect(h.size(0.8, fresh(0.5)).target).toBeCloseTo(0.4, 12);
    expect(h.size(0.9, fresh(1)).target).toBeCloseTo(0.45, 12); // moved 0.1 < 0.25: scale 0.5 held
    expect(h.size(0.9, fresh(1)).reason).toBe("held");
    expect(calls).toBe(1);
    expect(h.size(0.4, fresh(1)).target).toBeCloseTo(0.4, 12); // moved 0.4: recomputed
    expect(h.size(-0.4, fresh(0.25)).target).toBeCloseTo(-0.1, 12); // flipped side: recomputed
    expect(h.size(0, fresh(0.25))).toEqual({ target: 0, scale: 1, reason: "flat" });
    expect(calls).toBe(3);
  });
});
