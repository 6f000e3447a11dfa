import type { Rng } from "../../core/rng";
import type { ExploreChange } from "./protocol";
import { perturbValue, sampleValue, type HyperparameterSpace, type Hyperparameters } from "./space";

/** A member's standing after a round: its validation metric, or null when it failed or reported none. */
export interface MemberScore {
  member: number;
  metric: number | null;
}

/** Members best first: finite metrics descending, then those without one; ties by member id. */
export function rankMembers(scores: readonly MemberScore[]): number[] {
  const key = (s: MemberScore): number => (s.metric !== null && Number.isFinite(s.metric) ? s.metric : Number.NEGATIVE_INFINITY);
  return [...scores].sort((a, b) => key(b) - key(a) || a.member - b.member).map((s) => s.member);
}

const hasMetric = (s: MemberScore | undefined): boolean => s !== undefined && s.metric !== null && Number.isFinite(s.metric);

/** One exploit decision: `member` takes the weights, optimizer state and hyperparameters of `donor`. */
export interface ExploitPair {
  member: number;
  donor: number;
}

/**
 * Truncation selection: with n members and k = floor(n * fraction), each of the bottom k copies a
 * member drawn uniformly from the top k. Only members with a finite metric can be donors; members
 * without one rank last, so a failed member is the first to be replaced. Recipients are handled in
 * ascending member id, one draw each, so the decisions depend only on the scores and the Rng.
 */
export function truncationSelection(scores: readonly MemberScore[], fraction: number, rng: Rng): ExploitPair[] {
  if (!(fraction > 0 && fraction <= 0.5)) throw new RangeError(`truncation fraction must be in (0, 0.5], got ${fraction}`);
  const ranked = rankMembers(scores);
  const k = Math.floor(ranked.length * fraction);
  const byId = new Map(scores.map((s) => [s.member, s]));
  const top = ranked.slice(0, k).filter((m) => hasMetric(byId.get(m)));
  if (k === 0 || top.length === 0) return [];
  const bottom = ranked.slice(ranked.length - k).sort((a, b) => a - b);
  return bottom.map((member) => ({ member, donor: top[rng.int(top.length)]! }));
}

/** Explore settings (`pbt:` config). */
export interface ExploreOptions {
  perturbFactors: readonly number[];
  resampleProbability: number;
}

/**
 * Explore: every hyperparameter of the space, in key order, is resampled from its range with
 * probability `resampleProbability`, otherwise multiplied by one of `perturbFactors` (drawn
 * uniformly) and kept inside its bounds.
 */
export function explore(hp: Readonly<Hyperparameters>, space: HyperparameterSpace, o: ExploreOptions, rng: Rng): { hyperparameters: Hyperparameters; changes: ExploreChange[] } {
  if (o.perturbFactors.length === 0) throw new RangeError("explore needs at least one perturbation factor");
  const out: Hyperparameters = { ...hp };
  const changes: ExploreChange[] = [];
  for (const [key, range] of Object.entries(space)) {
    const from = hp[key];
    if (from === undefined) throw new RangeError(`explore: member has no value for "${key}"`);
    if (rng.next() < o.resampleProbability) {
      const to = sampleValue(range, rng);
      out[key] = to;
      changes.push({ key, from, to, op: "resample" });
    } else {
      const factor = o.perturbFactors[rng.int(o.perturbFactors.length)]!;
      const to = perturbValue(range, from, factor);
      out[key] = to;
      changes.push({ key, from, to, op: "perturb", factor });
    }
  }
  return { hyperparameters: out, changes };
}

/** An exploit followed by explore, for one member of the bottom fraction. */
export interface PbtDecision {
  member: number;
  donor: number;
  oldHyperparameters: Hyperparameters;
  /** The donor's hyperparameters, as copied. */
  copiedHyperparameters: Hyperparameters;
  /** After explore. */
  newHyperparameters: Hyperparameters;
  changes: ExploreChange[];
}

export interface PbtSchedulerOptions extends ExploreOptions {
  truncationFraction: number;
  space: HyperparameterSpace;
}

/**
 * The PBT decision rule (Jaderberg et al. 2017, truncation selection + perturb/resample explore) as
 * a pure step: given every member's score and hyperparameters after a ready interval, which members
 * copy whom and with which new values. The Rng is the run's decision stream; it is consumed in a
 * fixed order (recipients by id, then keys in space order), so equal scores give equal decisions.
 */
export function decideExploitExplore(scores: readonly MemberScore[], hps: ReadonlyMap<number, Readonly<Hyperparameters>>, o: PbtSchedulerOptions, rng: Rng): PbtDecision[] {
  const pairs = truncationSelection(scores, o.truncationFraction, rng);
  return pairs.map(({ member, donor }) => {
    const old = hps.get(member);
    const copied = hps.get(donor);
    if (!old || !copied) throw new RangeError(`no hyperparameters for member ${old ? donor : member}`);
    const { hyperparameters, changes } = explore(copied, o.space, o, rng);
    return { member, donor, oldHyperparameters: { ...old }, copiedHyperparameters: { ...copied }, newHyperparameters: hyperparameters, changes };
  });
}

/** Median of the finite values, or null when there are none. */
export function median(values: readonly (number | null)[]): number | null {
  const xs = values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}
