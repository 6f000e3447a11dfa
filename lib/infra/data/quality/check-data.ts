import { join } from "node:path";
import { describe, openDuck, readF64Columns, sqlStr, type Duck } from "../duck";
import { resolveDataDir } from "../layout";
import { listParquetFiles, verifyParquetFile, type ParquetProblem } from "../parquet-check";
import { listBarPartitions, type BarPartition } from "../partitions";
import { parseTimeframe } from "../timeframe";
import { followsUsSessions } from "../us-calendar";
import {
  checkDuplicates, checkFinite, checkGrid247, checkOhlc, checkOutliers, checkPositive, checkUsSessions, checkZeroVolume,
  DEFAULT_CHECK_OPTIONS, type Check, type CheckOptions, type SeriesColumns,
} from "./checks";

export interface SeriesReport {
  venue: string;
  symbol: string;
  timeframe: string;
  files: number;
  rows: number;
  first?: number;
  last?: number;
  checks: Check[];
  errors: number;
  warnings: number;
}

export interface DataCheckReport {
  series: SeriesReport[];
  /** Unreadable or inconsistent files outside the bar series (trades, book). */
  otherFiles: ParquetProblem[];
  otherFilesChecked: number;
}

export interface DataCheckOptions extends Partial<CheckOptions> {
  dataDir?: string;
  venue?: string;
  symbol?: string;
  timeframe?: string;
}

function tally(r: SeriesReport): SeriesReport {
  r.errors = r.checks.filter((c) => c.severity === "error").length;
  r.warnings = r.checks.filter((c) => c.severity === "warning").length;
  return r;
}

async function loadSeries(duck: Duck, p: BarPartition): Promise<SeriesColumns> {
  const scan = `read_parquet([${p.files.map(sqlStr).join(", ")}], union_by_name = true)`;
  const t = (await describe(duck.con, `SELECT * FROM ${scan}`)).find((c) => c.name === "ts")?.type ?? "";
  const ts = /^(BIGINT|INTEGER|HUGEINT|DOUBLE)$/.test(t) ? "ts::DOUBLE" : "epoch_ms(ts)::DOUBLE";
  const v = (c: string) => `COALESCE(${c}::DOUBLE, 'NaN'::DOUBLE)`;
  const { columns } = await readF64Columns(duck.con, `SELECT ${ts} AS t, ${["open", "high", "low", "close", "volume"].map(v).join(", ")} FROM ${scan} ORDER BY t`);
  const [tsA, open, high, low, close, volume] = columns as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  return { ts: tsA, open, high, low, close, volume };
}

/** Runs every check on one bar series: file integrity first, then values, grid and calendar. */
export async function checkSeries(duck: Duck, p: BarPartition, o: CheckOptions): Promise<SeriesReport> {
  const report: SeriesReport = { venue: p.venue, symbol: p.symbol, timeframe: p.timeframe, files: p.files.length, rows: 0, checks: [], errors: 0, warnings: 0 };
  const problems: ParquetProblem[] = [];
  for (const f of p.files) problems.push(...(await verifyParquetFile(duck.con, f)));
  if (problems.length) {
    const q = problems[0]!;
    report.checks.push({ name: "file integrity", severity: "error", count: problems.length, detail: `${q.file}${q.rowGroup === undefined ? "" : ` row group ${q.rowGroup}`}: ${q.message}` });
    return tally(report);
  }
  report.checks.push({ name: "file integrity", severity: "ok", count: 0, detail: `${p.files.length} file${p.files.length === 1 ? "" : "s"}` });
  const c = await loadSeries(duck, p);
  const n = c.ts.length;
  report.rows = n;
  if (n === 0) {
    report.checks.push({ name: "rows", severity: "error", count: 0, detail: "the series is empty" });
    return tally(report);
  }
  report.first = c.ts[0];
  report.last = c.ts[n - 1];
  report.checks.push(checkFinite(c), checkDuplicates(c), checkOhlc(c), checkPositive(c));
  let tfMs: number | undefined;
  try {
    tfMs = parseTimeframe(p.timeframe).ms;
  } catch {
    report.checks.push({ name: "gaps", severity: "warning", count: 0, detail: `timeframe folder "${p.timeframe}" is not <n><m|h|d|w>: grid not checked` });
  }
  if (tfMs !== undefined) report.checks.push(...(followsUsSessions(p.venue) ? checkUsSessions(c, tfMs) : checkGrid247(c, tfMs)));
  report.checks.push(...checkZeroVolume(c, o.zeroVolumeRun), ...(tfMs !== undefined ? checkOutliers(c, o.outlierSigmas, tfMs) : []));
  return tally(report);
}

/** Checks every bar series (or the selected ones) and the integrity of the trades and book files. */
export async function checkData(opts: DataCheckOptions = {}, onSeries?: (r: SeriesReport) => void): Promise<DataCheckReport> {
  const dataDir = resolveDataDir(opts.dataDir);
  const o: CheckOptions = { zeroVolumeRun: opts.zeroVolumeRun ?? DEFAULT_CHECK_OPTIONS.zeroVolumeRun, outlierSigmas: opts.outlierSigmas ?? DEFAULT_CHECK_OPTIONS.outlierSigmas };
  const duck = await openDuck();
  try {
    const series: SeriesReport[] = [];
    for (const p of listBarPartitions(dataDir, { venue: opts.venue, symbol: opts.symbol, timeframe: opts.timeframe })) {
      const r = await checkSeries(duck, p, o);
      series.push(r);
      onSeries?.(r);
    }
    const otherFiles: ParquetProblem[] = [];
    let otherFilesChecked = 0;
    if (!opts.timeframe) {
      for (const ds of ["trades", "book"]) {
        for (const f of listParquetFiles(join(dataDir, ds))) {
          if (opts.symbol && !f.includes(`/symbol=${opts.symbol}/`)) continue;
          if (opts.venue && !f.includes(`/venue=${opts.venue}/`)) continue;
          otherFilesChecked++;
          otherFiles.push(...(await verifyParquetFile(duck.con, f, f.includes("kind=bookticker") ? "recv_ts" : "ts")));
        }
      }
    }
    return { series, otherFiles, otherFilesChecked };
  } finally {
    duck.close();
  }
}
