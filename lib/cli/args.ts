import { TradelabError } from "../core/errors";

/**
 * A small argv parser shared by every command: typed flags declared once, generated --help, and
 * usage errors that say what was wrong. Flags are declared in camelCase and written in kebab-case
 * (`maxBars` <-> `--max-bars`); `--flag value`, `--flag=value`, `-x value`, `--no-flag` (booleans)
 * and `--` (everything after it is positional) are understood.
 */

export type FlagType = "boolean" | "string" | "number" | "integer";

export interface FlagSpec {
  type: FlagType;
  description: string;
  /** One-letter alias: `-n`. */
  short?: string;
  /** Value placeholder in help (`--out <dir>`). Default: the flag name. */
  valueName?: string;
  /** Allowed values (string flags). */
  choices?: readonly string[];
  /** Value when the flag is absent. Booleans default to false. */
  default?: string | number | boolean;
  required?: boolean;
  /** Repeatable: `--symbol A --symbol B` (or `--symbol A,B`) gives a list. */
  multiple?: boolean;
  /** Smallest accepted value (number/integer flags). */
  min?: number;
}

export interface PositionalSpec {
  /** Name in help and errors: `files`. */
  name: string;
  description: string;
  /** Minimum count (default 0). */
  min?: number;
  /** Maximum count (default unbounded). */
  max?: number;
}

export interface CommandSpec<F extends Record<string, FlagSpec>> {
  /** How the command is run: `npm run config:check --`. */
  command: string;
  summary: string;
  flags: F;
  positionals?: PositionalSpec;
  examples?: readonly string[];
  /** Extra help paragraphs (exit codes, files read). */
  notes?: readonly string[];
}

type ScalarOf<S extends FlagSpec> = S["type"] extends "boolean"
  ? boolean
  : S["type"] extends "number" | "integer"
    ? number
    : S["choices"] extends readonly (infer C)[]
      ? C
      : string;

type ValueOf<S extends FlagSpec> = S["multiple"] extends true
  ? ScalarOf<S>[]
  : S["type"] extends "boolean"
    ? boolean
    : S["required"] extends true
      ? ScalarOf<S>
      : S extends { default: string | number | boolean }
        ? ScalarOf<S>
        : ScalarOf<S> | undefined;

export type FlagValues<F extends Record<string, FlagSpec>> = { [K in keyof F]: ValueOf<F[K]> };

export interface ParsedArgs<F extends Record<string, FlagSpec>> {
  flags: FlagValues<F>;
  positionals: string[];
  /** True when --help or -h was given (before any `--`); flags and positionals are then empty. */
  help: boolean;
}

/** A command-line mistake: print it with a pointer to --help and exit 2. */
export class UsageError extends TradelabError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
  }
}

/** Declares a command (identity function that keeps the literal flag types). */
export function defineCommand<const F extends Record<string, FlagSpec>>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

export const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function convert(name: string, spec: FlagSpec, raw: string): string | number {
  if (spec.type === "number" || spec.type === "integer") {
    const n = raw.trim() === "" ? Number.NaN : Number(raw);
    if (!Number.isFinite(n)) throw new UsageError(`--${kebab(name)} expects a number, got "${raw}"`);
    if (spec.type === "integer" && !Number.isInteger(n)) throw new UsageError(`--${kebab(name)} expects a whole number, got "${raw}"`);
    if (spec.min !== undefined && n < spec.min) throw new UsageError(`--${kebab(name)} must be at least ${spec.min}, got ${raw}`);
    return n;
  }
  if (spec.choices && !spec.choices.includes(raw)) {
    throw new UsageError(`--${kebab(name)} must be one of ${spec.choices.join(", ")}; got "${raw}"`);
  }
  return raw;
}

function suggestion(flag: string, names: string[]): string {
  let best = "";
  let bestD = Infinity;
  for (const n of names) {
    const d = distance(flag, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  return bestD <= Math.max(2, Math.floor(flag.length / 3)) ? ` (did you mean --${best}?)` : "";
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** Parses `argv` (without node and script) against `spec`. Throws UsageError on any mistake. */
export function parseArgs<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, argv: readonly string[]): ParsedArgs<F> {
  const byLong = new Map<string, string>();
  const byShort = new Map<string, string>();
  for (const [name, f] of Object.entries(spec.flags)) {
    byLong.set(kebab(name), name);
    if (f.short) byShort.set(f.short, name);
  }
  const values: Record<string, unknown> = {};
  const positionals: string[] = [];
  const end = argv.indexOf("--");
  // --help wins over anything else on the line, including mistakes.
  if ((end < 0 ? argv : argv.slice(0, end)).some((a) => a === "--help" || a === "-h")) {
    return { flags: values as FlagValues<F>, positionals, help: true };
  }
  const set = (name: string, f: FlagSpec, v: string | number | boolean): void => {
    if (f.multiple) {
      const list = (values[name] as unknown[] | undefined) ?? [];
      const parts = typeof v === "string" ? v.split(",").filter((p) => p !== "") : [v];
      values[name] = [...list, ...parts.map((p) => (typeof p === "string" ? convert(name, f, p) : p))];
    } else {
      if (values[name] !== undefined && f.type !== "boolean") throw new UsageError(`--${kebab(name)} given more than once`);
      values[name] = typeof v === "string" ? convert(name, f, v) : v;
    }
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const key = arg.startsWith("--") ? arg.slice(2, eq >= 0 ? eq : undefined) : arg.slice(1, eq >= 0 ? eq : undefined);
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    let name = arg.startsWith("--") ? byLong.get(key) : byShort.get(key);
    let negated = false;
    if (name === undefined && arg.startsWith("--") && key.startsWith("no-")) {
      const base = byLong.get(key.slice(3));
      if (base !== undefined && spec.flags[base]!.type === "boolean") [name, negated] = [base, true];
    }
    if (name === undefined) {
      throw new UsageError(`unknown option ${arg.split("=")[0]}${suggestion(key, [...byLong.keys()])}`);
    }
    const f = spec.flags[name]!;
    if (f.type === "boolean") {
      if (inline !== undefined && !["true", "false"].includes(inline)) throw new UsageError(`--${kebab(name)} is a switch; write --${kebab(name)} or --no-${kebab(name)}`);
      set(name, f, negated ? false : inline !== "false");
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && !/^-\d/.test(next) && next !== "-")) throw new UsageError(`--${kebab(name)} needs a value (${f.valueName ?? kebab(name)})`);
      raw = next;
      i += 1;
    }
    set(name, f, raw);
  }
  for (const [name, f] of Object.entries(spec.flags)) {
    if (values[name] !== undefined) continue;
    if (f.required) throw new UsageError(`--${kebab(name)} is required`);
    values[name] = f.multiple ? (f.default === undefined ? [] : [f.default]) : (f.default ?? (f.type === "boolean" ? false : undefined));
  }
  const p = spec.positionals;
  const min = p?.min ?? 0;
  const max = p ? (p.max ?? Infinity) : 0;
  if (positionals.length < min) throw new UsageError(`missing ${p!.name}: expected at least ${min}`);
  if (positionals.length > max) {
    throw new UsageError(max === 0 ? `unexpected argument "${positionals[0]}"` : `too many ${p!.name}: expected at most ${max}, got ${positionals.length}`);
  }
  return { flags: values as FlagValues<F>, positionals, help: false };
}

/** The --help text generated from the spec. */
export function formatHelp<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>): string {
  const p = spec.positionals;
  const pos = p ? ((p.min ?? 0) > 0 ? ` <${p.name}...>` : ` [${p.name}...]`) : "";
  const lines = [`${spec.summary}`, "", `Usage: ${spec.command}${pos} [options]`];
  if (p) lines.push("", "Arguments:", `  ${p.name.padEnd(24)} ${p.description}`);
  const rows: [string, string][] = Object.entries(spec.flags).map(([name, f]) => {
    const value = f.type === "boolean" ? "" : ` <${f.valueName ?? (f.choices ? f.choices.join("|") : kebab(name))}>`;
    const left = `${f.short ? `-${f.short}, ` : ""}--${kebab(name)}${value}`;
    const extra = [f.required ? "required" : "", f.multiple ? "repeatable" : "", f.default !== undefined && f.type !== "boolean" ? `default ${String(f.default)}` : ""].filter(Boolean);
    return [left, `${f.description}${extra.length ? ` (${extra.join(", ")})` : ""}`];
  });
  rows.push(["-h, --help", "show this help"]);
  const width = Math.min(34, Math.max(...rows.map(([l]) => l.length)) + 2);
  lines.push("", "Options:", ...rows.map(([l, r]) => `  ${l.padEnd(width)}${r}`));
  if (spec.examples?.length) lines.push("", "Examples:", ...spec.examples.map((e) => `  ${e}`));
  if (spec.notes?.length) lines.push("", ...spec.notes);
  return lines.join("\n");
}

export interface CliIo {
  out: (s: string) => void;
  err: (s: string) => void;
}

export const stdio: CliIo = { out: (s) => process.stdout.write(s + "\n"), err: (s) => process.stderr.write(s + "\n") };

/**
 * Runs a command: --help prints help (exit 0); a UsageError prints the message and a pointer to
 * --help (exit 2); otherwise `main` decides the exit code. Returns the code (the caller exits).
 */
export async function runCommand<F extends Record<string, FlagSpec>>(
  spec: CommandSpec<F>,
  argv: readonly string[],
  main: (args: ParsedArgs<F>, io: CliIo) => Promise<number> | number,
  io: CliIo = stdio,
): Promise<number> {
  let args: ParsedArgs<F>;
  try {
    args = parseArgs(spec, argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\nRun \`${spec.command} --help\` for usage.`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    io.out(formatHelp(spec));
    return 0;
  }
  try {
    return await main(args, io);
  } catch (e) {
    // expected failures (bad data, config, checkpoint) print one line; anything else is a bug and keeps its stack
    if (!(e instanceof TradelabError) || e instanceof UsageError) throw e;
    io.err(`error: ${e.message} [${e.code}]`);
    return 1;
  }
}

/**
 * Runs a command's `main` when its file is the process entry (`tsx lib/cli/<name>.ts`): the exit code
 * comes from `main`; an unexpected error (a bug, not a usage or data problem) prints its stack, exit 1.
 */
export function runIfEntry(file: RegExp, main: (argv: readonly string[], io: CliIo) => Promise<number>): void {
  if (!file.test(process.argv[1] ?? "")) return;
  main(process.argv.slice(2), stdio).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      if (e instanceof UsageError) {
        process.stderr.write(`error: ${e.message}\n`);
        process.exitCode = 2;
        return;
      }
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
