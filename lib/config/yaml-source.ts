import { readFileSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parse, parseDocument, Scalar } from "yaml";
import { ConfigError } from "../core/errors";
import { type Env, hasPlaceholder, interpolate } from "./interpolate";
import { formatKeyPath } from "./key-path";
import { isPlainObject } from "./merge";

/** Where a key came from: the file (as shown to the user) and its 1-based line. */
export interface Origin {
  file: string;
  line?: number;
}

/** One YAML file, parsed and interpolated, before its imports are merged. */
export interface ParsedConfigFile {
  /** Absolute path. */
  path: string;
  /** The path as shown in messages (relative to the working directory when inside it). */
  display: string;
  /** The file's own keys, without `imports`. */
  value: Record<string, unknown>;
  /** Formatted key path -> origin, for every key and array item in the file. */
  origins: Map<string, Origin>;
  /** `imports:` entries as written, with their lines. */
  imports: { spec: string; line?: number }[];
  /** Formatted key path -> environment variables its value was built from. */
  envRefs: Map<string, string[]>;
}

/** `configs/risk.yaml` for files under the working directory, else the absolute path. */
export function displayPath(abs: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, abs);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel) ? rel : abs;
}

/** Reads, parses and interpolates one YAML config file (imports are not followed here). */
export function parseConfigFile(path: string, env: Env, cwd?: string): ParsedConfigFile {
  const display = displayPath(path, cwd);
  let src: string;
  try {
    src = readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "file not found" : code === "EISDIR" ? "is a directory, expected a YAML file" : `cannot read (${code ?? String(e)})`;
    throw new ConfigError(`${display}: ${why}`, { file: display }, code === "ENOENT" ? "CONFIG_NOT_FOUND" : "CONFIG_INVALID");
  }
  return parseConfigText(src, display, path, env);
}

/** Parses YAML text that came from `display` (exported for tests and for in-memory configs). */
export function parseConfigText(src: string, display: string, path: string, env: Env): ParsedConfigFile {
  const lc = new LineCounter();
  const doc = parseDocument(src, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, merge: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.pos[0] >= 0 ? lc.linePos(first.pos[0]).line : undefined;
    const where = line === undefined ? display : `${display}:${line}`;
    const msg = first.message.split("\n")[0] ?? first.message;
    const text = line === undefined ? "" : (src.split("\n")[line - 1] ?? "");
    const hint = /[[{].*\$\{|\$\{.*[\]}]\s*$/.test(text) ? ' (inside [ ] or { }, quote values that contain ${...}: "${VAR:-x}")' : "";
    throw new ConfigError(`${where}: YAML syntax error: ${msg}${hint}`, { file: display, line });
  }
  const origins = new Map<string, Origin>();
  const envRefs = new Map<string, string[]>();
  const lineOf = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? lc.linePos(range[0]).line : undefined;
  };
  const fail = (path: (string | number)[], node: unknown, message: string, code: "CONFIG_INVALID" | "CONFIG_ENV_MISSING" = "CONFIG_INVALID", extra: Record<string, unknown> = {}): never => {
    const line = lineOf(node);
    const keyPath = formatKeyPath(path);
    throw new ConfigError(`${display}${line === undefined ? "" : `:${line}`}: ${keyPath}: ${message}`, { file: display, line, path: keyPath, ...extra }, code);
  };

  const walk = (node: unknown, path: (string | number)[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key;
        if (isScalar(keyNode) && typeof keyNode.value === "symbol") {
          walk(pair.value, path); // `<<` merge key: its keys land in this mapping
          continue;
        }
        if (!isScalar(keyNode) || (typeof keyNode.value !== "string" && typeof keyNode.value !== "number")) {
          fail(path, keyNode ?? node, "mapping keys must be plain names");
        }
        const key = String((keyNode as Scalar).value);
        const p = [...path, key];
        origins.set(formatKeyPath(p), { file: display, line: lineOf(keyNode) });
        walk(pair.value, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = [...path, i];
        origins.set(formatKeyPath(p), { file: display, line: lineOf(item) });
        walk(item, p);
      });
    } else if (isScalar(node) && typeof node.value === "string" && hasPlaceholder(node.value)) {
      const r = interpolate(node.value, env);
      if (!r.ok) {
        if (r.kind === "missing") fail(path, node, r.message, "CONFIG_ENV_MISSING", { variable: r.variable });
        fail(path, node, r.message);
        return;
      }
      if (r.vars.length > 0) envRefs.set(formatKeyPath(path), r.vars);
      // `port: ${PORT:-8080}` reads as the number 8080; quote the placeholder to keep a string.
      node.value = r.wholeValue && node.type === Scalar.PLAIN ? scalarFromText(r.value) : r.value;
    }
  };
  walk(doc.contents, []);

  const js: unknown = doc.toJS({ maxAliasCount: 1000 });
  if (js !== null && js !== undefined && !isPlainObject(js)) {
    throw new ConfigError(`${display}: expected a mapping of keys at the top level, got ${Array.isArray(js) ? "a list" : typeof js}`, { file: display });
  }
  const value: Record<string, unknown> = { ...((js ?? {}) as Record<string, unknown>) };
  const imports = readImports(value.imports, origins, display, fail);
  delete value.imports;
  for (const k of [...origins.keys()]) if (k === "imports" || k.startsWith("imports[")) origins.delete(k);
  return { path, display, value, origins, imports, envRefs };
}

function scalarFromText(text: string): unknown {
  try {
    const v: unknown = parse(text);
    return v === null || typeof v === "number" || typeof v === "boolean" ? v : text;
  } catch {
    return text;
  }
}

function readImports(
  raw: unknown,
  origins: Map<string, Origin>,
  display: string,
  fail: (path: (string | number)[], node: unknown, message: string) => never,
): { spec: string; line?: number }[] {
  if (raw === undefined || raw === null) return [];
  const list = typeof raw === "string" ? [raw] : raw;
  if (!Array.isArray(list)) return fail(["imports"], null, "expected a list of relative file paths");
  return list.map((spec: unknown, i) => {
    const line = origins.get(`imports[${i}]`)?.line ?? origins.get("imports")?.line;
    if (typeof spec !== "string" || spec.trim() === "") {
      throw new ConfigError(`${display}${line === undefined ? "" : `:${line}`}: imports[${i}]: expected a relative file path`, { file: display, line, path: `imports[${i}]` });
    }
    return { spec, line };
  });
}
