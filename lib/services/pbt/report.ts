import type { Figure } from "../../core/figure";
import { linesFigure } from "../../plot/charts";
import type { HistoryRecord } from "../../rl/pbt/protocol";
import { formatValue, shortKeys } from "./table";

/** What the population report shows, built from the history alone (so it can be rebuilt from the JSONL). */
export interface PopulationReport {
  /** Validation metric over env steps, one line per member. */
  metric: Figure;
  /** One figure per hyperparameter: the value each member trained with, per round. */
  hyperparameters: Figure[];
  /** Exploit/explore, promote/stop, crashes and restarts, in order. */
  decisions: { header: string[]; rows: string[][] };
}

type Start = Extract<HistoryRecord, { type: "start" }>;
type Report = Extract<HistoryRecord, { type: "report" }>;

function describe(r: HistoryRecord, names: Record<string, string>): string[] | null {
  const m = (id: number): string => `m${id}`;
  switch (r.type) {
    case "exploit":
      return [String(r.round), m(r.member), "exploit", `copied ${m(r.donor)} (${formatValue(r.donorMetric)} > ${formatValue(r.memberMetric)}): weights, optimizer state, hyperparameters`];
    case "explore":
      return [String(r.round), m(r.member), "explore", r.changes.map((c) => `${names[c.key] ?? c.key} ${formatValue(c.from)} -> ${formatValue(c.to)} (${c.op === "perturb" ? `x${c.factor}` : "resampled"})`).join("; ")];
    case "promote":
      return [String(r.round), m(r.member), "promote", `rank ${r.rank}, continues to ${r.nextSteps.toLocaleString("en-US")} steps`];
    case "stop":
      return [String(r.round), m(r.member), "stop", `rank ${r.rank} (${formatValue(r.metric)})`];
    case "crash":
      return [String(r.round), m(r.member), "crash", `attempt ${r.attempt}: ${r.error.split("\n")[0]}`];
    case "restart":
      return [String(r.round), m(r.member), "restart", `attempt ${r.attempt} from ${r.from ?? "scratch"}`];
    case "failed":
      return [String(r.round), m(r.member), "failed", r.error.split("\n")[0]!];
    case "best":
      return [String(r.round), m(r.member), "best", `${formatValue(r.metric)} -> published`];
    default:
      return null;
  }
}

/** A point per round: members report once per round, so the points matter more than the lines. */
function withMarkers(f: Figure): Figure {
  return { ...f, data: f.data.map((t) => ({ ...t, mode: "lines+markers" })) };
}

export function populationReport(records: readonly HistoryRecord[]): PopulationReport {
  const start = records.find((r): r is Start => r.type === "start");
  if (!start) throw new RangeError("population history has no start record");
  const keys = Object.keys(start.space);
  const names = shortKeys(keys);
  const members = records.filter((r) => r.type === "member").map((r) => (r as Extract<HistoryRecord, { type: "member" }>).member);
  const reports = records.filter((r): r is Report => r.type === "report");
  const at = (member: number, round: number): Report | undefined => reports.find((r) => r.member === member && r.round === round);
  const rounds = start.roundSteps.map((_, i) => i + 1);
  const x = start.roundSteps;
  const series = (value: (r: Report) => number | null): Record<string, Float64Array> =>
    Object.fromEntries(
      members.map((m) => [
        `m${m}`,
        Float64Array.from(rounds, (round) => {
          const r = at(m, round);
          const v = r ? value(r) : null;
          return v === null ? Number.NaN : v;
        }),
      ]),
    );
  const noun = start.mode === "pbt" ? "member" : "trial";
  const metric = withMarkers(linesFigure(`validation ${start.metric} per ${noun}`, x, series((r) => r.metric), { x: "env steps", y: start.metric }));
  const hyperparameters = keys.map((k) => {
    const f = withMarkers(linesFigure(`${names[k]} per ${noun}`, x, series((r) => r.hyperparameters[k] ?? null), { x: "env steps", y: k }));
    // log-scale ranges are sampled and perturbed in log space: show them that way
    const range = start.space[k] as { scale?: string } | undefined;
    if (range?.scale === "log") f.layout = { ...f.layout, yaxis: { ...(f.layout.yaxis as Record<string, unknown>), type: "log" } };
    return f;
  });
  const rows = records.map((r) => describe(r, names)).filter((r): r is string[] => r !== null);
  return { metric, hyperparameters, decisions: { header: ["round", noun, "event", "details"], rows } };
}
