import type { DuckDBConnection } from "@duckdb/node-api";
import { readFileSync } from "node:fs";
import { z } from "zod";
import { DataError } from "../../../core/errors";
import { fmtTime, type TimeframeSpec } from "../timeframe";
import { nyDate } from "../us-calendar";

/** Alpaca market-data v2 bar: RFC 3339 time, numbers for prices and volume. */
const alpacaBar = z.object({ t: z.string(), o: z.number(), h: z.number(), l: z.number(), c: z.number(), v: z.number(), n: z.number().optional(), vw: z.number().optional() });
/** GET /v2/stocks/bars (multi: bars keyed by symbol) or /v2/stocks/{symbol}/bars (single: bars array + symbol). */
const alpacaMulti = z.object({ bars: z.record(z.string(), z.array(alpacaBar).nullable()), next_page_token: z.string().nullable().optional() });
const alpacaSingle = z.object({ bars: z.array(alpacaBar).nullable(), symbol: z.string().optional(), next_page_token: z.string().nullable().optional() });
/** Polygon/Massive v2 aggregates: epoch-ms bar start `t`. */
const polygonBar = z.object({ t: z.number().int(), o: z.number(), h: z.number(), l: z.number(), c: z.number(), v: z.number(), n: z.number().optional(), vw: z.number().optional() });
const polygonPage = z.object({ ticker: z.string().optional(), status: z.string().optional(), results: z.array(polygonBar).optional() });

export type JsonProvider = "alpaca" | "polygon";

export interface JsonBar {
  /** JSON key path of the bar, for messages (`bars.AAPL[3]`). */
  path: string;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number | null;
  vwap: number | null;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : `${i ? "." : ""}${String(p)}`)).join("");
}

function parseWith<T>(schema: z.ZodType<T>, data: unknown, label: string, provider: string): T {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  throw new DataError(`${label}: ${provider} bars page: ${issuePath(i.path) || "(root)"}: ${i.message}`, { file: label, path: issuePath(i.path) });
}

/** Daily bars are keyed by trading date: providers stamp them at New York midnight, we store 00:00 UTC of that date. */
function dayKey(ms: number): number {
  return Date.parse(`${nyDate(ms + 12 * 3_600_000)}T00:00:00Z`);
}

/** Reads one Alpaca or Polygon bars page (auto-detected) and returns the bars of `symbol`, validated. */
export function readJsonBars(path: string, label: string, symbol: string, tf: TimeframeSpec, provider?: JsonProvider): { provider: JsonProvider; bars: JsonBar[] } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new DataError(`${label}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { file: label });
  }
  const kind: JsonProvider | undefined = provider ?? (data && typeof data === "object" ? ("bars" in data ? "alpaca" : "results" in data ? "polygon" : undefined) : undefined);
  if (!kind) throw new DataError(`${label}: neither an Alpaca bars page ("bars") nor a Polygon aggregates page ("results")`, { file: label });
  const raw: { path: string; t: number; b: z.infer<typeof polygonBar> | z.infer<typeof alpacaBar> }[] = [];
  if (kind === "alpaca") {
    let list: z.infer<typeof alpacaBar>[] | null;
    let base: string;
    const bars = (data as { bars?: unknown }).bars;
    if (Array.isArray(bars) || bars === null) {
      const page = parseWith(alpacaSingle, data, label, "Alpaca");
      if (page.symbol && page.symbol !== symbol) throw new DataError(`${label}: page is for ${page.symbol}, not ${symbol}`, { file: label });
      list = page.bars;
      base = "bars";
    } else {
      const page = parseWith(alpacaMulti, data, label, "Alpaca");
      if (!(symbol in page.bars)) throw new DataError(`${label}: no bars for ${symbol} (symbols in page: ${Object.keys(page.bars).join(", ") || "none"})`, { file: label });
      list = page.bars[symbol] ?? null;
      base = `bars.${symbol}`;
    }
    (list ?? []).forEach((b, i) => {
      const t = Date.parse(b.t);
      if (Number.isNaN(t)) throw new DataError(`${label}: ${base}[${i}].t: "${b.t}" is not an RFC 3339 time`, { file: label, path: `${base}[${i}].t` });
      raw.push({ path: `${base}[${i}]`, t, b });
    });
  } else {
    const page = parseWith(polygonPage, data, label, "Polygon");
    if (page.ticker && page.ticker !== symbol) throw new DataError(`${label}: page is for ${page.ticker}, not ${symbol}`, { file: label });
    (page.results ?? []).forEach((b, i) => raw.push({ path: `results[${i}]`, t: b.t, b }));
  }
  if (raw.length === 0) throw new DataError(`${label}: no bars in page`, { file: label });
  const bars: JsonBar[] = [];
  for (const r of raw) {
    const ts = tf.ms >= 86_400_000 ? dayKey(r.t) : r.t;
    const b = r.b;
    if (![b.o, b.h, b.l, b.c].every((x) => x > 0) || b.v < 0) throw new DataError(`${label}: ${r.path}: non-positive price or negative volume`, { file: label, path: r.path });
    const prev = bars[bars.length - 1];
    if (prev && ts <= prev.ts) {
      throw new DataError(`${label}: ${r.path}.t: ${ts === prev.ts ? "duplicate" : "time goes backwards:"} ${fmtTime(ts)} after ${prev.path} (${fmtTime(prev.ts)})`, { file: label, path: `${r.path}.t` });
    }
    bars.push({ path: r.path, ts, open: b.o, high: b.h, low: b.l, close: b.c, volume: b.v, trades: b.n ?? null, vwap: b.vw ?? null });
  }
  return { provider: kind, bars };
}

let seq = 0;

/** Appends validated JSON bars into a staging table shaped like the CSV one. */
export async function stageJsonBars(con: DuckDBConnection, bars: readonly JsonBar[]): Promise<string> {
  const table = `staged_json_${++seq}`;
  await con.run(
    `CREATE OR REPLACE TEMP TABLE ${table} (row BIGINT, ts_ms BIGINT, open DOUBLE, high DOUBLE, low DOUBLE, close DOUBLE, volume DOUBLE,
      quote_volume DOUBLE, trades BIGINT, taker_buy_volume DOUBLE, vwap DOUBLE, close_time_ms BIGINT)`,
  );
  const app = await con.createAppender(table);
  bars.forEach((b, i) => {
    app.appendBigInt(BigInt(i));
    app.appendBigInt(BigInt(b.ts));
    for (const x of [b.open, b.high, b.low, b.close, b.volume]) app.appendDouble(x);
    app.appendNull();
    if (b.trades === null) app.appendNull();
    else app.appendBigInt(BigInt(Math.round(b.trades)));
    app.appendNull();
    if (b.vwap === null) app.appendNull();
    else app.appendDouble(b.vwap);
    app.appendNull();
    app.endRow();
  });
  app.flushSync();
  app.closeSync();
  return table;
}
