import { describe, expect, it } from "vitest";
import { ppoSchema } from "../../lib/config/schemas/ppo";
import { actorCriticLayout, actorCriticSpec, initActorCritic } from "../../lib/rl/actor-critic";
import { PolicySnapshot, squash, squashLogDet, squashedLogProb } from "../../lib/rl/policy";
import { SeededRng } from "../../lib/sim/rng";

describe("squashed Gaussian policy", () => {
  for (const kind of ["tanh", "sigmoid"] as const) {
    it(`uses log |d squash/du| for ${kind} (matches a numerical derivative, finite for large |u|)`, () => {
      for (const u of [-3, -0.7, 0, 0.4, 2.5]) {
        const h = 1e-6;
        const d = (squash(u + h, kind) - squash(u - h, kind)) / (2 * h);
        expect(squashLogDet(u, kind)).toBeCloseTo(Math.log(d), 5);
      }
      expect(Number.isFinite(squashLogDet(60, kind))).toBe(true);
      expect(Number.isFinite(squashLogDet(-60, kind))).toBe(true);
    });

    it(`gives a ${kind}-squashed action density that integrates to 1 over the action range`, () => {
      const [lo, hi] = kind === "tanh" ? [-1, 1] : [0, 1];
      const inv = (a: number): number => (kind === "tanh" ? Math.atanh(a) : Math.log(a / (1 - a)));
      const n = 200_000;
      const da = (hi - lo) / n;
      let total = 0;
      for (let k = 0; k < n; k++) {
        const a = lo + (k + 0.5) * da;
        total += Math.exp(squashedLogProb(inv(a), 0.3, -0.4, kind)) * da;
      }
      expect(total).toBeCloseTo(1, 3);
    });
  }

  it("samples within the action range and acts deterministically with squash(mean)", () => {
    const ppo = ppoSchema.parse({ longOnly: true, policyHidden: [8] });
    const layout = actorCriticLayout(actorCriticSpec(ppo, 3, 1));
    const params = initActorCritic(layout, new SeededRng(1));
    const p = new PolicySnapshot(layout, params, 4);
    const obs = Float32Array.from([0.1, -0.2, 0.3, 1, 2, 3, -1, 0, 1, 0.5, 0.5, 0.5]);
    const raw = new Float32Array(4);
    const act = new Float32Array(4);
    p.actStochastic(obs, 4, new SeededRng(2), raw, act);
    act.forEach((a, i) => {
      expect(a).toBeGreaterThanOrEqual(0);
      expect(a).toBeLessThanOrEqual(1);
      expect(a).toBe(Math.fround(squash(raw[i]!, "sigmoid")));
    });
    const det = new Float32Array(4);
    p.actDeterministic(obs, 4, det);
    const means = new Float64Array(4);
    p.meanInto(obs, 4, means);
    det.forEach((a, i) => expect(a).toBe(Math.fround(squash(means[i]!, "sigmoid"))));
    expect(p.act(obs.subarray(0, 3))[0]).toBe(det[0]);
  });
});
