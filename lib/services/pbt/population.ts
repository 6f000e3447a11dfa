import type { Clock } from "../../core/clock";
import { TradelabError } from "../../core/errors";
import type { Rng } from "../../core/rng";
import type { HistoryRecord, TrialExecutor, TrialProgress, TrialReport, TrialSpec } from "../../rl/pbt/protocol";
import { median, rankMembers, type MemberScore } from "../../rl/pbt/scheduler";
import type { Hyperparameters } from "../../rl/pbt/space";
import { deriveSeed } from "../../rl/training-state";

/**
 * What population-based training and search share: the members and their state, running one round
 * of trials through a TrialExecutor with restarts from the last checkpoint, ranking, the best
 * checkpoint so far, and removing checkpoints nobody will resume from.
 */

/** Where trial checkpoints live (a local folder here; shared storage when trials run on other machines). */
export interface CheckpointStore {
  /** The directory a trial of `member` in `round` writes. */
  trialDir(member: number, round: number): string;
  /** The directory an exploit copy of `donor`'s checkpoint lands in. */
  exploitDir(member: number, round: number, donor: number): string;
  copy(from: string, to: string): void | Promise<void>;
  remove(dir: string): void | Promise<void>;
  /** Makes `from` the run's best checkpoint; returns where it now is. */
  publishBest(from: string): string | Promise<string>;
}

export type MemberStatus = "waiting" | "queued" | "running" | "ready" | "failed" | "stopped";

/** One member (PBT) or trial (search), as the coordinator tracks it. */
export interface MemberState {
  member: number;
  seed: number;
  hyperparameters: Hyperparameters;
  /** The checkpoint the next trial resumes from (null before the first). */
  checkpoint: string | null;
  /** Env steps in `checkpoint`. */
  steps: number;
  /** Steps reached by the running trial (live). */
  liveSteps: number;
  stepsPerSec: number;
  status: MemberStatus;
  /** Last reported validation metric (null before the first report or after a failure). */
  metric: number | null;
  bestMetric: number | null;
  restarts: number;
  /** Last decision or event, for the live table (`copied m02`, `restart 1`). */
  note: string;
}

/** Callbacks of a run: the history (JSONL) and the live view. */
export interface PopulationHooks {
  /** Every history record, in a deterministic order. */
  record(r: HistoryRecord): void;
  /** Something visible changed (progress, report, decision). */
  status?(members: readonly MemberState[], round: number, rounds: number): void;
  progress?(p: TrialProgress): void;
}

export interface PopulationRunOptions {
  executor: TrialExecutor;
  store: CheckpointStore;
  hooks: PopulationHooks;
  clock: Clock;
  createRng: (seed: number) => Rng;
  /** Run seed: members' seeds, initial hyperparameters and the decision stream derive from it. */
  seed: number;
  /** Env steps per member over the whole run (the schedules' horizon). */
  totalSteps: number;
  /** Env steps per PPO update (numEnvs x rolloutSteps): intervals are whole updates. */
  quantum: number;
  /** Validation metric to rank by (maximised). */
  metric: string;
  /** Restarts of a crashed trial from its member's last checkpoint before the member counts as failed for the round. Default 1. */
  maxRestarts?: number;
}

export interface BestCheckpoint {
  member: number;
  round: number;
  metric: number;
  hyperparameters: Hyperparameters;
  /** The published copy. */
  checkpoint: string;
}

export interface PopulationResult {
  mode: "pbt" | "search";
  rounds: number;
  best: BestCheckpoint | null;
  /** Median and top validation metric of the population after the first round. */
  initialMedian: number | null;
  initialTop: number | null;
  /** Median and top validation metric in the last round. */
  finalMedian: number | null;
  finalTop: number | null;
  members: MemberState[];
  elapsedMs: number;
}

/** Seeds of member `m`: its training seed and its initial-hyperparameter stream. */
export const memberSeed = (runSeed: number, m: number): number => deriveSeed(runSeed, 10_000 + m);
export const memberSpaceSeed = (runSeed: number, m: number): number => deriveSeed(runSeed, 20_000 + m);
export const decisionSeed = (runSeed: number): number => deriveSeed(runSeed, 30_000);

export function newMember(member: number, seed: number, hyperparameters: Hyperparameters): MemberState {
  return { member, seed, hyperparameters, checkpoint: null, steps: 0, liveSteps: 0, stepsPerSec: 0, status: "waiting", metric: null, bestMetric: null, restarts: 0, note: "" };
}

/** Rounds the state of a population run needs between rounds. */
export class PopulationRun {
  readonly o: PopulationRunOptions;
  readonly members: MemberState[];
  readonly t0: number;
  best: BestCheckpoint | null = null;
  rounds = 0;
  /** Median and top metric of each ranked round, in order. */
  private readonly ranked: { median: number | null; top: number | null }[] = [];
  private readonly created = new Set<string>();

  constructor(o: PopulationRunOptions, members: MemberState[]) {
    this.o = o;
    this.members = members;
    this.t0 = o.clock.now();
  }

  /**
   * Runs one trial per listed member, all submitted at once (the executor queues them on its
   * workers). A trial that throws is restarted from the member's last checkpoint up to maxRestarts
   * times; after that the member is `failed` for this round and keeps its last checkpoint. Records
   * are emitted after the round, ordered by member id, so the history does not depend on timing.
   */
  async runRound(round: number, ids: readonly number[], untilSteps: number): Promise<Map<number, TrialReport>> {
    const { executor, hooks } = this.o;
    const maxRestarts = this.o.maxRestarts ?? 1;
    const buffered = new Map<number, HistoryRecord[]>();
    const reports = new Map<number, TrialReport>();
    const show = (): void => hooks.status?.(this.members, round, this.rounds);
    const runOne = async (m: MemberState): Promise<void> => {
      const log: HistoryRecord[] = [];
      buffered.set(m.member, log);
      for (let attempt = 0; ; attempt++) {
        const spec: TrialSpec = {
          member: m.member,
          round,
          attempt,
          seed: m.seed,
          hyperparameters: { ...m.hyperparameters },
          resumeFrom: m.checkpoint,
          checkpointOut: this.o.store.trialDir(m.member, round) + (attempt > 0 ? `-a${attempt}` : ""),
          untilSteps,
          totalSteps: this.o.totalSteps,
          metric: this.o.metric,
        };
        m.status = "queued";
        m.liveSteps = m.steps;
        m.stepsPerSec = 0;
        show();
        try {
          const r = await executor.runTrial(
            spec,
            (p) => {
              m.liveSteps = p.steps;
              m.stepsPerSec = p.stepsPerSec;
              hooks.progress?.(p);
              show();
            },
            () => {
              m.status = "running";
              show();
            },
          );
          this.created.add(r.checkpoint);
          reports.set(m.member, r);
          m.checkpoint = r.checkpoint;
          m.steps = r.steps;
          m.liveSteps = r.steps;
          m.metric = Number.isFinite(r.metric) ? r.metric : null;
          if (m.metric !== null && (m.bestMetric === null || m.metric > m.bestMetric)) m.bestMetric = m.metric;
          m.status = "ready";
          log.push({ type: "report", round, member: m.member, attempt, steps: r.steps, metric: m.metric, metrics: r.metrics, hyperparameters: { ...spec.hyperparameters }, checkpoint: r.checkpoint, elapsedMs: r.elapsedMs, stepsPerSec: r.stepsPerSec });
          show();
          return;
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          log.push({ type: "crash", round, member: m.member, attempt, error });
          await this.o.store.remove(spec.checkpointOut); // whatever the crashed attempt left half-written
          if (attempt >= maxRestarts) {
            m.status = "failed";
            m.metric = null;
            m.note = `failed: ${error.split("\n")[0]!.slice(0, 60)}`;
            log.push({ type: "failed", round, member: m.member, error });
            show();
            return;
          }
          m.restarts += 1;
          m.note = `restart ${attempt + 1}`;
          log.push({ type: "restart", round, member: m.member, attempt: attempt + 1, from: m.checkpoint });
        }
      }
    };
    const byId = new Map(this.members.map((m) => [m.member, m]));
    await Promise.all(ids.map((id) => runOne(byId.get(id)!)));
    for (const id of [...ids].sort((a, b) => a - b)) for (const r of buffered.get(id) ?? []) hooks.record(r);
    if (reports.size === 0) {
      throw new TradelabError("TRIAL_FAILED", `round ${round}: every trial failed (see the crash records in the history); last error: ${this.lastError(buffered)}`);
    }
    return reports;
  }

  private lastError(buffered: Map<number, HistoryRecord[]>): string {
    for (const log of buffered.values()) for (const r of log) if (r.type === "failed") return r.error;
    return "unknown";
  }

  /** Ranks the listed members by their metric this round and records it. */
  rank(round: number, ids: readonly number[], reports: ReadonlyMap<number, TrialReport>): { scores: MemberScore[]; ranking: number[]; median: number | null } {
    const scores = [...ids].sort((a, b) => a - b).map((member) => {
      const r = reports.get(member);
      return { member, metric: r !== undefined && Number.isFinite(r.metric) ? r.metric : null };
    });
    const ranking = rankMembers(scores);
    const byId = new Map(scores.map((s) => [s.member, s.metric]));
    const med = median(scores.map((s) => s.metric));
    this.ranked.push({ median: med, top: ranking.length > 0 ? (byId.get(ranking[0]!) ?? null) : null });
    this.o.hooks.record({ type: "rank", round, ranking, metrics: ranking.map((m) => byId.get(m) ?? null), median: med });
    return { scores, ranking, median: med };
  }

  /** Publishes the round's top checkpoint when it beats the best so far. */
  async updateBest(round: number, ranking: readonly number[], reports: ReadonlyMap<number, TrialReport>): Promise<void> {
    const top = ranking[0];
    const r = top === undefined ? undefined : reports.get(top);
    if (r === undefined || !Number.isFinite(r.metric)) return;
    if (this.best !== null && r.metric <= this.best.metric) return;
    const member = this.members.find((m) => m.member === top)!;
    const checkpoint = await this.o.store.publishBest(r.checkpoint);
    this.best = { member: r.member, round, metric: r.metric, hyperparameters: { ...member.hyperparameters }, checkpoint };
    this.o.hooks.record({ type: "best", round, member: r.member, metric: r.metric, checkpoint, hyperparameters: { ...member.hyperparameters } });
  }

  /** Records a checkpoint directory this run made (exploit copies), so it can be removed later. */
  track(dir: string): void {
    this.created.add(dir);
  }

  /** Removes checkpoints no member will resume from (the best is a separate copy). */
  async removeUnreferenced(): Promise<void> {
    const live = new Set(this.members.filter((m) => m.status !== "stopped").map((m) => m.checkpoint));
    for (const dir of [...this.created]) {
      if (live.has(dir)) continue;
      await this.o.store.remove(dir);
      this.created.delete(dir);
    }
  }

  end(mode: "pbt" | "search"): PopulationResult {
    const elapsedMs = this.o.clock.now() - this.t0;
    const first = this.ranked[0];
    const last = this.ranked[this.ranked.length - 1];
    const stats = { initialMedian: first?.median ?? null, initialTop: first?.top ?? null, finalMedian: last?.median ?? null, finalTop: last?.top ?? null };
    const failed = this.members.filter((m) => m.status === "failed").map((m) => m.member);
    const b = this.best;
    this.o.hooks.record({ type: "end", rounds: this.rounds, best: b ? { member: b.member, round: b.round, metric: b.metric, hyperparameters: b.hyperparameters } : null, ...stats, failed, elapsedMs });
    return { mode, rounds: this.rounds, best: b, ...stats, members: this.members, elapsedMs };
  }
}
