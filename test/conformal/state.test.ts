import { describe, expect, it } from "vitest";
import { conformalSchema } from "../../lib/config/schemas/conformal";
import { ConformalPredictor } from "../../lib/conformal/predictor";
import { parseConformalState } from "../../lib/conformal/state";
import { TradelabError } from "../../lib/core/errors";
import { SeededRng } from "../../lib/sim/rng";

const config = conformalSchema.parse({ enabled: true, method: "adaptive", calibrationWindow: 300, coverageWindow: 100, gamma: 0.01, sizing: { mode: "scale" } });

function drive(p: ConformalPredictor, rng: SeededRng, steps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < steps; i++) {
    const m = 0.1 * rng.normal();
    const iv = p.interval(m - 1, m + 1);
    out.push(iv.lo, iv.hi, p.size(0.5, iv).target);
    p.observe(m - 1, m + 1, (1 + (i % 200 < 100 ? 0 : 1)) * rng.normal());
  }
  return out;
}

describe("conformal state", () => {
  it("round-trips through JSON and continues bit-identically", () => {
    const a = new ConformalPredictor(config);
    drive(a, new SeededRng(1), 1000);
    const saved = JSON.parse(JSON.stringify(a.toJSON()));
    expect(saved.format).toBe("tradelab.conformal-state");
    expect(saved.scores).toHaveLength(300);
    const b = ConformalPredictor.fromJSON(saved);
    expect(b.toJSON()).toEqual(a.toJSON());
    expect(b.currentAlpha).toBe(a.currentAlpha);
    expect(b.metrics()).toEqual(a.metrics());
    expect(drive(b, new SeededRng(2), 500)).toEqual(drive(a, new SeededRng(2), 500));
    expect(b.metrics()).toEqual(a.metrics());
  });

  it("keeps infinite warm-up widths through JSON as null", () => {
    const a = new ConformalPredictor(config);
    drive(a, new SeededRng(3), 5);
    const saved = JSON.parse(JSON.stringify(a.toJSON()));
    expect(saved.coverage.widths).toEqual([null, null, null, null, null]);
    expect(ConformalPredictor.fromJSON(saved).metrics().rollingInfinite).toBe(5);
  });

  it("lets a new config win: newest scores that fit, alpha_t reset when alpha changes", () => {
    const a = new ConformalPredictor(config);
    drive(a, new SeededRng(4), 800);
    const saved = a.toJSON();
    const same = ConformalPredictor.fromJSON(saved, { ...config, calibrationWindow: 100 });
    expect(same.calibrationSize).toBe(100);
    expect(same.toJSON().scores).toEqual(saved.scores.slice(-100));
    expect(same.currentAlpha).toBe(a.currentAlpha);
    const other = ConformalPredictor.fromJSON(saved, { ...config, alpha: 0.05 });
    expect(other.currentAlpha).toBe(0.05);
  });

  it("rejects corrupt state naming the key path", () => {
    const good = new ConformalPredictor(config).toJSON();
    const bad = (v: unknown, path: string) => {
      try {
        parseConformalState(v, "checkpoints/x/conformal.json");
        throw new Error("expected a STATE_CORRUPT error");
      } catch (e) {
        expect(e).toBeInstanceOf(TradelabError);
        expect((e as TradelabError).code).toBe("STATE_CORRUPT");
        expect((e as Error).message).toContain("checkpoints/x/conformal.json");
        expect((e as Error).message).toContain(path);
      }
    };
    bad({ ...good, scores: [0.1, null] }, "scores.1");
    bad({ ...good, version: 2 }, "version");
    bad({ ...good, config: { ...good.config, alpha: 2 } }, "config.alpha");
    bad({ ...good, extra: 1 }, "(root)");
    bad({ ...good, coverage: { ...good.coverage, hits: [1], widths: [] } }, "coverage.widths");
    bad({ ...good, scores: new Array(301).fill(0) }, "scores");
    bad({ ...good, pending: [{ lo: 0, hi: 1, qhat: "inf" }] }, "pending.0.qhat");
    bad({ ...good, pending: [{ lo: 0, hi: 1, qhat: 0 }, { lo: 0, hi: 1, qhat: 0 }] }, "pending"); // horizon 1
  });
});
