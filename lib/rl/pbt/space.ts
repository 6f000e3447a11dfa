import { ConfigError } from "../../core/errors";
import type { Rng } from "../../core/rng";
import type { DeepReadonly } from "../../config/freeze";
import type { HyperparameterRange } from "../../config/schemas/pbt";

/**
 * Hyperparameters as key paths into the train config (`ppo.learningRate.lr`) and their values, and
 * the operations PBT and search need over a configured space: sample, perturb, clamp, grid, apply.
 * Every random draw goes through the injected Rng, in the space's key order, so a seed reproduces them.
 */
export type Hyperparameters = Record<string, number>;
export type Range = DeepReadonly<HyperparameterRange>;
export type HyperparameterSpace = Readonly<Record<string, Range>>;

/** The candidates of a `values:` range, sorted and without duplicates. */
function candidates(r: Range): number[] {
  const vs = Array.from(new Set(r.values ?? [])).sort((a, b) => a - b);
  if (vs.length === 0) throw new ConfigError("a hyperparameter range needs values or min/max");
  return vs;
}

/** Smallest and largest value a range allows. */
export function rangeBounds(r: Range): [number, number] {
  if (r.values !== undefined) {
    const vs = candidates(r);
    return [vs[0]!, vs[vs.length - 1]!];
  }
  if (r.min === undefined || r.max === undefined) throw new ConfigError("a hyperparameter range needs values or min/max");
  return [r.min, r.max];
}

function nearestIndex(vs: readonly number[], v: number): number {
  let best = 0;
  for (let i = 1; i < vs.length; i++) if (Math.abs(vs[i]! - v) < Math.abs(vs[best]! - v)) best = i;
  return best;
}

/** The value moved into the range: clamped to [min, max] (rounded for integer ranges), or the nearest candidate. */
export function clampToRange(r: Range, v: number): number {
  if (!Number.isFinite(v)) throw new RangeError(`hyperparameter value must be finite, got ${v}`);
  if (r.values !== undefined) {
    const vs = candidates(r);
    return vs[nearestIndex(vs, v)]!;
  }
  const [lo, hi] = rangeBounds(r);
  let x = Math.min(hi, Math.max(lo, v));
  if (r.integer) {
    x = Math.round(x);
    if (x > hi) x = Math.floor(hi);
    if (x < lo) x = Math.ceil(lo);
  }
  return x;
}

/** A fresh value: uniform over the candidates, or over [min, max] in log or linear space. */
export function sampleValue(r: Range, rng: Rng): number {
  if (r.values !== undefined) {
    const vs = candidates(r);
    return vs[rng.int(vs.length)]!;
  }
  const [lo, hi] = rangeBounds(r);
  const u = rng.next();
  const x = r.scale === "log" ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
  return clampToRange(r, x);
}

/**
 * `v * factor`, kept inside the range. For candidate lists a factor above 1 moves to the next larger
 * candidate and below 1 to the next smaller one. Integer ranges move at least one step in the
 * factor's direction, so a perturbation of a small integer is never a no-op (unless at a bound).
 */
export function perturbValue(r: Range, v: number, factor: number): number {
  if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`perturbation factor must be positive, got ${factor}`);
  const dir = factor > 1 ? 1 : factor < 1 ? -1 : 0;
  if (r.values !== undefined) {
    const vs = candidates(r);
    const i = nearestIndex(vs, v);
    return vs[Math.min(vs.length - 1, Math.max(0, i + dir))]!;
  }
  let x = clampToRange(r, v * factor);
  if (r.integer && dir !== 0 && x === clampToRange(r, v)) x = clampToRange(r, Math.round(v) + dir);
  return x;
}

/** `points` values spread over the range (log-spaced for log scale), or the candidates; sorted, unique. */
export function gridValues(r: Range, points: number): number[] {
  if (r.values !== undefined) return candidates(r);
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`grid points must be an integer >= 2, got ${points}`);
  const [lo, hi] = rangeBounds(r);
  const out: number[] = [];
  for (let i = 0; i < points; i++) {
    const t = i / (points - 1);
    const x = r.scale === "log" ? Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo))) : lo + t * (hi - lo);
    // exact end points, whatever exp/log rounding did
    out.push(clampToRange(r, i === 0 ? lo : i === points - 1 ? hi : x));
  }
  return Array.from(new Set(out)).sort((a, b) => a - b);
}

/** One value per key of the space, drawn in key order. */
export function sampleHyperparameters(space: HyperparameterSpace, rng: Rng): Hyperparameters {
  const out: Hyperparameters = {};
  for (const [key, r] of Object.entries(space)) out[key] = sampleValue(r, rng);
  return out;
}

/** Every combination of the keys' grid values (first key varies slowest). Throws above `limit` combinations. */
export function gridHyperparameters(space: HyperparameterSpace, points: number, limit: number): Hyperparameters[] {
  const keys = Object.keys(space);
  const axes = keys.map((k) => gridValues(space[k]!, points));
  const total = axes.reduce((n, a) => n * a.length, 1);
  if (total > limit) {
    throw new ConfigError(`search.space: the grid has ${total} combinations (${keys.map((k, i) => `${k}: ${axes[i]!.length}`).join(", ")}), above the limit of ${limit}; lower search.gridPoints or use method: random`, { path: "search.space" });
  }
  let combos: Hyperparameters[] = [{}];
  keys.forEach((k, i) => {
    combos = combos.flatMap((c) => axes[i]!.map((v) => ({ ...c, [k]: v })));
  });
  return combos;
}

/** Reads the current value at each key path of the space from a config. */
export function hyperparametersOf(config: unknown, keys: readonly string[]): Hyperparameters {
  const out: Hyperparameters = {};
  for (const key of keys) {
    const v = readPath(config, key);
    if (typeof v !== "number") throw new ConfigError(`"${key}" does not name a numeric setting of the config`, { path: key });
    out[key] = v;
  }
  return out;
}

function readPath(root: unknown, key: string): unknown {
  let cur: unknown = root;
  for (const seg of key.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/**
 * A deep copy of `config` with each key path set to its value. Every path must already name a
 * number (the space is validated against the config when it is loaded); anything else is an error
 * naming the key path. The copy is plain (not frozen): validate it before use.
 */
export function withHyperparameters<T>(config: T, hp: Readonly<Hyperparameters>): T {
  const copy = structuredClone(config) as unknown;
  for (const [key, value] of Object.entries(hp)) {
    if (!Number.isFinite(value)) throw new ConfigError(`hyperparameter "${key}" must be a finite number, got ${value}`, { path: key });
    const segs = key.split(".");
    let cur = copy;
    for (const seg of segs.slice(0, -1)) {
      cur = cur !== null && typeof cur === "object" ? (cur as Record<string, unknown>)[seg] : undefined;
    }
    const last = segs[segs.length - 1]!;
    if (cur === null || typeof cur !== "object" || typeof (cur as Record<string, unknown>)[last] !== "number") {
      throw new ConfigError(`"${key}" does not name a numeric setting of the config`, { path: key });
    }
    (cur as Record<string, unknown>)[last] = value;
  }
  return copy as T;
}
