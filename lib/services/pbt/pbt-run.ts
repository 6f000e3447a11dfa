import type { DeepReadonly } from "../../config/freeze";
import type { PbtConfig } from "../../config/schemas/pbt";
import { decideExploitExplore } from "../../rl/pbt/scheduler";
import { sampleHyperparameters, type Hyperparameters } from "../../rl/pbt/space";
import { decisionSeed, memberSeed, memberSpaceSeed, newMember, PopulationRun, type PopulationResult, type PopulationRunOptions } from "./population";

export interface PbtRunOptions extends PopulationRunOptions {
  pbt: DeepReadonly<PbtConfig>;
  /** Worker count, for the history's start record. */
  workers: number;
}

/** Cumulative env steps at the end of each ready interval (whole updates; the last one reaches totalSteps). */
export function pbtRoundSteps(totalSteps: number, readyIntervalSteps: number, quantum: number): number[] {
  const totalUpdates = Math.max(1, Math.ceil(totalSteps / quantum));
  const interval = Math.max(1, Math.ceil(readyIntervalSteps / quantum));
  const out: number[] = [];
  for (let u = interval; ; u += interval) {
    out.push(Math.min(u, totalUpdates) * quantum);
    if (u >= totalUpdates) return out;
  }
}

/**
 * Population-based training (Jaderberg et al. 2017), synchronous: every member trains one ready
 * interval, reports its validation metric, and then the bottom fraction copies a top member's
 * checkpoint (weights, optimizer and variance-scaler state) and hyperparameters and explores around
 * them. Decisions wait for the whole round and use only the reported metrics, ranked with ties
 * broken by member id, and one seeded decision stream; so a run is reproducible from its seed,
 * whatever the number of workers and whichever trial finishes first.
 */
export async function runPbt(o: PbtRunOptions): Promise<PopulationResult> {
  const { pbt, hooks } = o;
  const space = pbt.space;
  const members = Array.from({ length: pbt.population }, (_, m) => newMember(m, memberSeed(o.seed, m), sampleHyperparameters(space, o.createRng(memberSpaceSeed(o.seed, m)))));
  const run = new PopulationRun(o, members);
  const roundSteps = pbtRoundSteps(o.totalSteps, pbt.readyIntervalSteps, o.quantum);
  run.rounds = roundSteps.length;
  const rng = o.createRng(decisionSeed(o.seed));
  hooks.record({ type: "start", mode: "pbt", seed: o.seed, members: members.length, workers: o.workers, totalSteps: o.totalSteps, rounds: roundSteps.length, roundSteps, metric: o.metric, space: structuredClone(space) as Record<string, unknown> });
  for (const m of members) hooks.record({ type: "member", round: 0, member: m.member, seed: m.seed, hyperparameters: { ...m.hyperparameters } });

  const ids = members.map((m) => m.member);
  for (let i = 0; i < roundSteps.length; i++) {
    const round = i + 1;
    const reports = await run.runRound(round, ids, roundSteps[i]!);
    const { scores, ranking } = run.rank(round, ids, reports);
    await run.updateBest(round, ranking, reports);
    await run.removeUnreferenced();
    if (round === roundSteps.length) break;

    for (const m of members) m.note = "";
    const hps = new Map<number, Hyperparameters>(members.map((m) => [m.member, m.hyperparameters]));
    const decisions = decideExploitExplore(scores, hps, { truncationFraction: pbt.truncationFraction, perturbFactors: pbt.perturbFactors, resampleProbability: pbt.resampleProbability, space }, rng);
    for (const d of decisions) {
      const m = members[d.member]!;
      const donor = members[d.donor]!;
      const from = donor.checkpoint!;
      const to = o.store.exploitDir(m.member, round, donor.member);
      await o.store.copy(from, to);
      run.track(to);
      hooks.record({ type: "exploit", round, member: m.member, donor: donor.member, memberMetric: m.metric, donorMetric: donor.metric, from, to, oldHyperparameters: d.oldHyperparameters, newHyperparameters: d.copiedHyperparameters });
      hooks.record({ type: "explore", round, member: m.member, changes: d.changes, hyperparameters: d.newHyperparameters });
      m.checkpoint = to;
      m.steps = donor.steps;
      m.hyperparameters = d.newHyperparameters;
      m.status = "ready";
      m.note = `copied m${donor.member}`;
    }
    await run.removeUnreferenced();
    hooks.status?.(members, round, run.rounds);
  }
  return run.end("pbt");
}
