import { existsSync, readdirSync } from "node:fs";
import { DuckDBInstance } from "@duckdb/node-api";
import type { BarColumns } from "../../lib/core/bar";

export const BTCUSDT_1M_DIR = "data/bars/venue=binance/symbol=BTCUSDT/timeframe=1m";

/** The first `limit` real BTCUSDT 1m bars from the embedded parquet, read with DuckDB directly. */
export async function readBtcusdt1m(limit: number): Promise<BarColumns> {
  if (!existsSync(BTCUSDT_1M_DIR) || !readdirSync(BTCUSDT_1M_DIR).some((f) => f.endsWith(".parquet"))) {
    throw new Error(`no parquet under ${BTCUSDT_1M_DIR}: run npm run data:build`);
  }
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    const reader = await con.runAndReadAll(
      `SELECT epoch_ms(ts)::DOUBLE AS ts, open, high, low, close, volume
       FROM read_parquet('${BTCUSDT_1M_DIR}/*.parquet') ORDER BY ts LIMIT ${limit}`,
    );
    const cols = reader.getColumnsJS() as number[][];
    const [ts, open, high, low, close, volume] = cols.map((c) => Float64Array.from(c)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    return { ts, open, high, low, close, volume, length: ts.length };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}
