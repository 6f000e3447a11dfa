import type { BestCheckpoint, MemberState } from "./population";

/** Column names for hyperparameter key paths: the path without its section (`learningRate.lr`), or the full path when that is ambiguous. */
export function shortKeys(keys: readonly string[]): Record<string, string> {
  const tail = (k: string): string => (k.includes(".") ? k.slice(k.indexOf(".") + 1) : k);
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(tail(k), (counts.get(tail(k)) ?? 0) + 1);
  return Object.fromEntries(keys.map((k) => [k, counts.get(tail(k))! > 1 ? k : tail(k)]));
}

/** A hyperparameter value in 4 significant digits, without exponent noise for plain numbers. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "-";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}

const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

export interface TableHeader {
  mode: "pbt" | "search";
  round: number;
  rounds: number;
  metric: string;
  elapsedMs: number;
  best: BestCheckpoint | null;
}

/** The live table: one row per member (status, steps, metric, best, hyperparameters, last event). */
export function memberTable(members: readonly MemberState[], keys: readonly string[], h: TableHeader): string[] {
  const names = shortKeys(keys);
  const header = ["member", "status", "steps", "steps/s", h.metric, "best", ...keys.map((k) => names[k]!), "note"];
  const rows = members.map((m) => [
    `m${m.member}`,
    m.status,
    fmtInt(m.status === "running" ? m.liveSteps : m.steps),
    m.status === "running" && m.stepsPerSec > 0 ? fmtInt(m.stepsPerSec) : "",
    formatValue(m.metric),
    formatValue(m.bestMetric),
    ...keys.map((k) => formatValue(m.hyperparameters[k])),
    m.note,
  ]);
  const widths = header.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const label = h.mode === "pbt" ? `PBT round ${h.round}/${h.rounds}` : `search rung ${h.round}/${h.rounds}`;
  const best = h.best ? `best ${h.metric} ${formatValue(h.best.metric)} (m${h.best.member}, round ${h.best.round})` : "no best yet";
  return [`${label} | ${best} | ${formatDuration(h.elapsedMs)}`, line(header), ...rows.map(line)];
}
