import { runSlippageCalibration, type SlippageCalibrationOutcome } from "../app/build-calibration";
import { slippageSummaryRows } from "../services/calibrate-slippage-report";
import { fmt } from "../services/calibration/report-blocks";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";

export const calibrateSlippageCommand = defineCommand({
  command: "npm run calibrate:slippage --",
  summary: "Fit the square-root slippage model (half-spread + k * sigma * sqrt(q / V)) from the recorded order book or from our own fills, and write a profile the simulator loads.",
  flags: {
    symbol: { type: "string", description: "symbol(s) to calibrate (default: the config's data.symbols)", multiple: true, valueName: "S" },
    source: { type: "string", description: "book: walk market orders through the recorded book; journal: our own fills", choices: ["book", "journal"], default: "book" },
    journal: { type: "string", description: "fills journal folder or .jsonl file (source journal)", default: "state/journal", valueName: "path" },
    venue: { type: "string", description: "data venue partition (default from the config)", valueName: "V" },
    timeframe: { type: "string", description: "bars for sigma and V: the timeframe your backtests run on (default from the config)", valueName: "T" },
    from: { type: "string", description: "window start (inclusive, UTC)", valueName: "D" },
    to: { type: "string", description: "window end (exclusive, UTC)", valueName: "D" },
    sizes: { type: "integer", description: "order sizes per snapshot and side (log-spaced)", default: 20, min: 2 },
    minNotional: { type: "number", description: "smallest order, quote currency", default: 10, min: 0 },
    maxDepthQuantile: { type: "number", description: "largest order = this quantile of the thinner side's visible depth", default: 0.25, min: 0 },
    warmupBars: { type: "integer", description: "bars that must close before a snapshot or fill is used (default 3 book, 1 journal)", min: 0 },
    buckets: { type: "integer", description: "notional buckets for the residual table", default: 8, min: 1 },
    config: { type: "string", description: "config with data and execution sections", default: "configs/config_train.yaml", valueName: "file" },
    dataDir: { type: "string", description: "data folder (default: the config's data.dir)", valueName: "dir" },
    out: { type: "string", description: "write the slippage profile JSON here (merged with an existing profile)", valueName: "f.json" },
    replace: { type: "boolean", description: "drop symbols of an existing --out profile that were not recalibrated" },
    report: { type: "string", description: "write an HTML report: fit over the measurements, residuals by size", valueName: "out.html" },
    json: { type: "boolean", description: "print the fitted parameters and statistics as JSON" },
  },
  examples: [
    "npm run calibrate:slippage -- --symbol BTCUSDT --out data/slippage/profile.json --report reports/slippage.html",
    "npm run calibrate:slippage -- --source journal --journal state/journal --symbol BTCUSDT --out data/slippage/profile.json",
  ],
  notes: [
    "The profile is used with execution.slippage.kind: profile and execution.slippage.profileFile: <the --out file>.",
    "sigma (per-bar Parkinson volatility) and V (bar volume) are computed exactly as the simulator does, so k carries over to backtests on the same timeframe.",
    "Exit codes: 0 ok, 1 bad data or config (nothing written), 2 usage error.",
  ],
});

function jsonSummary(o: SlippageCalibrationOutcome): unknown {
  return {
    symbols: o.results.map((r) => ({ symbol: r.symbol, method: r.method, params: r.params, fit: { ...r.fit, buckets: r.fit.buckets }, measured: { ...r.measured, sizes: undefined }, realOrders: r.realOrders ? { n: r.realOrders.n, meanObservedBps: r.realOrders.meanObservedBps, meanPredictedBps: r.realOrders.meanPredictedBps, rmse: r.realOrders.rmse, r2: r.realOrders.r2 } : null })),
    profile: o.profile,
    out: o.outPath ?? null,
    report: o.reportPath ?? null,
  };
}

export async function calibrateSlippageMain(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(
    calibrateSlippageCommand,
    argv,
    async (a) => {
      const f = a.flags;
      const o = await runSlippageCalibration({
        config: f.config,
        dataDir: f.dataDir,
        symbols: f.symbol,
        source: f.source,
        journal: f.journal,
        venue: f.venue,
        timeframe: f.timeframe,
        from: f.from,
        to: f.to,
        sizes: f.sizes,
        minNotional: f.minNotional,
        maxDepthQuantile: f.maxDepthQuantile,
        warmupBars: f.warmupBars,
        buckets: f.buckets,
        out: f.out,
        replace: f.replace,
        report: f.report,
      });
      if (f.json) {
        io.out(JSON.stringify(jsonSummary(o), null, 2));
        return 0;
      }
      for (const r of o.results) {
        io.out(`\n${r.symbol}: slippage fit (${r.method})`);
        const rows = slippageSummaryRows(r);
        const w = Math.max(...rows.map(([k]) => k.length));
        for (const [k, v] of rows) io.out(`  ${k.padEnd(w)}  ${v}`);
        io.out(`\n  ${"notional bucket".padEnd(22)} ${"n".padStart(6)} ${"measured".padStart(10)} ${"fitted".padStart(10)} ${"residual".padStart(10)} ${"std".padStart(10)}`);
        for (const b of r.fit.buckets) io.out(`  ${b.label.padEnd(22)} ${String(b.n).padStart(6)} ${fmt(b.meanObserved).padStart(10)} ${fmt(b.meanFitted).padStart(10)} ${fmt(b.meanResidual).padStart(10)} ${fmt(b.stdResidual).padStart(10)}`);
      }
      if (o.skippedLines > 0) io.out(`\n${o.skippedLines} torn journal line(s) skipped`);
      io.out("");
      for (const [sym, e] of Object.entries(o.profile.symbols)) io.out(`profile ${sym}: halfSpreadBps ${e.halfSpreadBps}, k ${e.k}`);
      if (o.outPath) io.out(`profile written: ${o.outPath} (use it with execution.slippage.kind: profile, profileFile: ${o.outPath})`);
      else io.out("no profile written (give --out f.json)");
      if (o.reportPath) io.out(`report: ${o.reportPath}`);
      return 0;
    },
    io,
  );
}

runIfEntry(/calibrate-slippage\.ts$/, calibrateSlippageMain);
