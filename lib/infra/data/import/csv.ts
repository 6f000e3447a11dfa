import type { DuckDBConnection } from "@duckdb/node-api";
import { closeSync, openSync, readSync, statSync, createReadStream } from "node:fs";
import { DataError } from "../../../core/errors";
import { queryRows, sqlIdent, sqlStr } from "../duck";

/** What the first line of a CSV says about it. */
export interface CsvShape {
  /** Column names when the first line is a header, else null. */
  header: string[] | null;
  columns: number;
  delimiter: string;
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;
/** Values a data row may hold besides numbers: booleans (Binance True/False) and dates/times. */
const DATA_LIKE = /^\s*(true|false|\d{4}-\d{2}-\d{2}([ T][\d:.]+)?(Z|[+-]\d{2}:?\d{2})?)?\s*$/i;

/** Reads the first line (up to 64 KiB) and decides whether it is a header. */
export function sniffCsv(path: string, label: string, delimiter = ","): CsvShape {
  if (statSync(path).size === 0) throw new DataError(`${label}: empty file`, { file: label });
  const fd = openSync(path, "r");
  const buf = Buffer.alloc(65536);
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const text = buf.subarray(0, n).toString("utf8").replace(/^\uFEFF/, "");
  const first = text.split(/\r?\n/).find((l) => l.trim() !== "");
  if (first === undefined) throw new DataError(`${label}: no data rows`, { file: label });
  const fields = first.split(delimiter).map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
  // a header is a first line with some field that is neither a number, a boolean nor a date
  const header = fields.some((f) => !NUMERIC.test(f) && !DATA_LIKE.test(f)) ? fields : null;
  return { header, columns: fields.length, delimiter };
}

/** The 1-based line number of data row `row` (0-based), skipping blank lines as DuckDB's reader does. */
export async function lineOfRow(path: string, row: number, hasHeader: boolean): Promise<number> {
  let line = 0;
  let seen = hasHeader ? -1 : 0;
  let rest = "";
  for await (const chunk of createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 })) {
    const parts = (rest + (chunk as string)).split("\n");
    rest = parts.pop()!;
    for (const l of parts) {
      line++;
      if (l.trim() === "") continue;
      if (seen === row) return line;
      seen++;
    }
  }
  return line + 1;
}

export interface CsvColumn {
  name: string;
  /** DuckDB type to parse into; VARCHAR for columns converted later in SQL. */
  type: string;
}

let scanSeq = 0;

/**
 * Loads a CSV into a temp table with DuckDB's parallel reader. Rows with the wrong column count or an
 * unparseable value are collected by `store_rejects`; any reject fails the load with the file, line,
 * column and DuckDB's reason. The table keeps file order (its rowid is the data row index).
 */
export async function loadCsv(con: DuckDBConnection, path: string, label: string, table: string, columns: readonly CsvColumn[], shape: CsvShape): Promise<number> {
  const seq = ++scanSeq;
  const rejects = `csv_rejects_${seq}`;
  const scans = `csv_scans_${seq}`;
  const spec = `{${columns.map((c) => `${sqlStr(c.name)}: ${sqlStr(c.type)}`).join(", ")}}`;
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${sqlIdent(table)} AS SELECT * FROM read_csv(${sqlStr(path)},
       header = ${shape.header ? "true" : "false"}, columns = ${spec}, delim = ${sqlStr(shape.delimiter)}, quote = '"', escape = '"',
       auto_detect = false, strict_mode = true, store_rejects = true, rejects_table = ${sqlStr(rejects)}, rejects_scan = ${sqlStr(scans)})`,
  );
  const bad = await queryRows(con, `SELECT line, column_name, error_type, error_message, csv_line FROM ${sqlIdent(rejects)} ORDER BY line LIMIT 5`);
  const total = Number((await queryRows(con, `SELECT count(*) AS n FROM ${sqlIdent(rejects)}`))[0]?.["n"] ?? 0);
  await con.run(`DROP TABLE IF EXISTS ${sqlIdent(rejects)}; DROP TABLE IF EXISTS ${sqlIdent(scans)}`);
  if (bad.length > 0) {
    const b = bad[0]!;
    const what = String(b["error_type"]).includes("COLUMNS")
      ? `${String(b["error_message"])} (wrong column count)`
      : String(b["error_message"]).replace(/^Error when converting column "([^"]+)"\. /, "column $1: ");
    const more = total > 1 ? ` (${total} bad rows in all; first lines: ${bad.map((r) => r["line"]).join(", ")})` : "";
    throw new DataError(`${label} line ${String(b["line"])}: ${what}${more}`, { file: label, line: Number(b["line"]), column: b["column_name"], text: b["csv_line"] });
  }
  const n = Number((await queryRows(con, `SELECT count(*) AS n FROM ${sqlIdent(table)}`))[0]?.["n"] ?? 0);
  if (n === 0) throw new DataError(`${label}: no data rows`, { file: label });
  return n;
}
