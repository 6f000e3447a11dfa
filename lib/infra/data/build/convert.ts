import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { DataError } from "../../../core/errors";
import { queryRows, sqlStr, type Duck } from "../duck";
import { outputPath, type SourceSpec } from "./sources";

/** One converted file as recorded in data/manifest.json. */
export interface ManifestEntry {
  path: string;
  source: string;
  sourceSha256: string;
  dataset: string;
  venue: string;
  symbol: string;
  part: string;
  assetClass: string;
  bytes: number;
  sha256: string;
  rows: number;
  /** First and last timestamp, ISO 8601 UTC. */
  first: string;
  last: string;
}

export function sha256File(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Which column orders a dataset in time (bookticker has only the recorder clock). */
function timeColumn(s: SourceSpec): string {
  return s.part === "bookticker" ? "recv_ts" : "ts";
}

/**
 * Converts one source CSV to zstd parquet, atomically (temp file in the same folder, then rename).
 * Skips the work when the manifest says the same source already produced the file that is on disk.
 */
export async function convertSource(duck: Duck, spec: SourceSpec, sourceDir: string, dataDir: string, previous?: ManifestEntry): Promise<{ entry: ManifestEntry; skipped: boolean }> {
  const src = join(sourceDir, spec.file);
  if (!existsSync(src)) throw new DataError(`source file missing: ${src}`, { file: src }, "DATA_NOT_FOUND");
  const sourceSha256 = sha256File(src);
  const rel = outputPath(spec);
  const out = join(dataDir, rel);
  if (previous && previous.sourceSha256 === sourceSha256 && existsSync(out) && sha256File(out) === previous.sha256) {
    return { entry: { ...previous, ...specFields(spec), path: rel }, skipped: true };
  }
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${spec.file}.${process.pid}.tmp`);
  const tcol = timeColumn(spec);
  try {
    await duck.con.run(
      `COPY (SELECT ${spec.select} FROM read_csv(${sqlStr(src)}, header = true) AS src ORDER BY ${tcol})
       TO ${sqlStr(tmp)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 9)`,
    );
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  const [stats] = await queryRows(
    duck.con,
    `SELECT count(*) AS n, strftime(min(${tcol}), '%Y-%m-%dT%H:%M:%S.%gZ') AS first, strftime(max(${tcol}), '%Y-%m-%dT%H:%M:%S.%gZ') AS last FROM read_parquet(${sqlStr(out)})`,
  );
  const entry: ManifestEntry = {
    path: rel,
    source: spec.file,
    sourceSha256,
    ...specFields(spec),
    bytes: statSync(out).size,
    sha256: sha256File(out),
    rows: Number(stats!["n"]),
    first: String(stats!["first"]),
    last: String(stats!["last"]),
  };
  return { entry, skipped: false };
}

function specFields(s: SourceSpec): Pick<ManifestEntry, "dataset" | "venue" | "symbol" | "part" | "assetClass"> {
  return { dataset: s.dataset, venue: s.venue, symbol: s.symbol, part: s.part, assetClass: s.assetClass };
}
