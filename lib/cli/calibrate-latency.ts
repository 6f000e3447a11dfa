import { runLatencyCalibration, type LatencyCalibrationOutcome } from "../app/build-calibration";
import { journalLatencyRows, seasonalityRows, streamLatencyRows } from "../services/calibrate-latency-report";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";

export const calibrateLatencyCommand = defineCommand({
  command: "npm run calibrate:latency --",
  summary: "Fit the latency model (lognormal base and jitter, spike rate and size) from order timestamps and recorded streams, and the 168 hour-of-week liquidity/latency multipliers from bar volume and trade counts.",
  flags: {
    journal: { type: "string", description: 'journal folder or .jsonl with order updates and fills (sent -> ack -> fill); default state/journal when it has files; "" skips', valueName: "path" },
    journalSymbol: { type: "string", description: "only this symbol's orders from the journal", valueName: "S" },
    deseasonalise: { type: "boolean", description: "divide journal latencies by the config's hour-of-week multipliers, as the simulator applies them (default on; --no-deseasonalise)", default: true },
    streamSymbol: { type: "string", description: 'recorded trade stream to analyse (event vs receive time); "" skips (default: the config\'s first symbol)', valueName: "S" },
    baseMs: { type: "number", description: "assumed median one-way latency for the stream fit, ms (default: the journal fit, else the config's baseMs)", min: 0 },
    seasonalitySymbol: { type: "string", description: 'bars for the seasonality; "" skips (default: the config\'s first symbol)', valueName: "S" },
    seasonalityTimeframe: { type: "string", description: "bar timeframe for the seasonality", default: "1m", valueName: "T" },
    minBarsPerHour: { type: "integer", description: "hours of the week with fewer bars are filled, not estimated", default: 30, min: 1 },
    statistic: { type: "string", description: "per-hour statistic of volume and trade counts", choices: ["mean", "median"], default: "mean" },
    venue: { type: "string", description: "data venue partition (default from the config)", valueName: "V" },
    from: { type: "string", description: "stream window start (inclusive, UTC)", valueName: "D" },
    to: { type: "string", description: "stream window end (exclusive, UTC)", valueName: "D" },
    config: { type: "string", description: "config with data and execution sections", default: "configs/config_train.yaml", valueName: "file" },
    dataDir: { type: "string", description: "data folder (default: the config's data.dir)", valueName: "dir" },
    seasonalityOut: { type: "string", description: "seasonality file (default: the config's latency.seasonalityFile, data/latency/liquidity_latency_seasonality.json)", valueName: "f.json" },
    out: { type: "string", description: "write the fitted execution.latency keys as a `kind: latency` YAML config", valueName: "f.yaml" },
    report: { type: "string", description: "write an HTML report: CDF fit, residuals, seasonality heatmap", valueName: "out.html" },
    dryRun: { type: "boolean", description: "print only; write no file" },
    json: { type: "boolean", description: "print the results as JSON" },
  },
  examples: [
    "npm run calibrate:latency -- --report reports/latency.html",
    "npm run calibrate:latency -- --journal state/journal --out configs/latency.calibrated.yaml",
    'npm run calibrate:latency -- --stream-symbol "" --seasonality-symbol ETHUSDT --dry-run',
  ],
  notes: [
    "The recorded streams' local clock was not synced to the venue: recv - E is clock offset + transit, so only the jitter above its floor, the clock drift and the venue-internal E - T delay are measured there. The absolute level comes from a journal or --base-ms.",
    "Exit codes: 0 ok, 1 bad data or config (nothing written), 2 usage error.",
  ],
});

function printTable(io: CliIo, title: string, rows: [string, string][]): void {
  io.out(`\n${title}`);
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.out(`  ${k.padEnd(w)}  ${v}`);
}

function jsonSummary(o: LatencyCalibrationOutcome): unknown {
  const strip = <T extends { samples?: unknown }>(x: T | undefined) => (x ? { ...x, samples: undefined } : null);
  return {
    params: o.params ?? null,
    journal: strip(o.journal),
    stream: strip(o.stream),
    seasonality: o.seasonality ? { multipliers: Array.from(o.seasonality.multipliers), barsPerHour: Array.from(o.seasonality.barsPerHour), filledHours: o.seasonality.filledHours, method: o.seasonality.method, provenance: o.seasonality.provenance } : null,
    notes: o.notes,
    written: { seasonality: o.seasonalityPath ?? null, config: o.outPath ?? null, report: o.reportPath ?? null },
  };
}

export async function calibrateLatencyMain(argv: readonly string[], io: CliIo): Promise<number> {
  return runCommand(
    calibrateLatencyCommand,
    argv,
    async (a) => {
      const f = a.flags;
      const o = await runLatencyCalibration({
        config: f.config,
        dataDir: f.dataDir,
        journal: f.journal,
        journalSymbol: f.journalSymbol,
        deseasonalise: f.deseasonalise,
        streamSymbol: f.streamSymbol,
        baseMs: f.baseMs,
        seasonalitySymbol: f.seasonalitySymbol,
        seasonalityTimeframe: f.seasonalityTimeframe,
        minBarsPerHour: f.minBarsPerHour,
        statistic: f.statistic,
        venue: f.venue,
        from: f.from,
        to: f.to,
        seasonalityOut: f.seasonalityOut,
        out: f.out,
        report: f.report,
        dryRun: f.dryRun,
      });
      if (f.json) {
        io.out(JSON.stringify(jsonSummary(o), null, 2));
        return 0;
      }
      for (const n of o.notes) io.out(`note: ${n}`);
      if (o.journal) printTable(io, "Order latency from the journal (sent -> acknowledged)", journalLatencyRows(o.journal));
      if (o.stream) printTable(io, `Recorded stream (${o.stream.provenance.source})`, streamLatencyRows(o.stream));
      if (o.seasonality) printTable(io, "Hour-of-week seasonality", seasonalityRows(o.seasonality));
      if (o.params) {
        const { from, ...p } = o.params;
        io.out(`\nexecution.latency from the ${from}: ${Object.entries(p).map(([k, v]) => `${k}: ${v}`).join(", ")}`);
      }
      io.out("");
      if (o.seasonalityPath) io.out(`seasonality written: ${o.seasonalityPath}`);
      if (o.outPath) io.out(`latency config written: ${o.outPath} (import it into a config, or copy the keys into configs/latency.yaml)`);
      if (o.reportPath) io.out(`report: ${o.reportPath}`);
      if (f.dryRun) io.out("dry run: no file written");
      return 0;
    },
    io,
  );
}

runIfEntry(/calibrate-latency\.ts$/, calibrateLatencyMain);
