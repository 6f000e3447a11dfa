import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, extname, join } from "node:path";
import { DataError, TradelabError } from "../../../core/errors";
import { openDuck } from "../duck";
import { barsPartitionDir, checkPartValue, resolveDataDir, tradesPartitionDir } from "../layout";
import { parseTimeframe, type TimeframeSpec } from "../timeframe";
import type { CsvFormat } from "./formats";
import { readJsonBars, stageJsonBars, type JsonProvider } from "./json-bars";
import { stageCsv, type CsvInput, type TsUnitOption } from "./stage-csv";
import { BARS_SPEC, TRADES_SPEC, writePartition, type StagedInput, type WriteResult } from "./writer";
import { readZipFiles } from "./zip";

export type ImportFormat = "auto" | CsvFormat | JsonProvider;

export interface ImportOptions {
  files: readonly string[];
  venue: string;
  symbol: string;
  /** Required for bars (the partition, and checked against Binance close_time). */
  timeframe?: string;
  /** Default $TRADELAB_DATA_DIR or ./data. */
  dataDir?: string;
  /** Default auto: .zip/.csv by header or column count, .json by its keys. */
  format?: ImportFormat;
  /** Generic CSV column mapping `ts=Date,open=Open,...` (names or 0-based indexes). */
  mapping?: string;
  tsUnit?: TsUnitOption;
  delimiter?: string;
  /** Trades partition kind; default from the layout (trade or aggtrade). */
  kind?: string;
  /** Validate and count, write nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface ImportSummary {
  dataset: "bars" | "trades";
  partition: string;
  inputs: { label: string; format: string; rows: number }[];
  result: WriteResult;
}

interface Staged extends StagedInput {
  dataset: "bars" | "trades";
  format: string;
  rows: number;
}

function requireTimeframe(opts: ImportOptions): TimeframeSpec {
  if (!opts.timeframe) throw new TradelabError("INVALID_ARGUMENT", "--timeframe is required when importing bars (e.g. --timeframe 1m)");
  return parseTimeframe(opts.timeframe);
}

/** Expands the inputs: ZIP members (CSV) are extracted to a temp folder and named `archive.zip!member.csv`. */
function expand(files: readonly string[], tmp: string): { csv: CsvInput[]; json: string[] } {
  const csv: CsvInput[] = [];
  const json: string[] = [];
  let n = 0;
  for (const f of files) {
    if (!existsSync(f)) throw new DataError(`${f}: file not found`, { file: f }, "DATA_NOT_FOUND");
    const ext = extname(f).toLowerCase();
    if (ext === ".zip") {
      const members = readZipFiles(f).filter((m) => /\.csv$/i.test(m.name));
      if (members.length === 0) throw new DataError(`${f}: the archive holds no .csv file`, { file: f });
      for (const m of members) {
        const path = join(tmp, `${++n}-${basename(m.name)}`);
        writeFileSync(path, m.data);
        csv.push({ path, label: `${f}!${m.name}` });
      }
    } else if (ext === ".json") json.push(f);
    else csv.push({ path: f, label: f });
  }
  return { csv, json };
}

/**
 * Imports bar or trade files into data/: validates every input completely before anything is
 * written, skips rows already stored, and writes one new parquet file atomically.
 */
export async function importFiles(opts: ImportOptions): Promise<ImportSummary> {
  if (opts.files.length === 0) throw new TradelabError("INVALID_ARGUMENT", "no input files");
  checkPartValue("venue", opts.venue);
  checkPartValue("symbol", opts.symbol);
  const log = opts.log ?? (() => undefined);
  const dataDir = resolveDataDir(opts.dataDir);
  const fmt = opts.format ?? "auto";
  const tmp = mkdtempSync(join(tmpdir(), "tradelab-import-"));
  const duck = await openDuck();
  try {
    const { csv, json } = expand(opts.files, tmp);
    const staged: Staged[] = [];
    const tfForCsv = opts.timeframe ? parseTimeframe(opts.timeframe) : undefined;
    for (const input of csv) {
      const s = await stageCsv(duck.con, input, {
        format: fmt === "auto" || fmt === "alpaca" || fmt === "polygon" ? undefined : fmt,
        mapping: opts.mapping,
        tsUnit: opts.tsUnit,
        delimiter: opts.delimiter,
        timeframe: tfForCsv,
      });
      staged.push({ table: s.table, label: input.label, csv: { path: input.path, header: s.header }, dataset: s.dataset, format: s.format, rows: s.rows });
      log(`read ${input.label}: ${s.format}, ${s.rows.toLocaleString("en-US")} rows, timestamps in ${s.unit}`);
    }
    for (const f of json) {
      const tf = requireTimeframe(opts);
      const { provider, bars } = readJsonBars(f, f, opts.symbol, tf, fmt === "alpaca" || fmt === "polygon" ? fmt : undefined);
      const table = await stageJsonBars(duck.con, bars);
      staged.push({ table, label: f, paths: bars.map((b) => b.path), dataset: "bars", format: provider, rows: bars.length });
      log(`read ${f}: ${provider} bars page, ${bars.length} bars`);
    }
    const datasets = new Set(staged.map((s) => s.dataset));
    if (datasets.size > 1) throw new DataError(`inputs mix bars and trades (${staged.map((s) => `${s.label}: ${s.dataset}`).join("; ")}): import them separately`, {});
    const dataset = staged[0]!.dataset;
    let partition: string;
    if (dataset === "bars") partition = barsPartitionDir(dataDir, opts.venue, opts.symbol, requireTimeframe(opts).name);
    else {
      const kind = opts.kind ?? (staged.every((s) => s.format === "binance-aggtrades") ? "aggtrade" : "trade");
      partition = tradesPartitionDir(dataDir, opts.venue, opts.symbol, kind);
    }
    const result = await writePartition(duck.con, staged, partition, dataset === "bars" ? BARS_SPEC : TRADES_SPEC, opts.dryRun ?? false);
    return { dataset, partition, inputs: staged.map((s) => ({ label: s.label, format: s.format, rows: s.rows })), result };
  } finally {
    duck.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
