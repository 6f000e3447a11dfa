import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../../../core/errors";
import { writeFileAtomic } from "../../fs-atomic";
import { openDuck } from "../duck";
import { convertSource, type ManifestEntry } from "./convert";
import { renderReadme } from "./readme";
import { alpacaUniverse, binanceFilters, feesBySymbol, latencySeasonality, universe, writeJsonIfChanged } from "./reference";
import { SOURCES, type SourceSpec } from "./sources";

export interface BuildOptions {
  /** Folder with the source CSVs (../shared/data). */
  sourceDir: string;
  /** Output folder (data/). */
  dataDir: string;
  /** Only sources whose file name contains one of these strings (default: all). */
  only?: string[];
  /** Wall-clock time of the build, ISO 8601 (stamped into meta.built_at). */
  builtAt: string;
  /** Progress sink; one line per step. */
  log?: (line: string) => void;
}

export interface BuildResult {
  entries: ManifestEntry[];
  converted: number;
  skipped: number;
  referenceFilesWritten: string[];
}

interface Manifest {
  meta: { built_at: string; source_dir: string };
  files: ManifestEntry[];
}

function readManifest(path: string): Manifest | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

/** Converts every source to parquet, then writes the reference files, the manifest and README.md. */
export async function buildData(opts: BuildOptions): Promise<BuildResult> {
  const log = opts.log ?? (() => undefined);
  if (!existsSync(opts.sourceDir)) throw new DataError(`source folder not found: ${opts.sourceDir} (pass --source <dir>)`, { dir: opts.sourceDir }, "DATA_NOT_FOUND");
  mkdirSync(opts.dataDir, { recursive: true });
  const manifestPath = join(opts.dataDir, "manifest.json");
  const previous = readManifest(manifestPath);
  const selected: SourceSpec[] = SOURCES.filter((s) => !opts.only?.length || opts.only.some((o) => s.file.includes(o)));
  const duck = await openDuck();
  const entries: ManifestEntry[] = [];
  let converted = 0;
  let skipped = 0;
  try {
    for (const [i, spec] of SOURCES.entries()) {
      const prev = previous?.files.find((f) => f.source === spec.file);
      if (!selected.includes(spec)) {
        if (prev) entries.push(prev);
        continue;
      }
      const t0 = performance.now();
      const r = await convertSource(duck, spec, opts.sourceDir, opts.dataDir, prev);
      entries.push(r.entry);
      if (r.skipped) skipped++;
      else converted++;
      const ms = Math.round(performance.now() - t0);
      log(`[${i + 1}/${SOURCES.length}] ${r.skipped ? "unchanged" : "wrote    "} ${r.entry.path}  ${r.entry.rows.toLocaleString("en-US")} rows  ${(r.entry.bytes / 1024).toFixed(0)} KiB  ${ms} ms`);
    }
    const written: string[] = [];
    const ref = async (rel: string, value: Parameters<typeof writeJsonIfChanged>[1]) => {
      if (writeJsonIfChanged(join(opts.dataDir, rel), value)) written.push(rel);
    };
    await ref("binance_filters.json", binanceFilters(opts.builtAt));
    await ref("fees/fees_by_symbol.json", feesBySymbol(opts.builtAt, entries));
    await ref("universe/symbols.json", universe(opts.builtAt, entries));
    await ref("universe/alpaca_symbols.json", alpacaUniverse(opts.builtAt, entries));
    const btc = entries.find((e) => e.source === "binance_BTCUSDT_1m.csv");
    if (!btc) throw new DataError("binance_BTCUSDT_1m.csv was not converted: the latency seasonality needs it", {}, "DATA_NOT_FOUND");
    await ref("latency/liquidity_latency_seasonality.json", await latencySeasonality(duck, opts.dataDir, btc, opts.builtAt));
    const changed = converted > 0 || written.length > 0 || !previous;
    const builtAt = changed || !previous ? opts.builtAt : previous.meta.built_at;
    const manifest: Manifest = { meta: { built_at: builtAt, source_dir: "../shared/data" }, files: entries };
    if (changed) {
      writeJsonIfChanged(manifestPath, manifest as unknown as Parameters<typeof writeJsonIfChanged>[1]);
      written.push("manifest.json");
    }
    // README.md is rendered from the manifest, dated by the data's build, and rewritten only when its text changes
    const readmePath = join(opts.dataDir, "README.md");
    const readme = renderReadme(entries, builtAt, "../shared/data");
    if (!existsSync(readmePath) || readFileSync(readmePath, "utf8") !== readme) {
      writeFileAtomic(readmePath, readme);
      written.push("README.md");
    }
    return { entries, converted, skipped, referenceFilesWritten: written };
  } finally {
    duck.close();
  }
}
