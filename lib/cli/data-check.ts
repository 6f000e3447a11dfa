import { isTradelabError } from "../core/errors";
import { checkData, type SeriesReport } from "../infra/data/quality/check-data";
import { fmtTime } from "../infra/data/timeframe";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";

export const dataCheckCommand = defineCommand({
  command: "npm run data:check --",
  summary: "Quality checks on the bar series in data/: integrity, duplicates, OHLC consistency, prices, gaps, zero volume, outliers.",
  flags: {
    symbol: { type: "string", description: "check one symbol" },
    venue: { type: "string", description: "check one venue" },
    timeframe: { type: "string", description: "check one timeframe" },
    dataDir: { type: "string", description: "data folder (default $TRADELAB_DATA_DIR or ./data)" },
    zeroVolumeRun: { type: "integer", default: 5, min: 1, description: "report zero-volume runs of at least this many bars" },
    outlierSigmas: { type: "number", default: 20, min: 1, description: "outlier threshold in robust sigmas (returns and bar ranges)" },
    strict: { type: "boolean", description: "treat warnings (gaps, zero-volume runs, outliers) as errors" },
    json: { type: "boolean", description: "print the report as JSON" },
  },
  examples: ["npm run data:check", "npm run data:check -- --symbol BTCUSDT", "npm run data:check -- --venue us --strict"],
  notes: [
    "Errors: unreadable or corrupt parquet (file and row group named), duplicate timestamps, high/low inconsistent with",
    "open/close, non-positive prices, negative volume, NaN, off-grid timestamps. Warnings: gaps against the expected grid",
    "(24/7 for crypto; the US session calendar with holidays and early closes for US equities), zero-volume runs, outliers.",
    "Exit codes: 0 no errors, 1 a series has errors (or warnings with --strict), 2 usage error.",
  ],
});

const MARK: Record<string, string> = { ok: "ok", info: "info", warning: "WARN", error: "ERROR" };

export function formatSeries(r: SeriesReport): string[] {
  const range = r.first === undefined ? "" : `  ${fmtTime(r.first)} -> ${fmtTime(r.last!)}`;
  const lines = [`${r.venue}/${r.symbol}/${r.timeframe}  ${r.rows.toLocaleString("en-US")} rows${range}`];
  const w = Math.max(...r.checks.map((c) => c.name.length));
  const cw = Math.max(...r.checks.map((c) => c.count.toLocaleString("en-US").length));
  for (const c of r.checks) lines.push(`  ${MARK[c.severity]!.padEnd(5)}  ${c.name.padEnd(w)}  ${c.count.toLocaleString("en-US").padStart(cw)}  ${c.detail}`.trimEnd());
  return lines;
}

export async function runDataCheck(flags: { symbol?: string; venue?: string; timeframe?: string; dataDir?: string; zeroVolumeRun: number; outlierSigmas: number; strict: boolean; json: boolean }, io: CliIo): Promise<number> {
  try {
    const report = await checkData(flags, flags.json ? undefined : (r) => io.out([...formatSeries(r), ""].join("\n")));
    const failed = report.series.filter((s) => s.errors > 0 || (flags.strict && s.warnings > 0));
    const bad = failed.length > 0 || report.otherFiles.length > 0;
    if (flags.json) {
      io.out(JSON.stringify(report, null, 1));
      return bad ? 1 : 0;
    }
    if (report.series.length === 0) io.out("no bar series matched");
    for (const p of report.otherFiles) io.out(`ERROR ${p.file}${p.rowGroup === undefined ? "" : ` row group ${p.rowGroup}`}: ${p.message}`);
    const warned = report.series.filter((s) => s.warnings > 0).length;
    io.out(
      `data:check: ${report.series.length} series, ${report.series.filter((s) => s.errors > 0).length} with errors, ${warned} with warnings; ` +
        `${report.otherFilesChecked} trade/book files, ${report.otherFiles.length} unreadable${flags.strict ? " (strict)" : ""}`,
    );
    return bad ? 1 : 0;
  } catch (e) {
    if (!isTradelabError(e)) throw e;
    io.err(`data:check: ${e.message}`);
    return 1;
  }
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(dataCheckCommand, argv, (args, io) => runDataCheck(args.flags, io));
}

runIfEntry(/data-check\.ts$/, (argv) => main(argv));
