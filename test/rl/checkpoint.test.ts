import * as tf from "@tensorflow/tfjs";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTradelabError } from "../../lib/core/errors";
import { loadCheckpoint, loadPolicy, readManifest } from "../../lib/rl/checkpoint";
import { fileIOHandler } from "../../lib/rl/fs-io";
import { PpoTrainer } from "../../lib/rl/trainer";
import { SeededRng } from "../../lib/sim/rng";
import { setupTf } from "./tf-setup";
import { toyTrainerOptions } from "./trainer-helpers";

const root = mkdtempSync(join(tmpdir(), "tradelab-rl-ckpt-"));
let backend = "";
let trainer: PpoTrainer;
const dir = join(root, "ckpt");

beforeAll(async () => {
  backend = await setupTf();
  trainer = new PpoTrainer({ ...toyTrainerOptions({ ppo: { longOnly: false } }), backend });
  await trainer.train(2 * 512);
  await trainer.save(dir, { sharpe: 1.25 }, { test: { buyAndHold: 0.1 } });
});
afterAll(() => {
  trainer.dispose();
  rmSync(root, { recursive: true, force: true });
});

function randomObs(n: number): Float32Array {
  const rng = new SeededRng(99);
  return Float32Array.from({ length: n * 2 }, () => rng.normal());
}

describe("checkpoint", () => {
  it("writes model.json + weights.bin, critic, optimizer state and a manifest with version, schema hash and backend", () => {
    const m = readManifest(dir);
    expect(m.formatVersion).toBe(1);
    expect(m.observation.featureSchemaHash).toBe("toy-schema-1");
    expect(m.backend).toBe(backend);
    expect(m.action).toEqual({ size: 1, low: -1, high: 1, squash: "tanh" });
    expect(m.training.updates).toBe(2);
    expect(m.metrics).toMatchObject({ validation: { sharpe: 1.25 }, test: { buyAndHold: 0.1 } });
    const model = JSON.parse(readFileSync(join(dir, "model.json"), "utf8"));
    expect(model.weightsManifest[0].paths).toEqual(["weights.bin"]);
  });

  it("round-trips to bit-identical deterministic actions", () => {
    const obs = randomObs(64);
    const before = new Float32Array(64);
    trainer.learner.snapshot(64).actDeterministic(obs, 64, before);
    const { policy } = loadPolicy(dir, { featureSchemaHash: "toy-schema-1" });
    const after = new Float32Array(64);
    policy.actDeterministic(obs, 64, after);
    expect(Buffer.from(after.buffer).equals(Buffer.from(before.buffer))).toBe(true);
  });

  it("restores every parameter (policy, log-std, both critics) exactly", () => {
    const c = loadCheckpoint(dir);
    expect(Buffer.from(c.params.buffer).equals(Buffer.from(trainer.learner.params().buffer))).toBe(true);
    expect(c.training).not.toBeNull();
  });

  it("is a standard tfjs Layers model: tf.loadLayersModel gives the policy mean", async () => {
    const model = await tf.loadLayersModel(fileIOHandler(dir));
    const obs = randomObs(8);
    const want = new Float64Array(8);
    trainer.learner.snapshot().meanInto(obs, 8, want);
    const got = tf.tidy(() => Array.from((model.predict(tf.tensor2d(obs, [8, 2])) as tf.Tensor).dataSync()));
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 5));
    model.dispose();
  });

  it("refuses a checkpoint trained on another feature schema", () => {
    expect(() => loadPolicy(dir, { featureSchemaHash: "other" })).toThrow(/feature schema/);
    try {
      loadPolicy(dir, { featureSchemaHash: "other" });
    } catch (e) {
      expect(isTradelabError(e) && e.code).toBe("SCHEMA_MISMATCH");
    }
  });

  it("refuses an unknown format version and a missing manifest", () => {
    const bad = join(root, "bad");
    mkdirSync(bad);
    for (const f of ["model.json", "weights.bin", "critic.json", "critic.bin"]) writeFileSync(join(bad, f), readFileSync(join(dir, f)));
    expect(() => readManifest(bad)).toThrow(/no manifest.json/);
    const m = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
    writeFileSync(join(bad, "manifest.json"), JSON.stringify({ ...m, formatVersion: 99 }));
    try {
      loadPolicy(bad);
      expect.unreachable();
    } catch (e) {
      expect(isTradelabError(e) && e.code).toBe("CHECKPOINT_INVALID");
      expect(String(e)).toMatch(/format version 99/);
    }
  });
});
