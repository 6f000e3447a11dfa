import { appendFileSync, copyFileSync, cpSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { deepFreeze } from "../config/freeze";
import { formatKeyPath } from "../config/key-path";
import { loadTrainConfig, type ConfigOf } from "../config/kinds";
import { trainConfigSchema } from "../config/schemas/train";
import { ConfigError } from "../core/errors";
import { writeFileAtomic } from "../infra/fs-atomic";
import { writeReportHtml, type ReportBlock } from "../infra/html-report";
import { systemClock } from "../infra/system-clock";
import type { HistoryRecord, TrialProgress } from "../rl/pbt/protocol";
import { rangeBounds, withHyperparameters, type HyperparameterSpace } from "../rl/pbt/space";
import { runPbt } from "../services/pbt/pbt-run";
import type { CheckpointStore, MemberState, PopulationResult } from "../services/pbt/population";
import { populationReport } from "../services/pbt/report";
import { runSearch } from "../services/pbt/search-run";
import { populationSummary, verdict } from "../services/pbt/summary";
import { formatValue, memberTable, shortKeys } from "../services/pbt/table";
import type { CheckpointEvaluation } from "../services/pbt/trial";
import { createRng } from "../sim/rng";
import { PbtWorkerPool } from "./pbt-pool";

/** `npm run train -- --pbt` and `--search`: the population runs of issue 13, wired for this machine. */
export interface PopulationRequest {
  config: string;
  mode: "pbt" | "search";
  /** Output directory (best checkpoint, history, report, members/); default run.outDir. */
  out?: string;
  /** Env steps per member (PBT) or per full trial (search); default training.totalSteps. */
  steps?: number;
  seed?: number;
  population?: number;
  workers?: number;
  /** Search: sampling method (default search.method). */
  method?: "random" | "grid";
  /** Search: successive halving on or off (default search.successiveHalving.enabled). */
  halving?: boolean;
  trials?: number;
  /** Crash restarts per trial (default 1). */
  maxRestarts?: number;
  /** Trial worker file (tests use one that injects crashes). */
  workerFile?: string;
  /** Where the live table goes; default stderr (redrawn in place on a TTY). */
  live?: { write: (s: string) => void; tty: boolean };
}

export interface PopulationCommandResult {
  result: PopulationResult;
  evaluation: CheckpointEvaluation | null;
  outDir: string;
  history: string;
  report: string;
  workers: number;
  summary: string[];
}

/** Keys a population may not search: they fix the data, the network shape or the step accounting. */
const FIXED = [/^(data|training|run|pbt|search|backtest|conformal|logging)\./, /^ppo\.(numEnvs|rolloutSteps)$/];
const FIXED_PBT = [/^features\./, /^ppo\.nQuantiles$/];

/** Loads the config, applies the command-line overrides and checks the space against it. */
export function loadPopulationConfig(req: PopulationRequest): ConfigOf<"train"> {
  const raw = structuredClone(loadTrainConfig(req.config)) as unknown as Record<string, Record<string, unknown>>;
  if (req.seed !== undefined) raw.training!.seed = req.seed;
  if (req.steps !== undefined) raw.training!.totalSteps = req.steps;
  if (req.population !== undefined) raw.pbt!.population = req.population;
  if (req.workers !== undefined) raw.pbt!.workers = req.workers;
  if (req.method !== undefined) raw.search!.method = req.method;
  if (req.trials !== undefined) raw.search!.trials = req.trials;
  if (req.halving !== undefined) (raw.search!.successiveHalving as Record<string, unknown>).enabled = req.halving;
  const cfg = validated(raw, `${req.config} (with command-line overrides)`);
  const section = req.mode === "pbt" ? "pbt" : "search";
  checkSpace(cfg, cfg[section].space, section, req.mode === "pbt" ? [...FIXED, ...FIXED_PBT] : FIXED);
  return cfg;
}

function validated(raw: unknown, where: string): ConfigOf<"train"> {
  const parsed = trainConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${where}: ${formatKeyPath(issue.path)}: ${issue.message}`, { path: formatKeyPath(issue.path) });
  }
  return deepFreeze(parsed.data) as ConfigOf<"train">;
}

/** Every key must be searchable, and both ends of its range must make a valid config. */
function checkSpace(cfg: ConfigOf<"train">, space: HyperparameterSpace, section: string, fixed: readonly RegExp[]): void {
  for (const [key, range] of Object.entries(space)) {
    const path = `${section}.space.${key}`;
    if (fixed.some((re) => re.test(key))) throw new ConfigError(`${path}: "${key}" cannot be tuned by ${section === "pbt" ? "population-based training" : "search"} (it fixes the data, the networks or the step accounting)`, { path });
    for (const v of rangeBounds(range)) {
      const parsed = trainConfigSchema.safeParse(withHyperparameters(cfg, { [key]: v }));
      if (!parsed.success) throw new ConfigError(`${path}: ${v} is not a valid value for ${key}: ${parsed.error.issues[0]!.message}`, { path });
    }
  }
}

const CHECKPOINT_FILE = /^(model\.json|weights\.bin|critic\.(json|bin)|optimizer\.(json|bin)|manifest\.json)$/;

/** Checkpoints under <out>/members/m<i>/r<round>; the best is copied into <out> itself. */
export class FolderStore implements CheckpointStore {
  constructor(readonly outDir: string) {}
  memberDir(member: number): string {
    return join(this.outDir, "members", `m${member}`);
  }
  trialDir(member: number, round: number): string {
    return join(this.memberDir(member), `r${String(round).padStart(3, "0")}`);
  }
  exploitDir(member: number, round: number, donor: number): string {
    return `${this.trialDir(member, round)}-from-m${donor}`;
  }
  copy(from: string, to: string): void {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true });
  }
  remove(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }
  /** Copies the checkpoint files into <out>, manifest last and atomically, so <out> is always loadable. */
  publishBest(from: string): string {
    const files = readdirSync(from).filter((f) => CHECKPOINT_FILE.test(f) && f !== "manifest.json");
    for (const f of files) copyFileSync(join(from, f), join(this.outDir, f));
    const tmp = join(this.outDir, ".manifest.json.publish");
    copyFileSync(join(from, "manifest.json"), tmp);
    renameSync(tmp, join(this.outDir, "manifest.json"));
    return this.outDir;
  }
}

/** Prepares <out>: refuses a folder holding another kind of checkpoint, clears a previous population run. */
function prepareOutDir(outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  const entries = readdirSync(outDir);
  const previousRun = entries.some((f) => /^(pbt|search)-history\.jsonl$/.test(f));
  if (entries.includes("manifest.json") && !previousRun) {
    throw new ConfigError(`${outDir} holds a checkpoint that is not from a population run; choose another --out (population runs replace the folder's checkpoint with the best member)`, { path: "run.outDir" });
  }
  if (!previousRun) return;
  for (const f of entries) {
    if (f === "members" || /^(pbt|search)-(history\.jsonl|report\.html)$/.test(f) || CHECKPOINT_FILE.test(f)) rmSync(join(outDir, f), { recursive: true, force: true });
  }
}

/** The live member table: redrawn in place on a TTY (at most twice a second), printed after each round otherwise. */
class LiveTable {
  private drawn = 0;
  private last = 0;
  constructor(private readonly out: { write: (s: string) => void; tty: boolean }, private readonly keys: string[], private readonly mode: "pbt" | "search", private readonly metric: string, private readonly t0: number) {}

  show(members: readonly MemberState[], round: number, rounds: number, best: PopulationResult["best"], force: boolean): void {
    const now = systemClock.now();
    if (!force && (!this.out.tty || now - this.last < 500)) return;
    this.last = now;
    const lines = memberTable(members, this.keys, { mode: this.mode, round, rounds, metric: this.metric, elapsedMs: now - this.t0, best });
    const erase = this.out.tty && this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : "";
    this.out.write(`${erase}${lines.join("\n")}\n${this.out.tty ? "" : "\n"}`);
    this.drawn = this.out.tty ? lines.length : 0;
  }
}

export async function runPopulationCommand(req: PopulationRequest): Promise<PopulationCommandResult> {
  const cfg = loadPopulationConfig(req);
  const mode = req.mode;
  const section = mode === "pbt" ? cfg.pbt : cfg.search;
  const metric = section.metric;
  const keys = Object.keys(section.space);
  const members = mode === "pbt" ? cfg.pbt.population : cfg.search.method === "grid" ? Number.POSITIVE_INFINITY : cfg.search.trials;
  const workers = Math.max(1, Math.min(cfg.pbt.workers ?? availableParallelism(), members));
  const outDir = resolve(req.out ?? cfg.run.outDir);
  const historyName = `${mode}-history.jsonl`;
  const history = join(outDir, historyName);
  const report = join(outDir, `${mode}-report.html`);
  prepareOutDir(outDir);
  writeFileAtomic(history, "");

  const store = new FolderStore(outDir);
  const live = new LiveTable(req.live ?? { write: (s) => process.stderr.write(s), tty: process.stderr.isTTY === true }, keys, mode, metric, systemClock.now());
  const records: HistoryRecord[] = [];
  let current: { members: readonly MemberState[]; round: number; rounds: number } | null = null;
  let best: PopulationResult["best"] = null;
  const hooks = {
    record: (r: HistoryRecord): void => {
      records.push(r);
      appendFileSync(history, `${JSON.stringify(r)}\n`);
      if (r.type === "best") best = { member: r.member, round: r.round, metric: r.metric, hyperparameters: r.hyperparameters, checkpoint: r.checkpoint };
      if (r.type === "rank" && current) live.show(current.members, current.round, current.rounds, best, true);
    },
    status: (ms: readonly MemberState[], round: number, rounds: number): void => {
      current = { members: ms, round, rounds };
      live.show(ms, round, rounds, best, false);
    },
    progress: (p: TrialProgress): void => {
      const dir = store.memberDir(p.member);
      mkdirSync(dir, { recursive: true });
      appendFileSync(join(dir, "metrics.jsonl"), `${JSON.stringify(p)}\n`);
    },
  };

  const pool = new PbtWorkerPool({ size: workers, config: cfg, workerFile: req.workerFile });
  try {
    const base = {
      executor: pool,
      store,
      hooks,
      clock: systemClock,
      createRng,
      seed: cfg.training.seed,
      totalSteps: cfg.training.totalSteps,
      quantum: cfg.ppo.numEnvs * cfg.ppo.rolloutSteps,
      metric,
      maxRestarts: req.maxRestarts ?? 1,
      workers,
    };
    const result = mode === "pbt" ? await runPbt({ ...base, pbt: cfg.pbt }) : await runSearch({ ...base, search: cfg.search });
    let evaluation: CheckpointEvaluation | null = null;
    if (result.best) {
      const b = result.best;
      evaluation = await pool.evaluate(outDir, b.hyperparameters, { [mode]: { member: b.member, round: b.round, metric, value: b.metric, hyperparameters: b.hyperparameters, initialMedian: result.initialMedian, initialTop: result.initialTop, finalMedian: result.finalMedian, finalTop: result.finalTop, history: historyName } });
    }
    writeReportHtml(report, `${mode === "pbt" ? "Population-based training" : "Hyperparameter search"}: ${outDir}`, reportBlocks(records, result, metric, keys, evaluation));
    const summary = populationSummary(result, metric, evaluation, { outDir, history, report });
    return { result, evaluation, outDir, history, report, workers, summary };
  } finally {
    await pool.close();
  }
}

function reportBlocks(records: readonly HistoryRecord[], r: PopulationResult, metric: string, keys: string[], evaluation: CheckpointEvaluation | null): ReportBlock[] {
  const rep = populationReport(records);
  const names = shortKeys(keys);
  const blocks: ReportBlock[] = verdict(r, metric).map((text): ReportBlock => ({ kind: "text", text }));
  if (evaluation) {
    const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
    const row = (split: string, label: string, m: CheckpointEvaluation["test"]["policy"]): (string | number)[] => [`${split} ${label}`, pct(m.totalReturn), m.sharpe, m.sortino, pct(m.maxDrawdown), m.trades, m.feesPaid];
    blocks.push({
      kind: "table",
      header: ["best checkpoint", "return", "sharpe", "sortino", "max dd", "trades", "fees"],
      rows: [row("validation", "policy", evaluation.validation.policy), row("validation", "buy-and-hold", evaluation.validation.buyAndHold), row("test", "policy", evaluation.test.policy), row("test", "buy-and-hold", evaluation.test.buyAndHold)],
    });
  }
  blocks.push({ kind: "figure", figure: rep.metric, height: 440 });
  for (const f of rep.hyperparameters) blocks.push({ kind: "figure", figure: f, height: 320 });
  blocks.push({ kind: "heading", text: "Members at the end" });
  blocks.push({ kind: "table", header: ["member", "status", "steps", metric, "best", ...keys.map((k) => names[k]!), "restarts"], rows: r.members.map((m) => [`m${m.member}`, m.status, m.steps, formatValue(m.metric), formatValue(m.bestMetric), ...keys.map((k) => formatValue(m.hyperparameters[k])), m.restarts]) });
  blocks.push({ kind: "heading", text: "Decisions and events" });
  blocks.push({ kind: "table", header: rep.decisions.header, rows: rep.decisions.rows });
  return blocks;
}
