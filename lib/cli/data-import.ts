import { relative } from "node:path";
import { isTradelabError } from "../core/errors";
import { importFiles, type ImportFormat } from "../infra/data/import/importer";
import type { TsUnitOption } from "../infra/data/import/stage-csv";
import { fmtTime } from "../infra/data/timeframe";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";

export const dataImportCommand = defineCommand({
  command: "npm run data:import --",
  summary: "Import bar or trade files into data/ (parquet, hive partitioned). Re-importing the same rows adds nothing.",
  positionals: { name: "files", description: "CSV, ZIP (data.binance.vision) or JSON (Alpaca/Polygon bars pages) files", min: 1 },
  flags: {
    venue: { type: "string", required: true, description: "venue partition (binance, binance_um, us, ...)" },
    symbol: { type: "string", required: true, description: "symbol partition (BTCUSDT, SPY, ...)" },
    timeframe: { type: "string", description: "bar timeframe (1m, 5m, 1h, 1d, ...); required for bars" },
    format: { type: "string", default: "auto", choices: ["auto", "binance-kline", "binance-trades", "binance-aggtrades", "generic", "alpaca", "polygon"], description: "input layout (auto: from extension, header or column count)" },
    map: { type: "string", valueName: "field=col,...", description: "generic CSV columns: ts=Date,open=Open,high=High,low=Low,close=Close,volume=Volume (names or 0-based indexes)" },
    tsUnit: { type: "string", default: "auto", choices: ["auto", "s", "ms", "us", "ns", "iso"], description: "timestamp unit (auto: ms or us for Binance, by magnitude otherwise)" },
    delimiter: { type: "string", default: ",", description: "CSV field separator" },
    kind: { type: "string", description: "trades partition kind (default trade or aggtrade from the layout)" },
    dataDir: { type: "string", description: "data folder (default $TRADELAB_DATA_DIR or ./data)" },
    dryRun: { type: "boolean", description: "validate and count; write nothing" },
  },
  examples: [
    "npm run data:import -- ETHUSDT-1m-2022-08-14.zip ETHUSDT-1m-2022-08-15.zip --venue binance --symbol ETHUSDT --timeframe 1m",
    "npm run data:import -- BTCUSDT-aggTrades-2024-08-08.csv --venue binance --symbol BTCUSDT",
    "npm run data:import -- spy.csv --venue us --symbol SPY --timeframe 1d --format generic --map ts=Date,open=Open,high=High,low=Low,close=Close,volume=Volume",
    "npm run data:import -- page1.json page2.json --venue us --symbol AAPL --timeframe 1d",
  ],
  notes: [
    "Every input is validated completely before anything is written: a malformed row, a wrong column count, an",
    "unparseable number, a timestamp going backwards or in the wrong unit stops the import with file and line; exit 1.",
    "New rows go to one new parquet file, written to a temp name and renamed: an interrupted import changes nothing.",
    "Exit codes: 0 imported (or nothing new), 1 bad input, 2 usage error.",
  ],
});

export async function runImport(args: Parameters<Parameters<typeof runCommand<typeof dataImportCommand.flags>>[2]>[0], io: CliIo): Promise<number> {
  const f = args.flags;
  const t0 = performance.now();
  try {
    const s = await importFiles({
      files: args.positionals,
      venue: f.venue,
      symbol: f.symbol,
      timeframe: f.timeframe,
      dataDir: f.dataDir,
      format: f.format as ImportFormat,
      mapping: f.map,
      tsUnit: f.tsUnit as TsUnitOption,
      delimiter: f.delimiter,
      kind: f.kind,
      dryRun: f.dryRun,
      log: (l) => io.out(l),
    });
    const r = s.result;
    const target = r.file ?? s.partition;
    const rel = relative(process.cwd(), target);
    const where = rel && !rel.startsWith("..") ? rel : target;
    const secs = (performance.now() - t0) / 1000;
    const rate = r.rows / Math.max(secs, 1e-9);
    if (r.newRows === 0) io.out(`nothing new: all ${r.rows.toLocaleString("en-US")} rows are already in ${where}`);
    else io.out(`${f.dryRun ? "would import" : "imported"} ${r.newRows.toLocaleString("en-US")} new ${s.dataset === "bars" ? "bars" : "trades"} (${fmtTime(r.first!)} to ${fmtTime(r.last!)}) ${f.dryRun ? "into" : "->"} ${where}`);
    if (r.duplicateRows > 0) io.out(`skipped ${r.duplicateRows.toLocaleString("en-US")} rows already stored${r.conflictingRows ? `, ${r.conflictingRows.toLocaleString("en-US")} of them with different values (stored values kept; run npm run data:check)` : ""}`);
    io.out(`data:import: ${s.inputs.length} input${s.inputs.length === 1 ? "" : "s"}, ${r.rows.toLocaleString("en-US")} rows in ${secs.toFixed(2)} s (${Math.round(rate).toLocaleString("en-US")} rows/s)`);
    return 0;
  } catch (e) {
    if (!isTradelabError(e)) throw e;
    io.err(`data:import: ${e.message}`);
    io.err("nothing was written.");
    return 1;
  }
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(dataImportCommand, argv, runImport);
}

runIfEntry(/data-import\.ts$/, (argv) => main(argv));
