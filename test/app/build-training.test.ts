import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildTraining } from "../../lib/app/build-training";
import { loadTrainConfig } from "../../lib/config/kinds";
import { FeaturePipeline } from "../../lib/features/index";
import type { FeatureManifest } from "../../lib/features/pipeline";
import { initTf } from "../../lib/infra/tf-backend";
import { loadPolicy, readManifest } from "../../lib/rl/checkpoint";
import { runTraining } from "../../lib/services/train";

const root = mkdtempSync(join(tmpdir(), "tradelab-train-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("training wiring on the embedded BTCUSDT 1m data", () => {
  it("trains on the train split, keeps the best checkpoint by validation and writes validation/test metrics next to buy-and-hold", async () => {
    const backend = await initTf({ prefer: ["wasm", "cpu"] });
    const base = loadTrainConfig("configs/config_train.yaml");
    const cfg = {
      ...base,
      ppo: { ...base.ppo, numEnvs: 4, rolloutSteps: 64, minibatchSize: 128, epochs: 1, policyHidden: [16], criticHidden: [16], nQuantiles: 8 },
      training: { ...base.training, evalEveryUpdates: 1, checkpointEveryUpdates: 1, totalSteps: 512 },
    };
    const out = join(root, "run");
    const { plan, setup } = await buildTraining(cfg, { out, seed: 3 }, backend);
    expect(setup.symbol).toBe("BTCUSDT");
    expect(setup.trainBars).toBeGreaterThan(80_000);
    const report = await runTraining(plan);

    expect(report.summary.updates).toBe(2);
    expect(report.checkpoint).toBe(out);
    for (const split of [report.validation, report.test]) {
      for (const m of [split.policy, split.buyAndHold]) {
        expect(Number.isFinite(m.sharpe)).toBe(true);
        expect(m.bars).toBeGreaterThan(15_000);
      }
      expect(split.buyAndHold.exposure).toBeGreaterThan(0.99);
    }

    const manifest = readManifest(out, { featureSchemaHash: setup.featureHash });
    expect(manifest.backend).toBe(backend);
    expect(manifest.seed).toBe(3);
    expect(manifest.metrics).toMatchObject({ validation: { buyAndHold: { bars: report.validation.buyAndHold.bars } }, test: { policy: { sharpe: report.test.policy.sharpe } } });
    // the live runner rebuilds the exact feature pipeline (with its fitted statistics) from the manifest
    const rebuilt = FeaturePipeline.fromManifest(manifest.observation.featureSchema as FeatureManifest);
    expect(rebuilt.hash).toBe(setup.featureHash);
    expect(manifest.observation.featureNames.length).toBe(setup.obsSize);

    const { policy } = loadPolicy(out, { featureSchemaHash: setup.featureHash });
    expect(policy.act(new Float32Array(setup.obsSize))[0]).toBeGreaterThanOrEqual(-1);
    expect(existsSync(join(out, "last", "optimizer.json"))).toBe(true);
    expect(readFileSync(join(out, "metrics.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });
});
