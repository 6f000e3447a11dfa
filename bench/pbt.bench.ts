import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PbtWorkerPool } from "../lib/app/pbt-pool";
import { loadTrainConfig } from "../lib/config/kinds";
import type { TrialSpec } from "../lib/rl/pbt/protocol";
import type { BenchResult } from "./types";

/**
 * Population-based training on worker threads: how long a worker takes to be ready (tsx, tfjs,
 * bars and features), and the aggregate env-steps/s of four trials (one ready interval each, with
 * the validation evaluation and the checkpoint write) on one worker and on two, after warm-up
 * (best of two runs each).
 * The shipped data, features, splits and costs; a small network so the bench takes seconds.
 */
const CONFIG = `kind: train
imports:
  - ${resolve("configs/config_train.yaml")}
data:
  dir: ${resolve("data")}
ppo:
  policyHidden: [32, 32]
  criticHidden: [32, 32]
  nQuantiles: 16
  numEnvs: 4
  rolloutSteps: 512
  minibatchSize: 512
  epochs: 4
`;
const INTERVAL = 8192;

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "tradelab-pbt-bench-"));
  const config = join(dir, "pbt.yaml");
  writeFileSync(config, CONFIG);
  const cfg = loadTrainConfig(config);
  const spec = (member: number, tag: string, untilSteps: number): TrialSpec => ({ member, round: 1, attempt: 0, seed: 100 + member, hyperparameters: {}, resumeFrom: null, checkpointOut: join(dir, `${tag}-m${member}`), untilSteps, totalSteps: 16 * INTERVAL, metric: "sharpe" });
  const load = (): string => `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`;
  const out: BenchResult[] = [];
  const rate: Record<number, number> = {};
  try {
    // best of two per worker count, interleaved, because the shared machine's load moves a lot
    for (const [i, workers] of [1, 2, 2, 1].entries()) {
      const pool = new PbtWorkerPool({ size: workers, config: cfg });
      try {
        const t0 = performance.now();
        const warm = await Promise.all(Array.from({ length: workers }, (_, w) => pool.runTrial(spec(w, `warm${i}`, 2048))));
        if (i === 0) out.push({ name: "pbt worker ready (tsx + tfjs + bars + features)", value: performance.now() - t0 - warm[0]!.elapsedMs, unit: "ms", note: load() });
        const t1 = performance.now();
        await Promise.all([0, 1, 2, 3].map((m) => pool.runTrial(spec(m, `run${i}`, INTERVAL))));
        rate[workers] = Math.max(rate[workers] ?? 0, (4 * INTERVAL * 1000) / (performance.now() - t1));
      } finally {
        await pool.close();
      }
    }
    out.push({ name: "pbt 4 trials of 8,192 steps, 1 worker", value: rate[1]!, unit: "env-steps/s", note: `validation evaluation and checkpoint write included; ${load()}` });
    out.push({ name: "pbt 4 trials of 8,192 steps, 2 workers", value: rate[2]!, unit: "env-steps/s", target: "> 1 worker", note: `x${(rate[2]! / rate[1]!).toFixed(2)} over 1 worker; ${load()}` });
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
