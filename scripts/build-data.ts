/**
 * `npm run data:build [-- --source ../shared/data] [--out data] [--only <name>...]`
 * Converts the real market data CSVs into zstd parquet under data/ and writes the reference files,
 * data/manifest.json and data/README.md. Idempotent: unchanged sources are not rewritten.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildData } from "../lib/infra/data/build/build";
import { isTradelabError } from "../lib/core/errors";

const HELP = `usage: npm run data:build -- [--source DIR] [--out DIR] [--only NAME]...

Converts the CSVs of the shared data folder to zstd parquet under data/ (hive partitioned by
venue/symbol/timeframe or kind), then writes binance_filters.json, fees/, universe/, latency/,
manifest.json and README.md.

  --source DIR   folder with the source CSVs (default ../shared/data)
  --out DIR      output data folder (default data)
  --only NAME    convert only sources whose file name contains NAME (repeatable)
  -h, --help     this text`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      source: { type: "string", default: "../shared/data" },
      out: { type: "string", default: "data" },
      only: { type: "string", multiple: true },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const t0 = performance.now();
  const res = await buildData({
    sourceDir: resolve(values.source!),
    dataDir: resolve(values.out!),
    only: values.only,
    builtAt: new Date().toISOString(),
    log: (l) => console.log(l),
  });
  const rows = res.entries.reduce((a, e) => a + e.rows, 0);
  const bytes = res.entries.reduce((a, e) => a + e.bytes, 0);
  console.log(
    `\ndata:build: ${res.entries.length} files (${res.converted} written, ${res.skipped} unchanged), ` +
      `${rows.toLocaleString("en-US")} rows, ${(bytes / 2 ** 20).toFixed(2)} MiB, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  console.log(`reference files written: ${res.referenceFilesWritten.length ? res.referenceFilesWritten.join(", ") : "none (unchanged)"}`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(`data:build failed: ${isTradelabError(e) ? `${e.message} ${JSON.stringify(e.details)}` : e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
