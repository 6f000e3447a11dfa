/**
 * The data layer: DuckDB over the parquet files of data/, typed-column export, resampling,
 * importers and quality checks.
 */
export { openDataSession } from "./session";
export type { DataSession, DataSessionOptions, LoadBarsQuery, LoadedBars, ResampleQuery, QueryResult, ColumnInfo } from "./types";
export type { ViewInfo } from "./views";
export { toArrowTable, toDataFrame, type TabularInput, type DataFrameOptions } from "./convert";
export { resampleSql, bucketComplete } from "./resample";
export { parseTimeframe, toEpochMs, fmtTime, type TimeframeSpec, type TimeInput } from "./timeframe";
export { usSession, usSessionsBetween, usHolidays, usEarlyCloses, nyDate, followsUsSessions, type UsSession } from "./us-calendar";
export { resolveDataDir, barsPartitionDir, tradesPartitionDir, bookPartitionDir, BAR_FILE_COLUMNS, TRADE_FILE_COLUMNS, DEFAULT_DATA_DIR } from "./layout";
export { listBarPartitions, type BarPartition } from "./partitions";
export { verifyParquetFile, checkParquetFooters, listParquetFiles, type ParquetProblem } from "./parquet-check";
export { readF64Columns, openDuck, queryRows, sqlStr, sqlIdent, type Duck } from "./duck";
