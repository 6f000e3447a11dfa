import { isSecretKey, MASK } from "../config/mask";
import { isPlainObject } from "../config/merge";

/** Copy of a log object with values under secret-looking keys replaced (plain objects and arrays only). */
export function redactKeys(v: unknown, depth = 0): unknown {
  if (depth > 12) return v;
  if (Array.isArray(v)) return v.map((x) => redactKeys(x, depth + 1));
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    out[k] = isSecretKey(k) && x !== undefined && x !== null && x !== "" && (typeof x !== "object" || isPlainObject(x) || Array.isArray(x)) ? MASK : redactKeys(x, depth + 1);
  }
  return out;
}

const COLORS: Record<string, string> = { trace: "90", debug: "36", info: "32", warn: "33", error: "31", fatal: "35" };
const HIDDEN = new Set(["time", "level", "msg", "pid", "hostname", "name", "component"]);

function scalar(v: unknown): string {
  if (typeof v === "string") return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

function errorText(e: unknown): string {
  if (!isPlainObject(e)) return scalar(e);
  const type = typeof e.type === "string" ? e.type : "Error";
  const code = typeof e.code === "string" ? ` [${e.code}]` : "";
  const frame = typeof e.stack === "string" ? /\n\s+at (.+)/.exec(e.stack)?.[1] : undefined;
  return JSON.stringify(`${type}${code}: ${String(e.message ?? "")}${frame ? ` (at ${frame})` : ""}`);
}

/**
 * One JSON log line as one readable line: `12:00:01.234 INFO  [venue] message key=value`.
 * Anything that is not a JSON object passes through unchanged.
 */
export function formatPrettyLine(line: string, color = false): string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return line.endsWith("\n") ? line : `${line}\n`;
  }
  if (!isPlainObject(o)) return line.endsWith("\n") ? line : `${line}\n`;
  const time = typeof o.time === "string" ? o.time.replace(/^\d{4}-\d{2}-\d{2}T/, "").replace(/Z$/, "") : "";
  const level = typeof o.level === "string" ? o.level : String(o.level ?? "");
  const lvl = level.toUpperCase().padEnd(5);
  const tag = [o.name, o.component].filter((x) => typeof x === "string" && x !== "").join("/");
  const fields = Object.entries(o)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${k === "err" || k === "error" ? errorText(v) : scalar(v)}`);
  const head = color && COLORS[level] ? `\u001b[${COLORS[level]}m${lvl}\u001b[0m` : lvl;
  const msg = typeof o.msg === "string" ? o.msg.replace(/\n/g, "\\n") : "";
  return `${[time, head, tag ? `[${tag}]` : "", msg, ...fields].filter((s) => s !== "").join(" ")}\n`;
}
