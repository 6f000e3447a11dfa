import { DataError, TradelabError } from "../../../core/errors";
import type { CsvColumn, CsvShape } from "./csv";

/** The CSV layouts the importer reads. */
export type CsvFormat = "binance-kline" | "binance-trades" | "binance-aggtrades" | "generic";

export const BAR_FIELDS = ["ts", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "trades", "taker_buy_volume", "vwap"] as const;
export const TRADE_FIELDS = ["ts", "trade_id", "price", "qty", "quote_qty", "is_buyer_maker", "first_trade_id", "last_trade_id", "is_best_match"] as const;
export type Field = (typeof BAR_FIELDS)[number] | (typeof TRADE_FIELDS)[number];

/** Header names recognised for each field (lower case, spaces and dashes as underscores). */
const ALIASES: Record<Field, readonly string[]> = {
  ts: ["ts", "open_time", "opentime", "timestamp", "time", "date", "datetime", "transact_time", "t"],
  open: ["open", "o"],
  high: ["high", "h"],
  low: ["low", "l"],
  close: ["close", "c"],
  volume: ["volume", "vol", "v", "base_volume"],
  close_time: ["close_time", "closetime"],
  quote_volume: ["quote_volume", "quote_asset_volume", "quote_av"],
  trades: ["trades", "count", "number_of_trades", "transactions", "n"],
  taker_buy_volume: ["taker_buy_volume", "taker_buy_base_volume", "taker_buy_base_asset_volume"],
  vwap: ["vwap", "vw"],
  trade_id: ["trade_id", "id", "agg_trade_id", "a"],
  price: ["price", "p"],
  qty: ["qty", "quantity", "q"],
  quote_qty: ["quote_qty", "quoteqty"],
  is_buyer_maker: ["is_buyer_maker", "isbuyermaker", "m"],
  first_trade_id: ["first_trade_id", "f"],
  last_trade_id: ["last_trade_id", "l"],
  is_best_match: ["is_best_match", "isbestmatch"],
};

/** data.binance.vision header-less layouts, by column count. */
const KLINE_12: (Field | null)[] = ["ts", "open", "high", "low", "close", "volume", "close_time", "quote_volume", "trades", "taker_buy_volume", null, null];
const TRADES_7: (Field | null)[] = ["trade_id", "price", "qty", "quote_qty", "ts", "is_buyer_maker", "is_best_match"];
const AGG_8: (Field | null)[] = ["trade_id", "price", "qty", "first_trade_id", "last_trade_id", "ts", "is_buyer_maker", "is_best_match"];
const OHLCV_6: (Field | null)[] = ["ts", "open", "high", "low", "close", "volume"];

const TYPE: Partial<Record<Field, string>> = {
  open: "DOUBLE", high: "DOUBLE", low: "DOUBLE", close: "DOUBLE", volume: "DOUBLE", quote_volume: "DOUBLE",
  taker_buy_volume: "DOUBLE", vwap: "DOUBLE", price: "DOUBLE", qty: "DOUBLE", quote_qty: "DOUBLE",
  trades: "BIGINT", trade_id: "BIGINT", first_trade_id: "BIGINT", last_trade_id: "BIGINT", close_time: "BIGINT",
};

export interface ColumnPlan {
  format: CsvFormat;
  /** Field -> 0-based column index. */
  fields: Partial<Record<Field, number>>;
  /** read_csv column list, in file order. */
  columns: CsvColumn[];
}

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s-]+/g, "_");

function fromHeader(header: readonly string[], fields: readonly Field[]): Partial<Record<Field, number>> {
  const names = header.map(norm);
  const out: Partial<Record<Field, number>> = {};
  for (const f of fields) {
    const i = names.findIndex((n) => ALIASES[f].includes(n));
    if (i >= 0 && !Object.values(out).includes(i)) out[f] = i;
  }
  return out;
}

function fromLayout(layout: readonly (Field | null)[]): Partial<Record<Field, number>> {
  const out: Partial<Record<Field, number>> = {};
  layout.forEach((f, i) => f && (out[f] = i));
  return out;
}

/** Parses `--map ts=Date,open=Open,...` (names or 0-based indexes) against the header. */
export function parseMapping(spec: string, shape: CsvShape, label: string): Partial<Record<Field, number>> {
  const out: Partial<Record<Field, number>> = {};
  for (const pair of spec.split(",").filter(Boolean)) {
    const [k, v] = pair.split("=").map((x) => x.trim()) as [string, string | undefined];
    if (!(BAR_FIELDS as readonly string[]).includes(k) && !(TRADE_FIELDS as readonly string[]).includes(k)) {
      throw new TradelabError("INVALID_ARGUMENT", `--map: unknown field "${k}" (fields: ${BAR_FIELDS.join(", ")})`);
    }
    if (v === undefined || v === "") throw new TradelabError("INVALID_ARGUMENT", `--map: "${pair}" needs field=column`);
    const idx = /^\d+$/.test(v) ? Number(v) : shape.header ? shape.header.findIndex((h) => h === v || norm(h) === norm(v)) : -1;
    if (idx < 0 || idx >= shape.columns) {
      throw new DataError(`${label}: --map ${k}=${v}: no such column (columns: ${shape.header ? shape.header.join(", ") : `0..${shape.columns - 1}`})`, { file: label });
    }
    out[k as Field] = idx;
  }
  return out;
}

function plan(format: CsvFormat, fields: Partial<Record<Field, number>>, shape: CsvShape, label: string): ColumnPlan {
  const need: readonly Field[] = format === "binance-trades" || format === "binance-aggtrades" ? ["ts", "trade_id", "price", "qty"] : ["ts", "open", "high", "low", "close", "volume"];
  const missing = need.filter((f) => fields[f] === undefined);
  if (missing.length) {
    throw new DataError(`${label}: no column for ${missing.join(", ")} (${shape.header ? `header: ${shape.header.join(",")}` : `${shape.columns} columns, no header`}); use --map`, { file: label });
  }
  const byIndex = new Map(Object.entries(fields).map(([f, i]) => [i, f as Field]));
  const columns: CsvColumn[] = [];
  for (let i = 0; i < shape.columns; i++) {
    const f = byIndex.get(i);
    const ts = f === "ts" ? (format === "generic" ? "VARCHAR" : "BIGINT") : undefined;
    columns.push({ name: f ?? `col${i}`, type: ts ?? (f ? (TYPE[f] ?? "VARCHAR") : "VARCHAR") });
  }
  return { format, fields, columns };
}

/** Decides the layout of a CSV from its header (aliases) or, header-less, from its column count. */
export function planColumns(shape: CsvShape, label: string, wanted?: CsvFormat, mapping?: string): ColumnPlan {
  if (mapping) return plan(wanted ?? "generic", parseMapping(mapping, shape, label), shape, label);
  if (shape.header) {
    const bars = fromHeader(shape.header, BAR_FIELDS);
    const trades = fromHeader(shape.header, TRADE_FIELDS);
    const isTrades = trades.price !== undefined && trades.qty !== undefined && bars.open === undefined;
    const format: CsvFormat = wanted ?? (isTrades ? (trades.first_trade_id !== undefined ? "binance-aggtrades" : "binance-trades") : bars.close_time !== undefined ? "binance-kline" : "generic");
    return plan(format, format === "binance-trades" || format === "binance-aggtrades" ? trades : bars, shape, label);
  }
  const layouts: Record<number, [CsvFormat, (Field | null)[]]> = { 12: ["binance-kline", KLINE_12], 8: ["binance-aggtrades", AGG_8], 7: ["binance-trades", TRADES_7], 6: ["generic", OHLCV_6] };
  const hit = layouts[shape.columns];
  if (!hit || (wanted && wanted !== hit[0] && !(wanted === "generic" && hit[0] === "binance-kline"))) {
    throw new DataError(
      `${label}: header-less CSV with ${shape.columns} columns does not match ${wanted ?? "a known layout"} ` +
        "(Binance kline: 12, aggTrades: 8, trades: 7, ts,open,high,low,close,volume: 6); add a header or use --map",
      { file: label, columns: shape.columns },
    );
  }
  return plan(wanted ?? hit[0], fromLayout(hit[1]), shape, label);
}
