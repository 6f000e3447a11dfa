import type { DuckDBConnection } from "@duckdb/node-api";
import { DataError } from "../../../core/errors";
import { queryRows } from "../duck";
import { fmtTime, type TimeframeSpec } from "../timeframe";
import { lineOfRow, loadCsv, sniffCsv } from "./csv";
import { planColumns, type CsvFormat, type Field } from "./formats";

export type TsUnit = "s" | "ms" | "us" | "ns";
export type TsUnitOption = TsUnit | "auto" | "iso";

/** One input file as the importer sees it (a CSV on disk, possibly extracted from a ZIP). */
export interface CsvInput {
  path: string;
  /** How errors name it: the file, or `archive.zip!member.csv`. */
  label: string;
}

export interface StageOptions {
  /** Forced layout; default detected from the header or column count. */
  format?: CsvFormat;
  /** `--map` for the generic layout. */
  mapping?: string;
  tsUnit?: TsUnitOption;
  delimiter?: string;
  /** Bars: the timeframe the file should hold (checked against Binance close_time and the grid). */
  timeframe?: TimeframeSpec;
}

export interface StagedCsv {
  table: string;
  format: CsvFormat;
  dataset: "bars" | "trades";
  rows: number;
  /** Fields present in the file. */
  fields: Field[];
  unit: TsUnit | "iso";
  header: boolean;
}

const UNIT_CLASS = `CASE WHEN abs(v) >= 1e17 THEN 'ns' WHEN abs(v) >= 1e14 THEN 'us' WHEN abs(v) >= 1e11 THEN 'ms' WHEN abs(v) >= 1e8 THEN 's' ELSE '?' END`;
const UNIT_NAME: Record<string, string> = { s: "seconds", ms: "milliseconds", us: "microseconds", ns: "nanoseconds", "?": "no plausible epoch unit" };
const TO_MS: Record<TsUnit, string> = { s: "v * 1000", ms: "v", us: "v // 1000", ns: "v // 1000000" };

let seq = 0;

/** Throws a DataError for data row `row` of the input, with its real line number. */
async function rowError(input: CsvInput, header: boolean, row: number, msg: string, extra: Record<string, unknown> = {}): Promise<never> {
  const line = await lineOfRow(input.path, row, header);
  throw new DataError(`${input.label} line ${line}: ${msg}`, { file: input.label, line, ...extra });
}

async function first(con: DuckDBConnection, sql: string): Promise<Record<string, unknown> | undefined> {
  return (await queryRows(con, `${sql} LIMIT 1`))[0];
}

/** Decides the epoch unit from the first row and refuses any row in another unit (or a unit the layout does not allow). */
async function epochUnit(con: DuckDBConnection, raw: string, input: CsvInput, header: boolean, allowed: readonly TsUnit[], forced?: TsUnit): Promise<TsUnit> {
  const cls = `(SELECT rowid AS r, v, ${UNIT_CLASS} AS u FROM (SELECT rowid, ts::BIGINT AS v FROM ${raw}))`;
  const head = await first(con, `SELECT r, v, u FROM ${cls} ORDER BY r`);
  const u0 = String(head!["u"]);
  const unit = (forced ?? u0) as TsUnit;
  if (!allowed.includes(unit) || (forced && u0 !== forced)) {
    const why = forced ? `--ts-unit is ${forced} but` : `expected ${allowed.map((a) => UNIT_NAME[a]).join(" or ")};`;
    await rowError(input, header, Number(head!["r"]), `timestamp ${String(head!["v"])} is in the wrong unit: ${why} it looks like ${UNIT_NAME[u0]}`);
  }
  const odd = await first(con, `SELECT r, v, u FROM ${cls} WHERE u <> '${unit}' ORDER BY r`);
  if (odd) await rowError(input, header, Number(odd["r"]), `timestamp ${String(odd["v"])} looks like ${UNIT_NAME[String(odd["u"])]} but the file started in ${UNIT_NAME[unit]} (wrong unit)`);
  return unit;
}

/** Generic text timestamps: all integers -> epoch (unit auto or forced), else ISO 8601 (zone-less = UTC). */
async function genericTs(con: DuckDBConnection, raw: string, input: CsvInput, header: boolean, opt: TsUnitOption): Promise<{ expr: string; unit: TsUnit | "iso" }> {
  const nonInt = await first(con, `SELECT rowid AS r, ts FROM ${raw} WHERE NOT regexp_full_match(trim(ts), '-?[0-9]+') ORDER BY rowid`);
  if (opt !== "iso" && !nonInt) {
    const unit = await epochUnit(con, `(SELECT rowid, trim(ts) AS ts FROM ${raw})`, input, header, ["s", "ms", "us", "ns"], opt === "auto" ? undefined : opt);
    return { expr: TO_MS[unit].replace(/v/g, "trim(ts)::BIGINT"), unit };
  }
  if (opt !== "auto" && opt !== "iso") await rowError(input, header, Number(nonInt!["r"]), `timestamp "${String(nonInt!["ts"])}" is not an integer epoch in ${opt}`);
  const expr = "epoch_ms(TRY_CAST(trim(ts) AS TIMESTAMPTZ))";
  const bad = await first(con, `SELECT rowid AS r, ts FROM ${raw} WHERE ${expr} IS NULL ORDER BY rowid`);
  if (bad) await rowError(input, header, Number(bad["r"]), `cannot parse timestamp "${String(bad["ts"])}" (expected epoch or ISO 8601)`);
  return { expr, unit: "iso" };
}

const BOOL = (c: string) => `CASE WHEN lower(trim(${c})) IN ('true', '1', 't') THEN true WHEN lower(trim(${c})) IN ('false', '0', 'f') THEN false END`;

/** Loads one CSV, converts it to the canonical staging columns and validates it row by row. */
export async function stageCsv(con: DuckDBConnection, input: CsvInput, opts: StageOptions): Promise<StagedCsv> {
  const shape = sniffCsv(input.path, input.label, opts.delimiter ?? ",");
  const plan = planColumns(shape, input.label, opts.format, opts.mapping);
  const header = shape.header !== null;
  const n = ++seq;
  const raw = `raw_${n}`;
  const table = `staged_${n}`;
  const rows = await loadCsv(con, input.path, input.label, raw, plan.columns, shape);
  const has = (f: Field) => plan.fields[f] !== undefined;
  const dataset = plan.format === "binance-trades" || plan.format === "binance-aggtrades" ? "trades" : "bars";
  let tsExpr: string;
  let unit: TsUnit | "iso";
  if (plan.format === "generic") ({ expr: tsExpr, unit } = await genericTs(con, raw, input, header, opts.tsUnit ?? "auto"));
  else {
    const forced = opts.tsUnit && opts.tsUnit !== "auto" && opts.tsUnit !== "iso" ? opts.tsUnit : undefined;
    unit = await epochUnit(con, raw, input, header, ["ms", "us"], forced);
    tsExpr = TO_MS[unit].replace(/v/g, "ts");
  }
  const fields = Object.keys(plan.fields) as Field[];
  const opt = (f: Field, type: string, expr = f) => `${has(f) ? `${expr}::${type}` : `NULL::${type}`} AS ${f}`;
  const select =
    dataset === "bars"
      ? ["open", "high", "low", "close", "volume"].map((f) => `${f}::DOUBLE AS ${f}`).concat([opt("quote_volume", "DOUBLE"), opt("trades", "BIGINT"), opt("taker_buy_volume", "DOUBLE"), opt("vwap", "DOUBLE"), has("close_time") && unit !== "iso" ? `(${TO_MS[unit as TsUnit].replace(/v/g, "close_time")})::BIGINT AS close_time_ms` : "NULL::BIGINT AS close_time_ms"])
      : ["trade_id::BIGINT AS trade_id", "price::DOUBLE AS price", "qty::DOUBLE AS qty", opt("quote_qty", "DOUBLE"), `${has("is_buyer_maker") ? BOOL("is_buyer_maker") : "NULL::BOOLEAN"} AS is_buyer_maker`, opt("first_trade_id", "BIGINT"), opt("last_trade_id", "BIGINT"), `${has("is_best_match") ? BOOL("is_best_match") : "NULL::BOOLEAN"} AS is_best_match`];
  // a view, not a copy: validation and the final COPY read the loaded table once each
  await con.run(`CREATE OR REPLACE TEMP VIEW ${table} AS SELECT rowid AS row, (${tsExpr})::BIGINT AS ts_ms, ${select.join(", ")} FROM ${raw}`);
  await validate(con, table, input, header, dataset, plan.format, opts.timeframe, { hasBuyerMaker: has("is_buyer_maker") });
  return { table, format: plan.format, dataset, rows, fields, unit, header };
}

async function validate(con: DuckDBConnection, t: string, input: CsvInput, header: boolean, dataset: "bars" | "trades", format: CsvFormat, tf: TimeframeSpec | undefined, o: { hasBuyerMaker: boolean }): Promise<void> {
  const required = dataset === "bars" ? ["ts_ms", "open", "high", "low", "close", "volume"] : ["ts_ms", "trade_id", "price", "qty", ...(o.hasBuyerMaker ? ["is_buyer_maker"] : [])];
  for (const c of required) {
    const r = await first(con, `SELECT row FROM ${t} WHERE ${c} IS NULL ORDER BY row`);
    if (r) await rowError(input, header, Number(r["row"]), c === "is_buyer_maker" ? "is_buyer_maker is not true/false/1/0" : `empty value in column ${c === "ts_ms" ? "ts" : c}`, { column: c });
  }
  const num = dataset === "bars" ? ["open", "high", "low", "close", "volume"] : ["price", "qty"];
  const nonFinite = await first(con, `SELECT row, concat_ws(', ', ${num.map((c) => `CASE WHEN NOT isfinite(${c}) THEN '${c} is ' || ${c}::VARCHAR END`).join(", ")}) AS why FROM ${t} WHERE ${num.map((c) => `NOT isfinite(${c})`).join(" OR ")} ORDER BY row`);
  if (nonFinite) await rowError(input, header, Number(nonFinite["row"]), `non-finite number (${String(nonFinite["why"])})`);
  const prices = dataset === "bars" ? ["open", "high", "low", "close"] : ["price"];
  const neg = await first(con, `SELECT row FROM ${t} WHERE ${prices.map((c) => `${c} <= 0`).join(" OR ")} OR ${dataset === "bars" ? "volume" : "qty"} < 0 ORDER BY row`);
  if (neg) await rowError(input, header, Number(neg["row"]), "non-positive price or negative quantity");
  // time order: bars strictly increasing, trades non-decreasing with strictly increasing ids
  const order = await first(con, `SELECT row, ts_ms, prev FROM (SELECT row, ts_ms, lag(ts_ms) OVER (ORDER BY row) AS prev FROM ${t}) WHERE ts_ms ${dataset === "bars" ? "<=" : "<"} prev ORDER BY row`);
  if (order) {
    const same = Number(order["ts_ms"]) === Number(order["prev"]);
    await rowError(input, header, Number(order["row"]), same ? `duplicate timestamp ${fmtTime(Number(order["ts_ms"]))}` : `timestamp goes backwards (${fmtTime(Number(order["ts_ms"]))} after ${fmtTime(Number(order["prev"]))})`);
  }
  if (dataset === "trades") {
    const ids = await first(con, `SELECT row, trade_id, prev FROM (SELECT row, trade_id, lag(trade_id) OVER (ORDER BY row) AS prev FROM ${t}) WHERE trade_id <= prev ORDER BY row`);
    if (ids) await rowError(input, header, Number(ids["row"]), `trade id ${String(ids["trade_id"])} is not above the previous ${String(ids["prev"])} (duplicate or out of order)`);
    return;
  }
  if (format !== "binance-kline" || !tf) return;
  const span = await first(con, `SELECT row, close_time_ms - ts_ms + 1 AS len FROM ${t} WHERE close_time_ms IS NOT NULL AND close_time_ms - ts_ms + 1 <> ${tf.ms} ORDER BY row`);
  if (span) {
    const len = Number(span["len"]);
    await rowError(input, header, Number(span["row"]), `close_time - open_time = ${len - 1} ms: these are ${len % 60_000 === 0 ? `${len / 60_000}m` : `${len} ms`} bars, not ${tf.name} (check --timeframe)`);
  }
  const grid = await first(con, `SELECT row, ts_ms FROM ${t} WHERE ts_ms % ${tf.ms} <> 0 ORDER BY row`);
  if (grid) await rowError(input, header, Number(grid["row"]), `open time ${fmtTime(Number(grid["ts_ms"]))} is not on the ${tf.name} grid`);
}

