import { appendFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Clock } from "../core/clock";
import { TradelabError } from "../core/errors";
import type { VecEnv } from "../core/ports/env.port";
import type { Rng } from "../core/rng";
import type { DeepReadonly } from "../config/freeze";
import type { OptimizerConfig, TrainingConfig, VgsConfig } from "../config/schemas/ppo";
import { actorCriticLayout, actorCriticSpec, initActorCritic, sameShape, type PpoSettings } from "./actor-critic";
import { RolloutBuffer } from "./buffer";
import { CHECKPOINT_FORMAT_VERSION, loadCheckpoint, saveCheckpoint, type CheckpointManifest } from "./checkpoint";
import { PpoLearner, type UpdateStats } from "./learner";
import { RewardScaler } from "./normalizer";
import type { PolicySnapshot } from "./policy";
import { EpisodeTracker, collectRollout, prepareRollout } from "./rollout";
import { scheduled } from "./schedules";
import { captureTrainingState, deriveSeed, restoreTrainingState, trainerRngs, type TrainerCounters, type TrainerRngs } from "./training-state";

/** Validation metrics of the deterministic policy; must contain the keep-best metric. */
export type EvalMetrics = Record<string, number>;
export type PolicyEvaluator = (policy: PolicySnapshot) => EvalMetrics | Promise<EvalMetrics>;

/** What the checkpoint manifest says about the data and features (filled by the caller). */
export interface CheckpointMeta {
  featureNames: string[];
  featureSchema: unknown;
  featureSchemaHash: string;
  normaliser: unknown;
  /** The resolved config, as loaded. */
  config: unknown;
  dataRange: unknown;
}

export interface TrainerOptions {
  env: VecEnv;
  ppo: PpoSettings;
  vgs: VgsConfig;
  optimizer: OptimizerConfig;
  training: DeepReadonly<TrainingConfig>;
  /** Overrides training.seed. */
  seed?: number;
  createRng: (seed: number) => Rng;
  clock: Clock;
  /** The tfjs backend in use (recorded in checkpoints). */
  backend: string;
  meta: CheckpointMeta;
  /** Checkpoints (<outDir> = best or final, <outDir>/last = latest) and metrics.jsonl; none when absent. */
  outDir?: string;
  evaluator?: PolicyEvaluator;
  onProgress?: (p: TrainProgress) => void;
  /** Continue from this checkpoint's training state (e.g. <outDir>/last). */
  resumeFrom?: string;
}

export interface TrainProgress {
  update: number;
  totalUpdates: number;
  steps: number;
  totalSteps: number;
  stepsPerSec: number;
  elapsedMs: number;
  etaMs: number;
  rolloutMs: number;
  updateMs: number;
  lr: number;
  clip: number;
  /** Mean raw return of the episodes that ended during this rollout (null if none did). */
  episodeReturn: number | null;
  episodes: number;
  explainedVariance: number;
  stats: UpdateStats;
  eval: EvalMetrics | null;
}

export interface TrainSummary {
  updates: number;
  steps: number;
  elapsedMs: number;
  stepsPerSec: number;
  rolloutMs: number;
  updateMs: number;
  bestMetric: number | null;
  bestUpdate: number | null;
  lastEval: EvalMetrics | null;
  last: TrainProgress | null;
}

/**
 * The PPO training loop: vectorised rollouts with the stochastic policy, batched value passes, GAE,
 * PPO epochs; metrics per update (JSONL), periodic deterministic evaluation through the injected
 * evaluator, best checkpoint by the validation metric. Runs are split into segments of
 * `checkpointEveryUpdates` updates; the envs are re-seeded at each segment start, so a run resumed
 * from a segment's checkpoint continues bit for bit like the run that never stopped.
 */
export class PpoTrainer {
  readonly learner: PpoLearner;
  private readonly o: TrainerOptions;
  private readonly seed: number;
  private readonly rngs: TrainerRngs;
  private readonly scaler: RewardScaler;
  private readonly buffer: RolloutBuffer;
  private readonly episodes: EpisodeTracker;
  private counters: TrainerCounters = { updates: 0, steps: 0, bestMetric: null, bestUpdate: null };
  private obs: Float32Array;
  /** Re-seed the envs before the next rollout (run start and segment boundaries). */
  private needReset = true;

  constructor(o: TrainerOptions) {
    this.o = o;
    const { env, ppo } = o;
    const spec = env.spec;
    if (spec.numEnvs !== ppo.numEnvs) throw configMismatch(`ppo.numEnvs is ${ppo.numEnvs} but the env has ${spec.numEnvs}`);
    const wantLow = ppo.longOnly ? 0 : -1;
    if (spec.actionLow !== wantLow || spec.actionHigh !== 1) {
      throw configMismatch(`ppo.longOnly=${ppo.longOnly} squashes actions into [${wantLow}, 1] but the env takes [${spec.actionLow}, ${spec.actionHigh}]`);
    }
    this.seed = o.seed ?? o.training.seed;
    const layout = actorCriticLayout(actorCriticSpec(ppo, spec.obsSize, spec.actionSize));
    this.rngs = trainerRngs(this.seed, o.createRng);
    this.scaler = new RewardScaler(spec.numEnvs, ppo.gamma, ppo.normaliseReturns);
    this.episodes = new EpisodeTracker(spec.numEnvs);
    this.buffer = new RolloutBuffer(spec.numEnvs, ppo.rolloutSteps, spec.obsSize, spec.actionSize, layout.critics.length, layout.spec.nQuantiles);
    this.obs = new Float32Array(spec.numEnvs * spec.obsSize);
    let params = initActorCritic(layout, o.createRng(deriveSeed(this.seed, 100)));
    const resume = o.resumeFrom === undefined ? null : loadCheckpoint(o.resumeFrom, { featureSchemaHash: o.meta.featureSchemaHash });
    if (resume) {
      if (!sameShape(resume.layout.spec, layout.spec)) throw configMismatch(`${o.resumeFrom}: the checkpoint's networks differ from the config's`);
      if (!resume.training) throw new TradelabError("CHECKPOINT_INVALID", `${o.resumeFrom}: no optimizer.json, cannot resume training`);
      params = resume.params;
    }
    this.learner = new PpoLearner(layout, params, ppo, o.vgs, o.optimizer, this.rngs.noise);
    if (resume?.training) this.counters = restoreTrainingState(resume.training, this.learner, this.rngs, this.scaler, o.resumeFrom ?? "");
  }

  get updates(): number {
    return this.counters.updates;
  }

  get steps(): number {
    return this.counters.steps;
  }

  /**
   * Trains until `totalSteps` env steps (default training.totalSteps) have been collected in all.
   * `untilUpdate` pauses earlier (schedules still span `totalSteps`): a ready interval for
   * population-based training, or a deliberate interruption; `train` can be called again to go on.
   */
  async train(totalSteps = this.o.training.totalSteps, untilUpdate = Number.POSITIVE_INFINITY): Promise<TrainSummary> {
    const { ppo, training, clock } = this.o;
    const rolloutSize = ppo.numEnvs * ppo.rolloutSteps;
    const totalUpdates = Math.max(1, Math.ceil(totalSteps / rolloutSize));
    const plannedSteps = totalUpdates * rolloutSize;
    const every = training.checkpointEveryUpdates;
    const t0 = clock.now();
    const startSteps = this.counters.steps;
    let rolloutMs = 0;
    let updateMs = 0;
    let last: TrainProgress | null = null;
    let lastEval: EvalMetrics | null = null;
    if (this.o.outDir !== undefined) mkdirSync(this.o.outDir, { recursive: true });

    while (this.counters.updates < totalUpdates && this.counters.updates < untilUpdate) {
      if (this.needReset) this.resetEnvs();
      const progress = this.counters.steps / plannedSteps;
      const lr = scheduled(ppo.learningRate.lr, ppo.learningRate.lr * ppo.learningRate.finalFraction, ppo.learningRate.schedule, progress);
      const clip = scheduled(ppo.clip.start, ppo.clip.end, ppo.clip.schedule, progress);

      const ta = clock.now();
      collectRollout(this.o.env, this.learner.snapshot(ppo.numEnvs), this.buffer, { obs: this.obs }, this.rngs.sample, this.scaler, this.episodes);
      const tb = clock.now();
      const prepared = prepareRollout(this.learner.layout, this.learner.theta, ppo, this.buffer);
      const stats = this.learner.update(this.buffer, { lr, clip }, this.rngs.shuffle);
      const tc = clock.now();
      rolloutMs += tb - ta;
      updateMs += tc - tb;
      this.counters.updates += 1;
      this.counters.steps += rolloutSize;

      const u = this.counters.updates;
      const finalUpdate = u === totalUpdates;
      const evalDue = this.o.evaluator !== undefined && training.evalEveryUpdates > 0 && (u % training.evalEveryUpdates === 0 || finalUpdate);
      const evalResult = evalDue ? await this.evaluate() : null;
      if (evalResult) lastEval = evalResult;

      const eps = this.episodes.drain();
      const elapsed = clock.now() - t0;
      const sps = elapsed > 0 ? ((this.counters.steps - startSteps) * 1000) / elapsed : 0;
      last = {
        update: u,
        totalUpdates,
        steps: this.counters.steps,
        totalSteps: plannedSteps,
        stepsPerSec: sps,
        elapsedMs: elapsed,
        etaMs: sps > 0 ? ((plannedSteps - this.counters.steps) * 1000) / sps : 0,
        rolloutMs: tb - ta,
        updateMs: tc - tb,
        lr,
        clip,
        episodeReturn: eps.length > 0 ? eps.reduce((s, e) => s + e.ret, 0) / eps.length : null,
        episodes: eps.length,
        explainedVariance: prepared.explainedVariance,
        stats,
        eval: evalResult,
      };
      this.log({ type: "update", ...last });
      if (evalResult) await this.maybeSaveBest(evalResult);
      const boundary = every > 0 && u % every === 0;
      if (boundary || finalUpdate) await this.saveLast(lastEval);
      this.needReset = boundary;
      this.o.onProgress?.(last);
    }
    const finished = this.counters.updates >= totalUpdates;
    if (finished && this.o.outDir !== undefined && (this.counters.bestMetric === null || !training.keepBest.enabled)) await this.save(this.o.outDir, lastEval);
    const elapsedMs = clock.now() - t0;
    return {
      updates: this.counters.updates,
      steps: this.counters.steps,
      elapsedMs,
      stepsPerSec: elapsedMs > 0 ? ((this.counters.steps - startSteps) * 1000) / elapsedMs : 0,
      rolloutMs,
      updateMs,
      bestMetric: this.counters.bestMetric,
      bestUpdate: this.counters.bestUpdate,
      lastEval,
      last,
    };
  }

  /** Runs the injected evaluator on the deterministic policy. */
  async evaluate(): Promise<EvalMetrics | null> {
    if (!this.o.evaluator) return null;
    return await this.o.evaluator(this.learner.snapshot());
  }

  private resetEnvs(): void {
    this.obs.set(this.o.env.reset(deriveSeed(this.seed, 1_000_000 + this.counters.updates)));
    this.scaler.resetReturns();
    this.episodes.reset();
  }

  private async maybeSaveBest(metrics: EvalMetrics): Promise<void> {
    const { keepBest } = this.o.training;
    if (!keepBest.enabled) return;
    const v = metrics[keepBest.metric];
    if (v === undefined || !Number.isFinite(v)) {
      throw new TradelabError("INVALID_ARGUMENT", `the evaluator returned no finite "${keepBest.metric}" (training.keepBest.metric); got keys ${Object.keys(metrics).join(", ")}`);
    }
    if (this.counters.bestMetric !== null && v <= this.counters.bestMetric) return;
    this.counters.bestMetric = v;
    this.counters.bestUpdate = this.counters.updates;
    if (this.o.outDir !== undefined) await this.save(this.o.outDir, metrics);
  }

  private async saveLast(evalMetrics: EvalMetrics | null): Promise<void> {
    if (this.o.outDir !== undefined) await this.save(join(this.o.outDir, "last"), evalMetrics);
  }

  /** Writes a full checkpoint (weights, training state, manifest) of the current learner to `dir`. */
  async save(dir: string, evalMetrics: EvalMetrics | null = null, extraMetrics: Record<string, unknown> = {}): Promise<void> {
    const layout = this.learner.layout;
    const spec = this.o.env.spec;
    const m = this.o.meta;
    const manifest: CheckpointManifest = {
      formatVersion: CHECKPOINT_FORMAT_VERSION,
      created: new Date(this.o.clock.now()).toISOString(),
      observation: { size: spec.obsSize, featureNames: m.featureNames, featureSchema: m.featureSchema, featureSchemaHash: m.featureSchemaHash },
      normaliser: m.normaliser,
      action: { size: spec.actionSize, low: spec.actionLow, high: spec.actionHigh, squash: layout.spec.squash },
      network: layout.spec,
      config: m.config,
      dataRange: m.dataRange,
      seed: this.seed,
      backend: this.o.backend,
      training: { steps: this.counters.steps, updates: this.counters.updates },
      metrics: { validation: evalMetrics, bestMetric: this.counters.bestMetric, bestUpdate: this.counters.bestUpdate, ...extraMetrics },
    };
    const training = captureTrainingState(this.learner, this.rngs, this.scaler, this.counters);
    await saveCheckpoint(dir, { layout, params: this.learner.params(), manifest, training });
  }

  private log(record: Record<string, unknown>): void {
    if (this.o.outDir === undefined) return;
    appendFileSync(join(this.o.outDir, "metrics.jsonl"), `${JSON.stringify(record)}\n`);
  }

  dispose(): void {
    this.learner.dispose();
  }
}

function configMismatch(message: string): TradelabError {
  return new TradelabError("CONFIG_INVALID", message);
}
