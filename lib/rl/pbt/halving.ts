import { rankMembers, type MemberScore } from "./scheduler";

/** One rung of successive halving: `trials` trials each trained up to `steps` env steps in all. */
export interface Rung {
  /** From 1. */
  round: number;
  trials: number;
  steps: number;
}

export interface HalvingOptions {
  /** Trials at the first rung. */
  trials: number;
  /** Each rung keeps the best 1/eta (at least one) and multiplies the budget by eta. */
  eta: number;
  /** Budget of the first rung (env steps). */
  minSteps: number;
  /** Budget of a full trial; the last rung always reaches it. */
  totalSteps: number;
  /** Budgets are rounded up to whole multiples of this (env steps per PPO update). */
  quantum: number;
}

const roundUp = (x: number, q: number): number => Math.ceil(x / q) * q;

/**
 * Successive halving rungs (Jamieson & Talwalkar 2016): rung k trains n_k trials to
 * min(totalSteps, minSteps * eta^k) steps, n_(k+1) = max(1, floor(n_k / eta)). It stops at the rung
 * that reaches totalSteps; once a single trial is left, it goes straight to totalSteps.
 */
export function halvingRungs(o: HalvingOptions): Rung[] {
  if (!Number.isInteger(o.trials) || o.trials < 1) throw new RangeError(`halving needs at least one trial, got ${o.trials}`);
  if (!Number.isInteger(o.eta) || o.eta < 2) throw new RangeError(`eta must be an integer >= 2, got ${o.eta}`);
  if (!(o.quantum > 0)) throw new RangeError(`quantum must be positive, got ${o.quantum}`);
  const total = roundUp(o.totalSteps, o.quantum);
  const rungs: Rung[] = [];
  let n = o.trials;
  let budget = o.minSteps;
  for (;;) {
    const prev = rungs[rungs.length - 1];
    // budgets grow by at least one update even when rounding to the quantum would make rungs equal
    const steps = Math.min(total, Math.max(roundUp(budget, o.quantum), prev ? prev.steps + o.quantum : o.quantum));
    rungs.push({ round: rungs.length + 1, trials: n, steps });
    if (steps >= total) break;
    n = Math.max(1, Math.floor(n / o.eta));
    budget *= o.eta;
    if (n === 1) {
      rungs.push({ round: rungs.length + 1, trials: 1, steps: total });
      break;
    }
  }
  return rungs;
}

/** One rung for search without early stopping: every trial trains the full budget. */
export function fullBudgetRung(trials: number, totalSteps: number, quantum: number): Rung[] {
  return [{ round: 1, trials, steps: roundUp(totalSteps, quantum) }];
}

/** Which trials go on to the next rung: the best `keep` by metric (failed trials last, ties by id). */
export function promote(scores: readonly MemberScore[], keep: number): { promoted: number[]; stopped: number[]; ranking: number[] } {
  const ranking = rankMembers(scores);
  const byId = new Map(scores.map((s) => [s.member, s]));
  const promoted = ranking.slice(0, keep).filter((m) => {
    const metric = byId.get(m)?.metric;
    return metric !== null && metric !== undefined && Number.isFinite(metric);
  });
  const kept = new Set(promoted);
  return { promoted: [...promoted].sort((a, b) => a - b), stopped: ranking.filter((m) => !kept.has(m)), ranking };
}
