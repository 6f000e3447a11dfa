import { describe, expect, it } from "vitest";
import { evaluateCheckpoint } from "../../lib/app/build-evaluation";

describe("checkpoint evaluation with conformal intervals", () => {
  it("calibrates on validation, keeps adaptive coverage near nominal on test, and sizing never enlarges a target", async () => {
    const o = await evaluateCheckpoint({ model: "checkpoints/demo", conformal: { method: "adaptive", alpha: 0.1, sizing: { mode: "scale" } } });
    expect(o.validation.ts.length).toBeGreaterThan(10_000);
    expect(o.test.ts.length).toBe(o.testSized.ts.length);
    expect(Math.abs(o.test.conformal.totalCoverage - 0.9)).toBeLessThan(0.02);
    for (let i = 0; i < o.testSized.ts.length; i++) {
      expect(Math.abs(o.testSized.sizedTarget[i]!)).toBeLessThanOrEqual(Math.abs(o.testSized.target[i]!) + 1e-12);
    }
    // sizing off leaves the agent's targets untouched
    expect(Array.from(o.test.sizedTarget)).toEqual(Array.from(o.test.target));
    // the same inputs give the same run
    const again = await evaluateCheckpoint({ model: "checkpoints/demo", conformal: { method: "adaptive", alpha: 0.1, sizing: { mode: "scale" } } });
    expect(again.testSized.metrics.endEquity).toBe(o.testSized.metrics.endEquity);
  }, 120_000);
});
