import { describe, expect, it } from "vitest";
import { computeGae, explainedVariance, nextValuesFor } from "../../lib/rl/gae";

describe("GAE", () => {
  // 2 envs x 5 steps, time-major rows (t * 2 + env). gamma 0.9, lambda 0.8 (gamma * lambda = 0.72).
  // env 0: terminated at t=1, truncated at t=3 (final observation worth 10), bootstrap 7 after t=4.
  // env 1: rewards 1, values 0, no episode end, bootstrap 0.
  const steps = 5;
  const numEnvs = 2;
  const interleave = (a: number[], b: number[]): number[] => a.flatMap((x, i) => [x, b[i]!]);
  const rewards = interleave([1, 2, 3, 4, 5], [1, 1, 1, 1, 1]);
  const values = interleave([0.5, 1.0, 1.5, 2.0, 2.5], [0, 0, 0, 0, 0]);
  const terminated = Uint8Array.from(interleave([0, 1, 0, 0, 0], [0, 0, 0, 0, 0]));
  const truncated = Uint8Array.from(interleave([0, 0, 0, 1, 0], [0, 0, 0, 0, 0]));
  const finalValues = interleave([0, 0, 0, 10, 0], [0, 0, 0, 0, 0]);
  const lastValues = [7, 0];

  it("builds next values from the following step, the truncation's final observation and the bootstrap", () => {
    const next = new Float64Array(10);
    nextValuesFor(values, lastValues, finalValues, truncated, numEnvs, steps, next);
    expect(Array.from(next)).toEqual(interleave([1.0, 1.5, 2.0, 10, 7], [0, 0, 0, 0, 0]));
  });

  it("matches the hand-computed 5-step example with a termination and a truncation", () => {
    const next = new Float64Array(10);
    nextValuesFor(values, lastValues, finalValues, truncated, numEnvs, steps, next);
    const adv = new Float64Array(10);
    const ret = new Float64Array(10);
    computeGae({ rewards, values, nextValues: next, terminated, truncated, numEnvs, steps, gamma: 0.9, lambda: 0.8 }, adv, ret);
    // env 0: deltas 1.4, 1.0 (terminal: no bootstrap), 3.3, 11.0 (bootstraps 0.9 * 10), 8.8 (0.9 * 7)
    // A4 = 8.8; A3 = 11 (episode ends); A2 = 3.3 + 0.72 * 11 = 11.22; A1 = 1.0 (episode ends); A0 = 1.4 + 0.72 * 1 = 2.12
    const a0 = [2.12, 1.0, 11.22, 11.0, 8.8];
    // env 1: deltas all 1: A4 = 1, A_t = 1 + 0.72 A_{t+1}
    const a1 = [2.88038656, 2.611648, 2.2384, 1.72, 1];
    const want = interleave(a0, a1);
    want.forEach((w, i) => expect(adv[i]).toBeCloseTo(w, 10));
    want.forEach((w, i) => expect(ret[i]).toBeCloseTo(w + values[i]!, 10));
  });

  it("treats a step that is both terminated and truncated as terminated (no bootstrap)", () => {
    const adv = new Float64Array(1);
    const ret = new Float64Array(1);
    computeGae({ rewards: [1], values: [0.5], nextValues: [100], terminated: Uint8Array.of(1), truncated: Uint8Array.of(1), numEnvs: 1, steps: 1, gamma: 0.99, lambda: 0.95 }, adv, ret);
    expect(adv[0]).toBeCloseTo(0.5, 12);
  });
});

describe("explained variance", () => {
  it("is 1 for a perfect prediction and 0 for a constant one", () => {
    expect(explainedVariance([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(explainedVariance([2, 2, 2], [1, 2, 3])).toBeCloseTo(0, 12);
  });
});
