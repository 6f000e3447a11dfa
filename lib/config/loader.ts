import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { ConfigError } from "../core/errors";
import { deepFreeze, type DeepReadonly } from "./freeze";
import type { Env } from "./interpolate";
import { formatIssues, issuesFromZod } from "./issues";
import { formatKeyPath } from "./key-path";
import { deepMerge, isPlainObject } from "./merge";
import { displayPath, type Origin, parseConfigFile } from "./yaml-source";

export interface LoadOptions {
  /** Environment for `${VAR}` interpolation. Default: process.env. */
  env?: Env;
  /** Base for relative file arguments and for shortening paths in messages. Default: process.cwd(). */
  cwd?: string;
  /** Values merged over the resolved files before validation (e.g. command-line flags). */
  overrides?: Record<string, unknown>;
  /** How overrides are named in error messages. Default "command line". */
  overridesSource?: string;
}

/** A config file with its imports merged, before validation. */
export interface ResolvedConfig {
  /** The root file as shown in messages. */
  file: string;
  /** Merged keys (imports first, in order, then the file's own keys, then overrides). */
  value: Record<string, unknown>;
  /** Formatted key path -> where its winning value was written. */
  origins: Map<string, Origin>;
  /** Every file read, root first, as shown in messages. */
  files: string[];
  /** Formatted key path -> environment variables used to build its value. */
  envRefs: Map<string, string[]>;
}

/**
 * Reads `file` and its `imports:` (paths relative to the importing file; merged in order, then the
 * file's own keys override; mappings merge deeply, arrays and scalars replace). An import cycle is a
 * CONFIG_IMPORT_CYCLE error showing the chain. `kind` is the file's own, else the one kind its
 * imports agree on.
 */
export function resolveConfig(file: string, opts: LoadOptions = {}): ResolvedConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const files: string[] = [];
  const envRefs = new Map<string, string[]>();
  const resolveFile = (abs: string, chain: string[], importedAt?: string): { value: Record<string, unknown>; origins: Map<string, Origin> } => {
    const parsed = (() => {
      try {
        return parseConfigFile(abs, env, cwd);
      } catch (e) {
        if (e instanceof ConfigError && e.code === "CONFIG_NOT_FOUND" && importedAt) {
          throw new ConfigError(`${importedAt}: imported file ${String(e.details.file)} not found`, { ...e.details, importedAt }, "CONFIG_NOT_FOUND");
        }
        throw e;
      }
    })();
    if (!files.includes(parsed.display)) files.push(parsed.display);
    for (const [k, v] of parsed.envRefs) envRefs.set(k, v);
    let value: Record<string, unknown> = {};
    let origins = new Map<string, Origin>();
    const importedKinds = new Set<unknown>();
    for (const imp of parsed.imports) {
      const target = resolve(dirname(abs), imp.spec);
      const where = `${parsed.display}${imp.line === undefined ? "" : `:${imp.line}`}`;
      if (chain.includes(target) || target === abs) {
        const names = [...chain, abs].map((p) => displayPath(p, cwd));
        const loopStart = names.indexOf(displayPath(target, cwd));
        const cycle = [...names.slice(loopStart), displayPath(target, cwd)].join(" -> ");
        throw new ConfigError(`${where}: import cycle: ${cycle}`, { file: parsed.display, line: imp.line, chain: cycle }, "CONFIG_IMPORT_CYCLE");
      }
      const sub = resolveFile(target, [...chain, abs], where);
      importedKinds.add(sub.value.kind);
      value = deepMerge(value, sub.value);
      origins = overlayOrigins(origins, sub.origins, sub.value);
    }
    value = deepMerge(value, parsed.value);
    origins = overlayOrigins(origins, parsed.origins, parsed.value);
    if (parsed.value.kind === undefined && importedKinds.size > 1) delete value.kind; // ambiguous: validation asks for `kind:`
    return { value, origins };
  };

  const root = resolve(cwd, file);
  let { value, origins } = resolveFile(root, []);
  if (opts.overrides && Object.keys(opts.overrides).length > 0) {
    const source = opts.overridesSource ?? "command line";
    const o = new Map<string, Origin>();
    collectPaths(opts.overrides, [], (p) => o.set(p, { file: source }));
    value = deepMerge(value, opts.overrides);
    origins = overlayOrigins(origins, o, opts.overrides);
  }
  return { file: files[0] ?? file, value, origins, files, envRefs };
}

/** Validates a resolved config against `schema`; on failure a ConfigError lists every issue. */
export function validateConfig<S extends z.ZodType>(schema: S, resolved: ResolvedConfig): z.output<S> {
  const r = schema.safeParse(resolved.value);
  if (r.success) return r.data;
  const rank = (f: string) => {
    const i = resolved.files.indexOf(f);
    return i < 0 ? resolved.files.length : i;
  };
  const issues = issuesFromZod(r.error.issues, resolved.value, resolved.origins, schema, resolved.file).sort(
    (a, b) => rank(a.file) - rank(b.file) || (a.line ?? Infinity) - (b.line ?? Infinity),
  );
  const first = issues[0];
  throw new ConfigError(`invalid config ${resolved.file}:\n${formatIssues(issues)}`, {
    file: first?.file ?? resolved.file,
    line: first?.line,
    path: first?.path,
    issues,
  });
}

/** resolveConfig + validateConfig, returning a deeply frozen object. */
export function loadConfig<S extends z.ZodType>(file: string, schema: S, opts: LoadOptions = {}): DeepReadonly<z.output<S>> {
  return deepFreeze(validateConfig(schema, resolveConfig(file, opts)));
}

/** Later origins win; where the later value is not a mapping it replaced everything below it. */
function overlayOrigins(base: Map<string, Origin>, over: Map<string, Origin>, overValue: Record<string, unknown>): Map<string, Origin> {
  const out = new Map(base);
  const replaced: string[] = [];
  collectLeaves(overValue, [], (p) => replaced.push(p));
  for (const p of replaced) for (const k of [...out.keys()]) if (k.startsWith(`${p}.`) || k.startsWith(`${p}[`)) out.delete(k);
  for (const [k, v] of over) out.set(k, v);
  return out;
}

/** Calls `fn` with each path whose value is not a mapping (the points where merging replaces). */
function collectLeaves(v: Record<string, unknown>, path: (string | number)[], fn: (p: string) => void): void {
  for (const [k, x] of Object.entries(v)) {
    if (isPlainObject(x)) collectLeaves(x, [...path, k], fn);
    else fn(formatKeyPath([...path, k]));
  }
}

function collectPaths(v: unknown, path: (string | number)[], fn: (p: string) => void): void {
  if (path.length > 0) fn(formatKeyPath(path));
  if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) collectPaths(x, [...path, k], fn);
  else if (Array.isArray(v)) v.forEach((x, i) => collectPaths(x, [...path, i], fn));
}
