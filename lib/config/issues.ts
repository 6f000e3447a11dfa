import type { z } from "zod";
import { formatKeyPath, valueAt } from "./key-path";
import { isSecretKey } from "./mask";
import { knownKeysAt } from "./schema-walk";
import type { Origin } from "./yaml-source";

/** One validation problem, located as precisely as the YAML allows. */
export interface ConfigIssue {
  /** File that set the offending key (an imported file when the value came from there). */
  file: string;
  line?: number;
  /** Key path, e.g. `risk.maxPositionNotional`. */
  path: string;
  /** What was expected and what was found. */
  message: string;
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}${i.line === undefined ? "" : `:${i.line}`}: ${i.path}: ${i.message}`;
}

export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `  ${formatIssue(i)}`).join("\n");
}

/** Turns zod issues into ConfigIssues naming file, line, key path and expectation. */
export function issuesFromZod(
  zodIssues: readonly z.core.$ZodIssue[],
  data: unknown,
  origins: ReadonlyMap<string, Origin>,
  schema: z.ZodType,
  rootFile: string,
): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const locate = (path: readonly PropertyKey[], message: string): void => {
    const origin = originOf(path, origins);
    out.push({ file: origin?.file ?? rootFile, line: origin?.line, path: formatKeyPath(path), message });
  };
  for (const issue of zodIssues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const known = knownKeysAt(schema, path, data);
      for (const key of issue.keys) locate([...path, key], unknownKeyMessage(key, known));
      continue;
    }
    locate(path, describeIssue(issue, valueAt(data, path), path));
  }
  return out;
}

function originOf(path: readonly PropertyKey[], origins: ReadonlyMap<string, Origin>): Origin | undefined {
  for (let n = path.length; n >= 0; n--) {
    const o = origins.get(formatKeyPath(path.slice(0, n)));
    if (o) return o;
  }
  return undefined;
}

const TYPE_WORDS: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  array: "a list",
  object: "a mapping",
  bigint: "an integer",
  date: "a date",
};

function describeIssue(issue: z.core.$ZodIssue, value: unknown, path: readonly PropertyKey[]): string {
  const last = path[path.length - 1];
  const secret = typeof last === "string" && isSecretKey(last);
  const got = describeValue(value, secret);
  switch (issue.code) {
    case "invalid_type": {
      const want = TYPE_WORDS[issue.expected] ?? issue.expected;
      return value === undefined ? `missing: expected ${want}` : `expected ${want}, got ${got}`;
    }
    case "invalid_value":
      return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`}, got ${got}`;
    case "invalid_union": {
      const { options: opts, note } = issue as { options?: unknown[]; note?: string };
      if (note === "No matching discriminator" && opts) {
        return `expected one of ${opts.map((v) => JSON.stringify(v)).join(", ")}, got ${got}`;
      }
      const branch = issue.errors[0]?.[0];
      return branch ? describeIssue(branch, valueAt(value, branch.path), [...path, ...branch.path]) : `${issue.message}, got ${got}`;
    }
    case "too_small":
      return `${boundText("at least", "more than", issue.minimum, issue.inclusive ?? true, issue.origin)}, got ${sizeOf(value, got, issue.origin)}`;
    case "too_big":
      return `${boundText("at most", "less than", issue.maximum, issue.inclusive ?? true, issue.origin)}, got ${sizeOf(value, got, issue.origin)}`;
    case "invalid_format":
    case "custom":
    case "not_multiple_of":
      return value === undefined || value === null || typeof value === "object" ? issue.message : `${issue.message}, got ${got}`;
    default:
      return issue.message;
  }
}

function boundText(incl: string, excl: string, bound: number | bigint, inclusive: boolean, origin: string): string {
  const unit = origin === "array" || origin === "set" ? " item(s)" : origin === "string" ? " character(s)" : "";
  if (unit === "") return `expected a number ${inclusive ? (incl === "at least" ? ">=" : "<=") : incl === "at least" ? ">" : "<"} ${String(bound)}`;
  return `expected ${inclusive ? incl : excl} ${String(bound)}${unit}`;
}

function sizeOf(value: unknown, got: string, origin: string): string {
  if (origin === "array" && Array.isArray(value)) return `${value.length}`;
  if (origin === "string" && typeof value === "string") return `${value.length}`;
  return got;
}

/** A short, safe description of a value for messages (secret values are never echoed). */
export function describeValue(v: unknown, secret = false): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null (empty value)";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === "object") return "a mapping";
  if (secret) return `a ${typeof v} (hidden)`;
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}

function unknownKeyMessage(key: string, known: string[] | undefined): string {
  if (!known || known.length === 0 || known.includes(key)) return "unknown key";
  const guess = closest(key, known);
  if (guess) return `unknown key (did you mean "${guess}"?)`;
  return `unknown key; expected one of: ${known.join(", ")}`;
}

/** The known key closest to `key` (case, `_` and `-` ignored; small edit distance), if any. */
export function closest(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_-]/g, "");
  const k = norm(key);
  let best: string | undefined;
  let bestD = Infinity;
  for (const cand of known) {
    const d = editDistance(k, norm(cand));
    if (d < bestD) {
      bestD = d;
      best = cand;
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(k.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
