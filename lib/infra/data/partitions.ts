import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { listParquetFiles } from "./parquet-check";

/** One bars series on disk: data/bars/venue=V/symbol=S/timeframe=T/*.parquet. */
export interface BarPartition {
  venue: string;
  symbol: string;
  timeframe: string;
  dir: string;
  files: string[];
}

function keyed(dir: string, key: string): { value: string; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.startsWith(`${key}=`) && statSync(join(dir, n)).isDirectory())
    .map((n) => ({ value: n.slice(key.length + 1), path: join(dir, n) }))
    .sort((a, b) => a.value.localeCompare(b.value));
}

/** Lists bar series from the folder layout (no file is opened), optionally for one symbol and/or venue. */
export function listBarPartitions(dataDir: string, filter: { venue?: string; symbol?: string; timeframe?: string } = {}): BarPartition[] {
  const out: BarPartition[] = [];
  for (const v of keyed(join(dataDir, "bars"), "venue")) {
    if (filter.venue !== undefined && v.value !== filter.venue) continue;
    for (const s of keyed(v.path, "symbol")) {
      if (filter.symbol !== undefined && s.value !== filter.symbol) continue;
      for (const t of keyed(s.path, "timeframe")) {
        if (filter.timeframe !== undefined && t.value !== filter.timeframe) continue;
        const files = listParquetFiles(t.path);
        if (files.length > 0) out.push({ venue: v.value, symbol: s.value, timeframe: t.value, dir: t.path, files });
      }
    }
  }
  return out;
}
