import { ManualClock } from "../../../lib/core/clock";
import type { HistoryRecord, TrialExecutor, TrialProgress, TrialReport, TrialSpec } from "../../../lib/rl/pbt/protocol";
import type { CheckpointStore, PopulationRunOptions } from "../../../lib/services/pbt/population";
import { SeededRng } from "../../../lib/sim/rng";

/** A checkpoint of the fake trainer: a skill level and the steps trained. */
export interface FakeCheckpoint {
  skill: number;
  steps: number;
  lineage: string;
}

/** Checkpoints in a map: copy, remove and publish work on paths like a folder store would. */
export class MemoryStore implements CheckpointStore {
  readonly files = new Map<string, FakeCheckpoint>();
  published: FakeCheckpoint | null = null;
  trialDir(member: number, round: number): string {
    return `members/m${member}/r${round}`;
  }
  exploitDir(member: number, round: number, donor: number): string {
    return `members/m${member}/r${round}-from-m${donor}`;
  }
  copy(from: string, to: string): void {
    const c = this.files.get(from);
    if (!c) throw new Error(`copy: no checkpoint at ${from}`);
    this.files.set(to, { ...c });
  }
  remove(dir: string): void {
    this.files.delete(dir);
  }
  publishBest(from: string): string {
    this.published = { ...this.files.get(from)! };
    return "best";
  }
}

export interface FakeFault {
  member: number;
  round: number;
  /** Attempts that fail (default: only the first). */
  attempts?: number[];
}

/**
 * Trains nothing: the skill grows with steps at a rate that peaks at lr = 3e-4 (log distance), so
 * hyperparameters matter and copying a good member helps. Trials finish after a delay drawn from
 * `delaySeed`, so completion order differs between runs with different delay seeds.
 */
export class FakeExecutor implements TrialExecutor {
  readonly parallelism: number;
  readonly specs: TrialSpec[] = [];
  private running = 0;
  maxRunning = 0;
  private readonly delays: SeededRng;
  constructor(readonly store: MemoryStore, parallelism: number, delaySeed: number, readonly faults: FakeFault[] = []) {
    this.parallelism = parallelism;
    this.delays = new SeededRng(delaySeed);
  }

  async runTrial(spec: TrialSpec, onProgress?: (p: TrialProgress) => void, onStart?: () => void): Promise<TrialReport> {
    this.specs.push(spec);
    while (this.running >= this.parallelism) await new Promise((r) => setTimeout(r, 1));
    this.running++;
    onStart?.();
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      await new Promise((r) => setTimeout(r, this.delays.int(5)));
      const fault = this.faults.find((f) => f.member === spec.member && f.round === spec.round && (f.attempts ?? [0]).includes(spec.attempt));
      if (fault) throw new Error(`injected crash of m${spec.member} in round ${spec.round}`);
      const from = spec.resumeFrom === null ? { skill: 0, steps: 0, lineage: `m${spec.member}` } : this.store.files.get(spec.resumeFrom);
      if (!from) throw new Error(`no checkpoint at ${spec.resumeFrom}`);
      const lr = spec.hyperparameters["ppo.learningRate.lr"]!;
      const rate = 1 - Math.abs(Math.log10(lr) - Math.log10(3e-4));
      const skill = from.skill + (rate * (spec.untilSteps - from.steps)) / 1000;
      onProgress?.({ member: spec.member, round: spec.round, update: 1, steps: spec.untilSteps, untilSteps: spec.untilSteps, stepsPerSec: 1000, episodeReturn: null, policyLoss: 0, valueLoss: 0, approxKl: 0, entropy: 0, explainedVariance: 0 });
      this.store.files.set(spec.checkpointOut, { skill, steps: spec.untilSteps, lineage: from.lineage });
      return { member: spec.member, round: spec.round, attempt: spec.attempt, steps: spec.untilSteps, metric: skill, metrics: { sharpe: skill }, checkpoint: spec.checkpointOut, elapsedMs: this.delays.int(100), stepsPerSec: this.delays.next() };
    } finally {
      this.running--;
    }
  }
}

export function baseOptions(executor: TrialExecutor, store: CheckpointStore, records: HistoryRecord[], over: Partial<PopulationRunOptions> = {}): PopulationRunOptions {
  return {
    executor,
    store,
    hooks: { record: (r) => records.push(r) },
    clock: new ManualClock(0),
    createRng: (s) => new SeededRng(s),
    seed: 42,
    totalSteps: 8000,
    quantum: 500,
    metric: "sharpe",
    ...over,
  };
}

/** Records without timing fields, to compare runs. */
export function timeless(records: readonly HistoryRecord[]): unknown[] {
  return records.map((r) => {
    if (r.type === "report") return { ...r, elapsedMs: 0, stepsPerSec: 0 };
    if (r.type === "end" || r.type === "start") return { ...r, elapsedMs: 0, workers: 0 };
    return r;
  });
}
