import type { DuckDBConnection } from "@duckdb/node-api";
import type { BarColumns } from "../../core/bar";
import type { TimeInput } from "./timeframe";
import type { ViewInfo } from "./views";

export interface DataSessionOptions {
  /** The data folder; default $TRADELAB_DATA_DIR or ./data. */
  dataDir?: string;
  /** Copy every dataset into in-memory tables (faster repeated queries, costs RAM). Default false: views over the files. */
  memory?: boolean;
  /** Folder of the live journal (*.jsonl); default ./state/journal. */
  journalDir?: string;
  /** DuckDB worker threads; default all cores. */
  threads?: number;
}

export interface LoadBarsQuery {
  /** Venue partition; default: the venue with the most data for the symbol in the range. */
  venue?: string;
  symbol: string;
  /** `1m`, `5m`, `15m`, `1h`, `4h`, `1d`, ... Resampled from a shorter stored timeframe when not stored. */
  timeframe: string;
  /** Inclusive start (bar open time), epoch ms or ISO 8601 (a bare date is 00:00 UTC). */
  from?: TimeInput;
  /** Exclusive end (bar open time). */
  to?: TimeInput;
  /** Keep a trailing bucket that is still incomplete when resampling. Default false. */
  includeIncomplete?: boolean;
}

export interface ResampleQuery extends LoadBarsQuery {
  /** The stored timeframe to aggregate; default `1m`. */
  sourceTimeframe?: string;
}

/** Bars as typed columns plus where they came from. `ts` is the bar open time in epoch ms. */
export interface LoadedBars extends BarColumns {
  venue: string;
  symbol: string;
  timeframe: string;
  /** The stored timeframe the bars were read from (equal to `timeframe` unless resampled). */
  sourceTimeframe: string;
}

export interface ColumnInfo {
  name: string;
  /** DuckDB type name (DOUBLE, BIGINT, TIMESTAMP, VARCHAR, ...). */
  type: string;
}

export interface QueryResult {
  columns: ColumnInfo[];
  /** Rows as plain objects: bigints as numbers, timestamps and dates as epoch ms. */
  rows: Record<string, unknown>[];
}

export interface DataSession {
  /** Absolute data folder behind the views. */
  readonly dataDir: string;
  /** The views (or tables) created over data/ and the journal. */
  readonly views: readonly ViewInfo[];
  /** The DuckDB connection, for anything the methods below do not cover. */
  readonly connection: DuckDBConnection;
  /** Runs SQL; rows with bigints converted to numbers and timestamps to epoch ms. */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Like query, with the column names and DuckDB types. */
  queryWithTypes(sql: string): Promise<QueryResult>;
  /**
   * Runs SQL and returns one Float64Array per column through DuckDB's chunk stream (the fast path).
   * Numeric columns are cast to DOUBLE, timestamps/dates become epoch ms, booleans 0/1, NULL becomes NaN;
   * text columns are refused.
   */
  queryColumns(sql: string): Promise<Record<string, Float64Array>>;
  /** Bars of one series as typed columns, resampled when the timeframe is not stored. */
  loadBars(q: LoadBarsQuery): Promise<LoadedBars>;
  /** Resamples a stored timeframe (default 1m) to `timeframe`, UTC-aligned. */
  resample(q: ResampleQuery): Promise<LoadedBars>;
  /** Re-creates the views (after files were added under data/). */
  refresh(): Promise<void>;
  close(): void;
}
