import type { SplitReport } from "../train";
import type { PopulationResult } from "./population";
import { formatDuration, formatValue, shortKeys } from "./table";
import type { CheckpointEvaluation } from "./trial";

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;

function splitRows(name: string, r: SplitReport): string[] {
  const row = (label: string, m: SplitReport["policy"]): string =>
    `  ${`${name} ${label}`.padEnd(24)} ${pct(m.totalReturn).padStart(9)} ${formatValue(m.sharpe).padStart(9)} ${formatValue(m.sortino).padStart(9)} ${pct(m.maxDrawdown).padStart(8)} ${Math.round(m.trades).toLocaleString("en-US").padStart(7)} ${m.feesPaid.toFixed(2).padStart(9)}`;
  return [row("policy", r.policy), row("buy-and-hold", r.buyAndHold)];
}

/**
 * Whether the population improved, in words: the best checkpoint against the initial median, when
 * it was found, and the last round against the first (best-of-the-first-round beats its median by
 * construction, so the last round says whether training on made things better).
 */
export function verdict(r: PopulationResult, metric: string): string[] {
  if (r.best === null) return [`no member reported a finite validation ${metric}`];
  const round = r.mode === "pbt" ? "round" : "rung";
  const b = r.best;
  const lines: string[] = [];
  if (r.initialMedian === null) lines.push(`best validation ${metric} ${formatValue(b.metric)} (m${b.member}, ${round} ${b.round}); ${round} 1 had no finite metric to compare with`);
  else lines.push(`best validation ${metric} ${formatValue(b.metric)} (m${b.member}, ${round} ${b.round}) ${b.metric > r.initialMedian ? "beats" : "does NOT beat"} the population's initial median ${formatValue(r.initialMedian)} (after ${round} 1)`);
  if (r.rounds > 1 && b.round === 1) lines.push(`the best was reached in ${round} 1 and no later ${round} improved on it: it comes from the initial draw of hyperparameters, not from further training`);
  if (r.rounds > 1) {
    const last = r.finalTop !== null && r.initialMedian !== null ? (r.finalTop > r.initialMedian ? "above" : "NOT above") : "not comparable with";
    lines.push(`${round} 1: top ${formatValue(r.initialTop)}, median ${formatValue(r.initialMedian)}; last ${round}: top ${formatValue(r.finalTop)} (${last} the initial median), median ${formatValue(r.finalMedian)}`);
  }
  return lines;
}

export interface SummaryPaths {
  outDir: string;
  history: string;
  report: string;
}

/** The one-screen summary printed at the end of a PBT or search run. */
export function populationSummary(r: PopulationResult, metric: string, evaluation: CheckpointEvaluation | null, paths: SummaryPaths): string[] {
  const keys = r.best ? Object.keys(r.best.hyperparameters) : [];
  const names = shortKeys(keys);
  const failed = r.members.filter((m) => m.status === "failed").map((m) => `m${m.member}`);
  const restarts = r.members.reduce((n, m) => n + m.restarts, 0);
  const lines = [
    "",
    `${r.mode === "pbt" ? "population-based training" : "search"}: ${r.members.length} ${r.mode === "pbt" ? "members" : "trials"}, ${r.rounds} ${r.mode === "pbt" ? "rounds" : "rungs"}, ${formatDuration(r.elapsedMs)}; ${restarts} restart(s)${failed.length > 0 ? `, failed at the end: ${failed.join(", ")}` : ""}`,
    ...verdict(r, metric),
  ];
  if (r.best) lines.push(`best hyperparameters: ${keys.map((k) => `${names[k]}=${formatValue(r.best!.hyperparameters[k])}`).join(", ")}`);
  if (evaluation) {
    lines.push(
      "",
      `  ${"split".padEnd(24)} ${"return".padStart(9)} ${"sharpe".padStart(9)} ${"sortino".padStart(9)} ${"max dd".padStart(8)} ${"trades".padStart(7)} ${"fees".padStart(9)}`,
      ...splitRows("validation", evaluation.validation),
      ...splitRows("test", evaluation.test),
      "",
      "The best checkpoint was chosen on validation, so its validation figures are optimistic; test was not used for any decision.",
    );
  }
  lines.push(`checkpoint: ${r.best ? paths.outDir : "(none)"}; history: ${paths.history}; report: ${paths.report}`);
  return lines;
}
