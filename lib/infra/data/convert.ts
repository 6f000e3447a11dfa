import { tableFromArrays, tableFromJSON, type Table } from "apache-arrow";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { DataFrame } from "danfojs-node";
import type { BarColumns } from "../../core/bar";

/** Typed columns (BarColumns, queryColumns output) or row objects (query output). */
export type TabularInput = BarColumns | Record<string, unknown> | readonly Record<string, unknown>[];

type ColumnValues = Float64Array | Float32Array | Int32Array | readonly unknown[];

function isColumnValues(v: unknown): v is ColumnValues {
  return v instanceof Float64Array || v instanceof Float32Array || v instanceof Int32Array || Array.isArray(v);
}

/** The array-valued fields of a columnar object (scalars such as BarColumns.length and metadata are skipped). */
function columnsOf(data: Record<string, unknown>): Record<string, ColumnValues> {
  const out: Record<string, ColumnValues> = {};
  for (const [k, v] of Object.entries(data)) if (isColumnValues(v)) out[k] = v;
  return out;
}

/**
 * An apache-arrow Table. Typed columns become zero-copy Float64 vectors (ts stays epoch ms); row
 * objects go through tableFromJSON.
 */
export function toArrowTable(data: TabularInput): Table {
  if (Array.isArray(data)) return tableFromJSON(data as Record<string, unknown>[]);
  const cols = columnsOf(data as unknown as Record<string, unknown>);
  return tableFromArrays(cols as Record<string, Float64Array>);
}

// danfojs-node pulls in tfjs: load it only when a DataFrame is asked for. No import.meta (tslab runs lib as CJS).
let danfo: typeof import("danfojs-node") | undefined;
function loadDanfo(): typeof import("danfojs-node") {
  danfo ??= createRequire(join(process.cwd(), "package.json"))("danfojs-node") as typeof import("danfojs-node");
  return danfo;
}

export interface DataFrameOptions {
  /** Add a `time` column of ISO strings from `ts` (epoch ms). Default false. */
  isoTime?: boolean;
}

/** A danfojs DataFrame from typed columns or row objects. */
export function toDataFrame(data: TabularInput, opts: DataFrameOptions = {}): DataFrame {
  const dfd = loadDanfo();
  if (Array.isArray(data)) return new dfd.DataFrame(data as Record<string, unknown>[]);
  const cols = columnsOf(data as unknown as Record<string, unknown>);
  const plain: Record<string, unknown[]> = {};
  if (opts.isoTime && cols["ts"]) plain["time"] = Array.from(cols["ts"] as ArrayLike<number>, (t) => new Date(t).toISOString());
  for (const [k, v] of Object.entries(cols)) plain[k] = Array.from(v as ArrayLike<unknown>);
  return new dfd.DataFrame(plain);
}
