/**
 * PPO throughput on the usual baseline spec, so the figure compares with other libraries:
 * observation = last 32 log returns + current position, action = target position in [-1, 1],
 * reward = position x next log return - 0.001 x |position change|, episodes of 1,024 steps from
 * seeded random offsets of the real BTCUSDT 1m closes; MLP 64-64 tanh for policy and value,
 * 8 envs x 2,048 steps per rollout, minibatch 512, 10 epochs, ~115k steps. Then the same budget with
 * the full distributional configuration (twin 32-quantile critics, VGS, CVaR term, value clipping).
 */
import { loadavg } from "node:os";
import { optimizerSchema, ppoSchema, trainingSchema, vgsSchema } from "../lib/config/schemas/ppo";
import type { VecEnv, VecStepResult } from "../lib/core/ports/env.port";
import { openDataSession } from "../lib/infra/data/index";
import { systemClock } from "../lib/infra/system-clock";
import { initTf } from "../lib/infra/tf-backend";
import { PpoTrainer } from "../lib/rl/trainer";
import { SeededRng } from "../lib/sim/rng";
import type { BenchResult } from "./types";

const WINDOW = 32;
const EPISODE = 1024;
const COST = 0.001;
const UPDATES = 7; // 7 x 8 x 2048 = 114,688 env steps

/** The reference env over a close series, all envs in lock step over typed arrays. */
class ClosesVecEnv implements VecEnv {
  readonly spec;
  private readonly r: Float64Array;
  private readonly start: Int32Array;
  private readonly t: Int32Array;
  private readonly pos: Float64Array;
  private rng = new SeededRng(0);
  private readonly out: VecStepResult;

  constructor(closes: Float64Array, readonly numEnvs: number) {
    this.spec = { numEnvs, obsSize: WINDOW + 1, actionSize: 1, actionLow: -1, actionHigh: 1 };
    this.r = new Float64Array(closes.length);
    for (let k = 1; k < closes.length; k++) this.r[k] = Math.log(closes[k]! / closes[k - 1]!);
    this.start = new Int32Array(numEnvs);
    this.t = new Int32Array(numEnvs);
    this.pos = new Float64Array(numEnvs);
    const o = WINDOW + 1;
    this.out = { obs: new Float32Array(numEnvs * o), rewards: new Float32Array(numEnvs), terminated: new Uint8Array(numEnvs), truncated: new Uint8Array(numEnvs), finalObs: new Float32Array(numEnvs * o) };
  }

  reset(seed = 0): Float32Array {
    this.rng = new SeededRng(seed);
    for (let i = 0; i < this.numEnvs; i++) this.begin(i);
    return this.out.obs;
  }

  private begin(i: number): void {
    this.start[i] = WINDOW + 1 + this.rng.int(this.r.length - WINDOW - EPISODE - 2);
    this.t[i] = 0;
    this.pos[i] = 0;
    this.observe(i, this.out.obs);
  }

  /** Log returns of the last WINDOW bars up to the current one, then the position. */
  private observe(i: number, o: Float32Array): void {
    const k = this.start[i]! + this.t[i]!;
    const base = i * (WINDOW + 1);
    for (let j = 0; j < WINDOW; j++) o[base + j] = this.r[k - WINDOW + 1 + j]!;
    o[base + WINDOW] = this.pos[i]!;
  }

  step(actions: Float32Array): VecStepResult {
    const o = this.out;
    for (let i = 0; i < this.numEnvs; i++) {
      const k = this.start[i]! + this.t[i]!;
      const p = actions[i]!;
      o.rewards[i] = p * this.r[k + 1]! - COST * Math.abs(p - this.pos[i]!);
      this.pos[i] = p;
      this.t[i]! += 1;
      o.terminated[i] = 0;
      o.truncated[i] = this.t[i]! >= EPISODE ? 1 : 0;
      if (o.truncated[i]) {
        this.observe(i, o.finalObs);
        this.begin(i);
      } else this.observe(i, o.obs);
    }
    return o;
  }
}

async function loadCloses(): Promise<{ closes: Float64Array; source: string }> {
  try {
    const session = await openDataSession({ threads: 1 });
    const bars = await session.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m" }).finally(() => session.close());
    if (bars.length > 10 * EPISODE) return { closes: bars.close, source: `real BTCUSDT 1m closes (${bars.length} bars)` };
  } catch {
    // no embedded data: fall through to a seeded random walk of the same length scale
  }
  const rng = new SeededRng(1);
  const closes = new Float64Array(200_000);
  closes[0] = 50_000;
  for (let k = 1; k < closes.length; k++) closes[k] = closes[k - 1]! * Math.exp(0.001 * rng.normal());
  return { closes, source: "seeded random walk (BTCUSDT parquet not found)" };
}

interface Measured {
  sps: number;
  /** Steps per second of this process's CPU time (less sensitive to other load on the machine). */
  cpuSps: number;
  rolloutSps: number;
  rolloutSec: number;
  updateSec: number;
  steps: number;
  load: number;
}

async function measure(label: string, closes: Float64Array, backend: string, ppoOverrides: object, vgsEnabled: boolean): Promise<Measured> {
  const ppo = ppoSchema.parse({ policyHidden: [64, 64], criticHidden: [64, 64], activation: "tanh", numEnvs: 8, rolloutSteps: 2048, minibatchSize: 512, epochs: 10, targetKl: null, ...ppoOverrides });
  const trainer = new PpoTrainer({
    env: new ClosesVecEnv(closes, ppo.numEnvs),
    ppo,
    vgs: vgsSchema.parse({ enabled: vgsEnabled }),
    optimizer: optimizerSchema.parse({ kind: "adam" }),
    training: trainingSchema.parse({ seed: 1, evalEveryUpdates: 0, checkpointEveryUpdates: 0 }),
    createRng: (s) => new SeededRng(s),
    clock: systemClock,
    backend,
    meta: { featureNames: [], featureSchema: null, featureSchemaHash: label, normaliser: null, config: ppo, dataRange: null },
  });
  const steps = UPDATES * ppo.numEnvs * ppo.rolloutSteps;
  const cpu0 = process.cpuUsage();
  const s = await trainer.train(steps);
  const cpu = process.cpuUsage(cpu0);
  trainer.dispose();
  return {
    sps: s.stepsPerSec,
    cpuSps: s.steps / ((cpu.user + cpu.system) / 1e6),
    rolloutSps: (s.steps * 1000) / s.rolloutMs,
    rolloutSec: s.rolloutMs / 1000,
    updateSec: s.updateMs / 1000,
    steps: s.steps,
    load: loadavg()[0]!,
  };
}

export async function run(): Promise<BenchResult[]> {
  const backend = await initTf();
  const { closes, source } = await loadCloses();
  const ref = await measure("reference", closes, backend, { distributional: false, valueClip: null }, false);
  const dist = await measure("distributional", closes, backend, { distributional: true, twinCritics: true, nQuantiles: 32, valueClip: 0.2, cvar: { alpha: 0.1, weight: 0.25 } }, true);
  const split = (m: Measured): string =>
    `rollout ${m.rolloutSec.toFixed(1)} s (${Math.round(m.rolloutSps)} steps/s), values+GAE+updates ${m.updateSec.toFixed(1)} s; ${Math.round(m.cpuSps)} steps per CPU-second; load avg ${m.load.toFixed(1)} on 2 cores`;
  return [
    {
      name: "PPO reference spec, end to end",
      value: ref.sps,
      unit: "env-steps/s",
      target: ">= 11k env-steps/s",
      note: `${backend}; MLP 64-64 tanh, scalar critic, 8x2048, mb 512, 10 epochs, ${ref.steps} steps; ${split(ref)}; ${source}`,
    },
    { name: "PPO reference spec, rollout collection only", value: ref.rolloutSps, unit: "env-steps/s", note: "policy inference for all envs per step in plain JS + env" },
    {
      name: "PPO distributional config, end to end",
      value: dist.sps,
      unit: "env-steps/s",
      note: `${backend}; twin 32-quantile critics, VGS, CVaR 0.1 x 0.25, value clip 0.2, same budget; ${split(dist)}`,
    },
  ];
}
