import * as tf from "@tensorflow/tfjs";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PpoTrainer } from "../../lib/rl/trainer";
import { setupTf } from "./tf-setup";
import { evaluateToy } from "./toy-env";
import { TOY_EPISODE, toyTrainerOptions } from "./trainer-helpers";

const root = mkdtempSync(join(tmpdir(), "tradelab-rl-trainer-"));
beforeAll(setupTf);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const optimalReturn = evaluateToy(50, TOY_EPISODE, 9000, (obs) => obs[0]!);

describe("PPO trainer", () => {
  it("learns the trend toy env to within 5% of the optimal return in 30 updates (15,360 env steps)", async () => {
    const t = new PpoTrainer(toyTrainerOptions());
    const policy0 = t.learner.snapshot();
    const before = evaluateToy(50, TOY_EPISODE, 9000, (obs) => policy0.act(obs)[0]!);
    const summary = await t.train(30 * 512);
    expect(summary.steps).toBe(30 * 512);
    const policy = t.learner.snapshot();
    const after = evaluateToy(50, TOY_EPISODE, 9000, (obs) => policy.act(obs)[0]!);
    expect(optimalReturn).toBeGreaterThan(20);
    expect(before).toBeLessThan(0.5 * optimalReturn);
    expect(after).toBeGreaterThanOrEqual(0.95 * optimalReturn);
    t.dispose();
  });

  it("does not leak tensors across training iterations", async () => {
    const t = new PpoTrainer(toyTrainerOptions({ ppo: { valueClip: 0.2, cvar: { alpha: 0.25, weight: 0.5 } }, optimizer: { kind: "adaptiveUpgd" } }));
    await t.train(6 * 512, 1);
    const after1 = tf.memory().numTensors;
    await t.train(6 * 512, 5);
    expect(tf.memory().numTensors).toBe(after1);
    t.dispose();
  });

  it("resumes from a checkpoint bit for bit (optimizer, VGS, RNG and return-normaliser state included)", async () => {
    const cfg = {
      ppo: { rolloutSteps: 32, epochs: 2, valueClip: 0.5, cvar: { alpha: 0.25, weight: 0.3 }, entropyCoef: 0.001 },
      optimizer: { kind: "adaptiveUpgd", noiseStd: 0.01, secondOrder: true },
      training: { checkpointEveryUpdates: 2 },
    };
    const total = 4 * 256;
    const straight = new PpoTrainer({ ...toyTrainerOptions(cfg), outDir: join(root, "straight") });
    await straight.train(total);
    const want = straight.learner.params();

    const first = new PpoTrainer({ ...toyTrainerOptions(cfg), outDir: join(root, "interrupted") });
    await first.train(total, 2); // stops after update 2, whose checkpoint is <out>/last
    first.dispose();
    const resumed = new PpoTrainer({ ...toyTrainerOptions(cfg), outDir: join(root, "resumed"), resumeFrom: join(root, "interrupted", "last") });
    expect(resumed.updates).toBe(2);
    await resumed.train(total);
    const got = resumed.learner.params();
    expect(got.length).toBe(want.length);
    expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
    straight.dispose();
    resumed.dispose();
  });

  it("evaluates the deterministic policy, keeps the best checkpoint by the validation metric and logs JSONL metrics", async () => {
    const out = join(root, "best");
    let calls = 0;
    const scores = [0.5, 2.0, 1.0];
    const t = new PpoTrainer({
      ...toyTrainerOptions({ training: { evalEveryUpdates: 1, checkpointEveryUpdates: 0, keepBest: { metric: "sharpe" } } }),
      outDir: out,
      evaluator: (policy) => {
        expect(policy.act(Float32Array.of(1, 0)).length).toBe(1);
        return { sharpe: scores[calls++]!, totalReturn: 0 };
      },
    });
    const summary = await t.train(3 * 512);
    expect(calls).toBe(3);
    expect(summary.bestMetric).toBe(2.0);
    expect(summary.bestUpdate).toBe(2);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.training.updates).toBe(2);
    expect(manifest.metrics.validation.sharpe).toBe(2.0);
    const last = JSON.parse(readFileSync(join(out, "last", "manifest.json"), "utf8"));
    expect(last.training.updates).toBe(3);
    const lines = readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.update)).toEqual([1, 2, 3]);
    for (const l of lines) {
      expect(Number.isFinite(l.stats.valueLoss)).toBe(true);
      expect(Number.isFinite(l.stats.approxKl)).toBe(true);
      expect(l.eval.sharpe).toBeDefined();
    }
    t.dispose();
  });
});
