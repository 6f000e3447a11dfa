import { runTrainCommand, type TrainingSetup } from "../app/build-training";
import { runPopulationCommand } from "../app/build-pbt";
import { isTradelabError } from "../core/errors";
import type { TrainProgress } from "../rl/trainer";
import type { SplitReport, TrainingReport } from "../services/train";
import { type CliIo, defineCommand, type FlagValues, runCommand, runIfEntry, UsageError } from "./args";

export const trainCommand = defineCommand({
  command: "npm run train --",
  summary: "Train the distributional PPO agent on the embedded bars (costs on) and write a checkpoint with its validation and test metrics next to buy-and-hold.",
  flags: {
    config: { type: "string", description: "training config", default: "configs/config_train.yaml", valueName: "file" },
    out: { type: "string", description: "checkpoint directory (default run.outDir)", valueName: "dir" },
    steps: { type: "integer", description: "env steps in all (default training.totalSteps)", min: 1, valueName: "N" },
    seed: { type: "integer", description: "seed of everything: weights, sampling, envs (default training.seed)", valueName: "S" },
    resume: { type: "string", description: "continue exactly from a checkpoint's training state, e.g. <out>/last", valueName: "dir" },
    json: { type: "boolean", description: "print the final report as JSON" },
    pbt: { type: "boolean", description: "population-based training (pbt: section): members train side by side, the worst copy the best and perturb their hyperparameters" },
    population: { type: "integer", description: "PBT members (default pbt.population)", min: 2, valueName: "N" },
    search: { type: "string", description: "hyperparameter search (search: section): random or grid with every trial at the full budget, or halving (search.method with successive halving)", choices: ["random", "grid", "halving"], valueName: "kind" },
    trials: { type: "integer", description: "random-search trials (default search.trials)", min: 1, valueName: "N" },
    workers: { type: "integer", description: "worker threads for --pbt/--search (default one per CPU core, at most the population)", min: 1, valueName: "N" },
  },
  examples: [
    "npm run train -- --config configs/config_train.yaml --out checkpoints/x",
    "npm run train -- --config configs/config_train.yaml --out checkpoints/x --steps 200000 --seed 7",
    "npm run train -- --config configs/config_train.yaml --out checkpoints/x --resume checkpoints/x/last --steps 400000",
    "npm run train -- --config configs/config_train.yaml --pbt --population 4 --steps 200000 --out checkpoints/pbt",
    "npm run train -- --config configs/config_train.yaml --search halving --trials 9 --out checkpoints/search",
  ],
  notes: [
    "Writes <out>/ (the best checkpoint by the validation metric, or the final one), <out>/last/ (latest, for --resume) and <out>/metrics.jsonl (one line per update).",
    "A checkpoint is model.json + weights.bin (the policy as a tfjs Layers model), critic.*, optimizer.* and manifest.json (feature schema hash, normaliser, config, data range, seed, backend, metrics).",
    "--pbt/--search write <out>/ (the best member's checkpoint), <out>/pbt-history.jsonl or search-history.jsonl (every report and decision), <out>/*-report.html (metric over time per member) and <out>/members/ (checkpoints and metrics per member); --steps is the budget per member.",
    "Exit codes: 0 ok, 1 error (bad config or data), 2 usage error.",
  ],
});

const fmtInt = (n: number): string => Math.round(n).toLocaleString("en-US");
const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(d));

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${s}s`;
}

/** One progress line per update: steps, rate, ETA, episode return, losses, KL, explained variance, entropy. */
export function progressText(p: TrainProgress): string {
  const parts = [
    `update ${p.update}/${p.totalUpdates}`,
    `${fmtInt(p.steps)}/${fmtInt(p.totalSteps)} steps (${((100 * p.steps) / p.totalSteps).toFixed(0)}%)`,
    `${fmtInt(p.stepsPerSec)} steps/s`,
    `ETA ${duration(p.etaMs)}`,
    `ep.return ${num(p.episodeReturn, 4)}`,
    `pi ${num(p.stats.policyLoss, 4)}`,
    `v ${num(p.stats.valueLoss, 4)}`,
    `kl ${num(p.stats.approxKl, 4)}${p.stats.earlyStop ? "*" : ""}`,
    `ev ${num(p.explainedVariance, 2)}`,
    `ent ${num(p.stats.entropy, 2)}`,
  ];
  if (p.eval) parts.push(`val sharpe ${num(p.eval.sharpe, 2)} ret ${p.eval.totalReturn !== undefined ? pct(p.eval.totalReturn) : "-"}`);
  return parts.join(" | ");
}

function splitRows(name: string, r: SplitReport): string[] {
  const row = (label: string, m: SplitReport["policy"]): string =>
    `  ${`${name} ${label}`.padEnd(24)} ${pct(m.totalReturn).padStart(9)} ${num(m.sharpe, 2).padStart(7)} ${num(m.sortino, 2).padStart(8)} ${pct(m.maxDrawdown).padStart(8)} ${fmtInt(m.trades).padStart(7)} ${m.feesPaid.toFixed(2).padStart(9)} ${pct(m.exposure).padStart(9)}`;
  return [row("policy", r.policy), row("buy-and-hold", r.buyAndHold)];
}

export function summaryText(setup: TrainingSetup, r: TrainingReport): string[] {
  const s = r.summary;
  const lines = [
    "",
    `trained ${fmtInt(s.steps)} env steps in ${s.updates} updates, ${duration(s.elapsedMs)} (${fmtInt(s.stepsPerSec)} steps/s on ${setup.backend}; rollouts ${duration(s.rolloutMs)}, updates ${duration(s.updateMs)})`,
    `best validation ${s.bestMetric === null ? "-" : num(s.bestMetric, 3)} at update ${s.bestUpdate ?? "-"}; checkpoint ${r.checkpoint ?? "(not saved)"}`,
    "",
    `  ${"split".padEnd(24)} ${"return".padStart(9)} ${"sharpe".padStart(7)} ${"sortino".padStart(8)} ${"max dd".padStart(8)} ${"trades".padStart(7)} ${"fees".padStart(9)} ${"exposure".padStart(9)}`,
    ...splitRows("validation", r.validation),
    ...splitRows("test", r.test),
    "",
    "Metrics are from one deterministic pass over each split with fees, slippage, latency and filters on.",
  ];
  if (r.checkpoint) lines.push(`metrics: ${r.checkpoint}/metrics.jsonl; resume with --resume ${r.checkpoint}/last`);
  return lines;
}

export async function trainMain(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(trainCommand, argv, async (a) => {
    const f = a.flags;
    if (f.pbt || f.search !== undefined) return populationMain(f, io);
    if (f.population !== undefined || f.trials !== undefined || f.workers !== undefined) throw new UsageError("--population, --trials and --workers go with --pbt or --search");
    try {
      const { report, setup } = await runTrainCommand({
        config: f.config,
        out: f.out,
        steps: f.steps,
        seed: f.seed,
        resume: f.resume,
        onReady: (s) =>
          io.err(
            `training on ${s.symbol} ${s.timeframe}: ${fmtInt(s.trainBars)} train bars, obs ${s.obsSize} features (schema ${s.featureHash.slice(0, 12)}), ${fmtInt(s.totalSteps)} steps, seed ${s.seed}, tfjs ${s.backend}${s.resumeFrom ? `, resuming from ${s.resumeFrom}` : ""} -> ${s.outDir}`,
          ),
        onProgress: (p) => io.err(progressText(p)),
      });
      if (f.json) io.out(JSON.stringify({ setup, ...report }, null, 2));
      else for (const l of summaryText(setup, report)) io.out(l);
      return 0;
    } catch (e) {
      if (!isTradelabError(e)) throw e;
      io.err(`error: ${e.message} [${e.code}]`);
      return 1;
    }
  }, io);
}

async function populationMain(f: FlagValues<typeof trainCommand.flags>, io: CliIo): Promise<number> {
  if (f.pbt && f.search !== undefined) throw new UsageError("--pbt and --search are different runs; give one");
  if (f.resume !== undefined) throw new UsageError("--resume continues a single run; it does not go with --pbt or --search");
  if (f.pbt ? f.trials !== undefined : f.population !== undefined) throw new UsageError(f.pbt ? "--trials goes with --search" : "--population goes with --pbt");
  const search = f.search === "halving" ? { halving: true } : f.search !== undefined ? { method: f.search as "random" | "grid", halving: false } : {};
  try {
    const r = await runPopulationCommand({ config: f.config, mode: f.pbt ? "pbt" : "search", out: f.out, steps: f.steps, seed: f.seed, population: f.population, trials: f.trials, workers: f.workers, ...search });
    if (f.json) io.out(JSON.stringify({ result: r.result, evaluation: r.evaluation, outDir: r.outDir, history: r.history, report: r.report }, null, 2));
    else for (const l of r.summary) io.out(l);
    return 0;
  } catch (e) {
    if (!isTradelabError(e)) throw e;
    io.err(`error: ${e.message} [${e.code}]`);
    return 1;
  }
}

runIfEntry(/train\.ts$/, (argv, io) => trainMain(argv, io));
