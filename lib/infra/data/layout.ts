import { isAbsolute, join, resolve } from "node:path";
import { TradelabError } from "../../core/errors";

/**
 * Where things live under data/ (ARCHITECTURE.md section 6). Every dataset is hive partitioned, so
 * DuckDB sees the folder keys as columns:
 *   bars/venue=V/symbol=S/timeframe=T/<name>.parquet
 *   trades/venue=V/symbol=S/kind=trade|aggtrade/<name>.parquet
 *   book/venue=V/symbol=S/kind=top10_1s|bookticker|quote_1m/<name>.parquet
 *
 * Time is stored as parquet TIMESTAMP (microsecond, UTC, no zone) in `ts`: DuckDB filters it against
 * row-group statistics, `time_bucket` works on it directly, and the `bars` view adds `ts_ms`
 * (epoch milliseconds as DOUBLE) for the typed-array path.
 */
export const DEFAULT_DATA_DIR = "data";
export const DEFAULT_JOURNAL_DIR = join("state", "journal");

/** The columns every bars parquet file carries, in order. The last three are NULL when the source lacks them. */
export const BAR_FILE_COLUMNS = [
  { name: "ts", type: "TIMESTAMP" },
  { name: "open", type: "DOUBLE" },
  { name: "high", type: "DOUBLE" },
  { name: "low", type: "DOUBLE" },
  { name: "close", type: "DOUBLE" },
  { name: "volume", type: "DOUBLE" },
  { name: "quote_volume", type: "DOUBLE" },
  { name: "trades", type: "BIGINT" },
  { name: "taker_buy_volume", type: "DOUBLE" },
] as const;

/** The columns every trades parquet file carries, in order. */
export const TRADE_FILE_COLUMNS = [
  { name: "ts", type: "TIMESTAMP" },
  { name: "trade_id", type: "BIGINT" },
  { name: "price", type: "DOUBLE" },
  { name: "qty", type: "DOUBLE" },
  { name: "side", type: "VARCHAR" },
  { name: "is_buyer_maker", type: "BOOLEAN" },
] as const;

const PART_VALUE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** Checks a partition value (venue, symbol, timeframe, kind): it becomes a folder name. */
export function checkPartValue(key: string, value: string): string {
  if (!PART_VALUE.test(value)) {
    throw new TradelabError("INVALID_ARGUMENT", `${key} "${value}" is not a valid partition value (letters, digits, _ . - only)`, { details: { key, value } });
  }
  return value;
}

/** The data folder: the given one, else $TRADELAB_DATA_DIR, else ./data; always absolute. */
export function resolveDataDir(dir?: string): string {
  const d = dir ?? process.env["TRADELAB_DATA_DIR"] ?? DEFAULT_DATA_DIR;
  return isAbsolute(d) ? d : resolve(process.cwd(), d);
}

export function barsPartitionDir(dataDir: string, venue: string, symbol: string, timeframe: string): string {
  return join(dataDir, "bars", `venue=${checkPartValue("venue", venue)}`, `symbol=${checkPartValue("symbol", symbol)}`, `timeframe=${checkPartValue("timeframe", timeframe)}`);
}

export function tradesPartitionDir(dataDir: string, venue: string, symbol: string, kind: string): string {
  return join(dataDir, "trades", `venue=${checkPartValue("venue", venue)}`, `symbol=${checkPartValue("symbol", symbol)}`, `kind=${checkPartValue("kind", kind)}`);
}

export function bookPartitionDir(dataDir: string, venue: string, symbol: string, kind: string): string {
  return join(dataDir, "book", `venue=${checkPartValue("venue", venue)}`, `symbol=${checkPartValue("symbol", symbol)}`, `kind=${checkPartValue("kind", kind)}`);
}
