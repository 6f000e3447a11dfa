import { runBacktestCommand, type BacktestOutcome } from "../app/build-backtest";
import { checkpointBacktestPolicy } from "../app/live-checkpoint-backtest";
import { metricsTable } from "../services/backtest/report";
import { STRATEGY_NAMES } from "../services/strategies/baselines";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";
import { progressLine } from "./progress";

export const backtestCommand = defineCommand({
  command: "npm run backtest --",
  summary: "Backtest a rule strategy (or a trained checkpoint) on the embedded data through the execution simulator, next to buy-and-hold.",
  flags: {
    strategy: { type: "string", description: "rule baseline", choices: STRATEGY_NAMES, default: "sma-cross" },
    model: { type: "string", description: "a trained checkpoint instead of a rule baseline (the live runner's decision path)", valueName: "dir" },
    symbol: { type: "string", description: "symbol(s); several share one account", multiple: true, valueName: "S" },
    venue: { type: "string", description: "data venue partition (default from the config)", valueName: "V" },
    timeframe: { type: "string", description: "bar timeframe; resampled from 1m when not stored (default from the config)", valueName: "T" },
    from: { type: "string", description: "start date (inclusive, UTC), e.g. 2025-06-01", valueName: "D" },
    to: { type: "string", description: "end date (exclusive, UTC)", valueName: "D" },
    cash: { type: "number", description: "initial cash in the quote currency (default env.initialCash)", min: 0 },
    seed: { type: "integer", description: "seed of the simulator's random streams (latency, Brownian bridge)", default: 0 },
    config: { type: "string", description: "config with execution, data and backtest sections", default: "configs/config_train.yaml", valueName: "file" },
    report: { type: "string", description: "write a standalone HTML report (works offline)", valueName: "out.html" },
    json: { type: "boolean", description: "print the result as JSON instead of a table" },
  },
  examples: [
    "npm run backtest -- --strategy sma-cross --symbol BTCUSDT --from 2025-06-01 --to 2025-08-01",
    "npm run backtest -- --strategy momentum --symbol BTCUSDT --symbol ETHUSDT --report reports/momentum.html",
    "npm run backtest -- --model checkpoints/demo --symbol BTCUSDT --from 2025-08-01 --to 2025-08-18",
  ],
  notes: ["Costs are on: fees, slippage, latency and exchange filters from the config's execution section.", "Exit codes: 0 ok, 1 error (bad data, config), 2 usage error."],
});

export function summaryJson(o: BacktestOutcome): Record<string, unknown> {
  const r = o.result;
  return {
    label: r.label,
    symbols: r.symbols,
    from: new Date(r.from).toISOString(),
    to: new Date(r.to).toISOString(),
    bars: r.run.ts.length,
    metrics: r.metrics,
    benchmark: r.benchmarkMetrics,
    fillsDigest: r.fillsDigest,
    rejections: r.run.rejections.length,
    report: o.reportPath,
    timingsMs: o.timings,
  };
}

export async function backtestMain(argv: readonly string[], io: CliIo, isTty = process.stderr.isTTY === true): Promise<number> {
  return runCommand(backtestCommand, argv, async (a) => {
    const f = a.flags;
    const started = performance.now();
    const out = await runBacktestCommand({
      config: f.config,
      strategy: f.strategy,
      policy: f.model === undefined ? undefined : checkpointBacktestPolicy(f.model, f.config),
      symbols: f.symbol,
      venue: f.venue,
      timeframe: f.timeframe,
      from: f.from,
      to: f.to,
      initialCash: f.cash,
      seed: f.seed,
      report: f.report,
      onProgress: f.json ? undefined : (phase, done, total) => progressLine(io, isTty, phase, done, total, started),
    });
    for (const w of out.warnings) io.err(`warning: ${w}`);
    if (f.json) {
      io.out(JSON.stringify(summaryJson(out), null, 2));
      return 0;
    }
    const r = out.result;
    const t = metricsTable(r);
    const w = t.header.map((h, j) => Math.max(h.length, ...t.rows.map((row) => row[j]!.length)));
    io.out(`\n${r.label} on ${r.symbols.join(", ")}: ${r.run.ts.length.toLocaleString("en-US")} bars, ${new Date(r.from).toISOString().slice(0, 16)} to ${new Date(r.to).toISOString().slice(0, 16)} UTC`);
    io.out(t.header.map((h, j) => (j === 0 ? h.padEnd(w[j]!) : h.padStart(w[j]!))).join("  "));
    io.out(w.map((x) => "-".repeat(x)).join("  "));
    for (const row of t.rows) io.out(row.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join("  "));
    if (r.run.rejections.length > 0) io.out(`\n${r.run.rejections.length} order(s) rejected before reaching the book; first: ${r.run.rejections[0]!.message}`);
    io.out(`\nfills digest ${r.fillsDigest}; data load ${out.timings.loadMs.toFixed(0)} ms, simulation ${out.timings.simulateMs.toFixed(0)} ms`);
    if (out.reportPath) io.out(`report: ${out.reportPath}`);
    return 0;
  }, io);
}

runIfEntry(/backtest\.ts$/, (argv, io) => backtestMain(argv, io));
