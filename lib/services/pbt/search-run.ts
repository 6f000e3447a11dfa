import { TradelabError } from "../../core/errors";
import type { DeepReadonly } from "../../config/freeze";
import type { SearchConfig } from "../../config/schemas/pbt";
import { fullBudgetRung, halvingRungs, promote, type Rung } from "../../rl/pbt/halving";
import { gridHyperparameters, sampleHyperparameters, type Hyperparameters } from "../../rl/pbt/space";
import { memberSeed, memberSpaceSeed, newMember, PopulationRun, type PopulationResult, type PopulationRunOptions } from "./population";

/** Most grid combinations a search accepts (search.trials has the same cap). */
export const GRID_LIMIT = 10_000;

export interface SearchRunOptions extends PopulationRunOptions {
  search: DeepReadonly<SearchConfig>;
  workers: number;
}

/** The trials' hyperparameters: random draws (one seeded stream per trial) or every grid combination. */
export function searchTrials(search: DeepReadonly<SearchConfig>, seed: number, createRng: PopulationRunOptions["createRng"]): Hyperparameters[] {
  if (search.method === "grid") return gridHyperparameters(search.space, search.gridPoints, GRID_LIMIT);
  return Array.from({ length: search.trials }, (_, t) => sampleHyperparameters(search.space, createRng(memberSpaceSeed(seed, t))));
}

/** Rungs of the search: successive halving, or one rung at the full budget. */
export function searchRungs(search: DeepReadonly<SearchConfig>, trials: number, totalSteps: number, quantum: number): Rung[] {
  const sh = search.successiveHalving;
  return sh.enabled ? halvingRungs({ trials, eta: sh.eta, minSteps: sh.minSteps, totalSteps, quantum }) : fullBudgetRung(trials, totalSteps, quantum);
}

/**
 * Random or grid search on the trial protocol, with early stopping by successive halving: every
 * rung trains the surviving trials (each resuming from its own checkpoint) to the rung's budget,
 * ranks them on validation and keeps the best 1/eta. Trials train with the schedules of the full
 * budget, so a promoted trial continues as if it had never paused.
 */
export async function runSearch(o: SearchRunOptions): Promise<PopulationResult> {
  const { search, hooks } = o;
  const hps = searchTrials(search, o.seed, o.createRng);
  const members = hps.map((hp, t) => newMember(t, memberSeed(o.seed, t), hp));
  const rungs = searchRungs(search, members.length, o.totalSteps, o.quantum);
  const horizon = rungs[rungs.length - 1]!.steps;
  const run = new PopulationRun({ ...o, totalSteps: horizon }, members);
  run.rounds = rungs.length;
  hooks.record({ type: "start", mode: "search", seed: o.seed, members: members.length, workers: o.workers, totalSteps: horizon, rounds: rungs.length, roundSteps: rungs.map((r) => r.steps), metric: o.metric, space: structuredClone(search.space) as Record<string, unknown> });
  for (const m of members) hooks.record({ type: "member", round: 0, member: m.member, seed: m.seed, hyperparameters: { ...m.hyperparameters } });

  let active = members.map((m) => m.member);
  for (const rung of rungs) {
    const reports = await run.runRound(rung.round, active, rung.steps);
    const { scores, ranking } = run.rank(rung.round, active, reports);
    await run.updateBest(rung.round, ranking, reports);
    await run.removeUnreferenced();
    const next = rungs[rung.round];
    if (next === undefined) break;
    const { promoted, stopped } = promote(scores, next.trials);
    if (promoted.length === 0) throw new TradelabError("TRIAL_FAILED", `rung ${rung.round}: no trial reported a finite ${o.metric}; nothing to promote`);
    const rankOf = (m: number): number => ranking.indexOf(m) + 1;
    for (const m of promoted) hooks.record({ type: "promote", round: rung.round, member: m, rank: rankOf(m), nextSteps: next.steps });
    for (const m of [...stopped].sort((a, b) => a - b)) {
      const st = members[m]!;
      hooks.record({ type: "stop", round: rung.round, member: m, rank: rankOf(m), metric: st.metric });
      st.status = "stopped";
      st.note = `stopped at rung ${rung.round} (rank ${rankOf(m)})`;
    }
    for (const m of promoted) members[m]!.note = `promoted (rank ${rankOf(m)})`;
    active = promoted;
    await run.removeUnreferenced();
    hooks.status?.(members, rung.round, run.rounds);
  }
  return run.end("search");
}
