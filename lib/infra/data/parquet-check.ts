import type { DuckDBConnection } from "@duckdb/node-api";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { queryRows, sqlStr } from "./duck";

/** One unreadable or inconsistent parquet file (or row group). */
export interface ParquetProblem {
  file: string;
  rowGroup?: number;
  message: string;
}

/** Every *.parquet file below `dir` (dot files and temp files excluded), sorted. */
export function listParquetFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith(".")) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".parquet")) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0]!.trim();
}

/** Checks the footer of each file (magic bytes, schema, row groups); returns the unreadable ones. */
export async function checkParquetFooters(con: DuckDBConnection, files: readonly string[]): Promise<ParquetProblem[]> {
  const problems: ParquetProblem[] = [];
  for (const file of files) {
    try {
      const rows = await queryRows(con, `SELECT count(*) AS n FROM parquet_metadata(${sqlStr(file)})`);
      if (Number(rows[0]?.["n"]) === 0) problems.push({ file, message: "parquet file has no row groups (empty)" });
    } catch (e) {
      problems.push({ file, message: firstLine(e) });
    }
  }
  return problems;
}

interface RowGroup {
  id: number;
  start: number;
  rows: number;
}

async function rowGroups(con: DuckDBConnection, file: string): Promise<RowGroup[]> {
  const rows = await queryRows(con, `SELECT DISTINCT row_group_id AS id, row_group_num_rows AS n FROM parquet_metadata(${sqlStr(file)}) ORDER BY id`);
  let start = 0;
  return rows.map((r) => {
    const g = { id: Number(r["id"]), start, rows: Number(r["n"]) };
    start += g.rows;
    return g;
  });
}

function groupOf(groups: readonly RowGroup[], row: number): number | undefined {
  return groups.find((g) => row >= g.start && row < g.start + g.rows)?.id;
}

/**
 * Reads every value of a parquet file and checks that `timeColumn` never goes backwards. A file that
 * fails to decode is narrowed down to its row group (DuckDB prunes row groups on file_row_number).
 */
export async function verifyParquetFile(con: DuckDBConnection, file: string, timeColumn = "ts"): Promise<ParquetProblem[]> {
  let groups: RowGroup[];
  try {
    groups = await rowGroups(con, file);
  } catch (e) {
    return [{ file, message: firstLine(e) }];
  }
  if (groups.length === 0 || groups.every((g) => g.rows === 0)) return [{ file, message: "parquet file holds no rows (empty)" }];
  const src = `read_parquet(${sqlStr(file)}, file_row_number = true)`;
  const cols = await queryRows(con, `SELECT column_name AS c FROM (DESCRIBE SELECT * FROM ${src})`);
  // hash() makes DuckDB decode every value (count() alone can be answered from the validity data)
  const touch = cols.map((c) => `bit_xor(hash("${String(c["c"]).replace(/"/g, '""')}"))`).join(", ");
  try {
    await queryRows(con, `SELECT ${touch} FROM ${src}`);
  } catch (e) {
    for (const g of groups) {
      try {
        await queryRows(con, `SELECT ${touch} FROM ${src} WHERE file_row_number >= ${g.start} AND file_row_number < ${g.start + g.rows}`);
      } catch (inner) {
        return [{ file, rowGroup: g.id, message: `row group ${g.id} (rows ${g.start}-${g.start + g.rows - 1}) cannot be decoded: ${firstLine(inner)}` }];
      }
    }
    return [{ file, message: firstLine(e) }];
  }
  if (!cols.some((c) => c["c"] === timeColumn)) return [];
  let bad: Record<string, unknown>[];
  try {
    bad = await queryRows(
      con,
      `SELECT file_row_number AS r, ${timeColumn}::VARCHAR AS t, prev::VARCHAR AS p FROM (
         SELECT file_row_number, ${timeColumn}, lag(${timeColumn}) OVER (ORDER BY file_row_number) AS prev FROM ${src})
       WHERE ${timeColumn} < prev OR ${timeColumn} IS NULL ORDER BY file_row_number LIMIT 1`,
    );
  } catch (e) {
    return [{ file, message: firstLine(e) }];
  }
  if (bad.length === 0) return [];
  const r = Number(bad[0]!["r"]);
  const rg = groupOf(groups, r);
  const what = bad[0]!["t"] === null ? `${timeColumn} is NULL` : `${timeColumn} goes backwards (${String(bad[0]!["t"])} after ${String(bad[0]!["p"])})`;
  return [{ file, rowGroup: rg, message: `row ${r}${rg === undefined ? "" : ` (row group ${rg})`}: ${what}` }];
}
