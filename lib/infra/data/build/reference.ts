import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../../../core/errors";
import { writeJsonAtomic } from "../../fs-atomic";
import { queryRows, sqlStr, type Duck } from "../duck";
import type { ManifestEntry } from "./convert";

const FILTERS_SOURCE =
  "Binance spot GET /api/v3/exchangeInfo symbol filters for BTCUSDT and ETHUSDT. ../shared/fixtures/binance/spot_exchangeInfo_docs.json " +
  "holds only the documentation example (ETHBTC, empty filters), so the values are Binance's published live ones as they appear " +
  "in public exchangeInfo captures (tick 0.01 USDT; lot step 0.00001 BTC / 0.0001 ETH; NOTIONAL min 5 USDT, max 9,000,000; " +
  "PERCENT_PRICE_BY_SIDE 0.2x-5x over 5 min). MARKET_LOT_SIZE is left out: Binance recomputes its maxQty from recent volume.";

const commonFilters = [
  { filterType: "PRICE_FILTER", minPrice: "0.01000000", maxPrice: "1000000.00000000", tickSize: "0.01000000" },
  null, // LOT_SIZE, per symbol
  { filterType: "ICEBERG_PARTS", limit: 10 },
  { filterType: "TRAILING_DELTA", minTrailingAboveDelta: 10, maxTrailingAboveDelta: 2000, minTrailingBelowDelta: 10, maxTrailingBelowDelta: 2000 },
  { filterType: "PERCENT_PRICE_BY_SIDE", bidMultiplierUp: "5", bidMultiplierDown: "0.2", askMultiplierUp: "5", askMultiplierDown: "0.2", avgPriceMins: 5 },
  { filterType: "NOTIONAL", minNotional: "5.00000000", applyMinToMarket: true, maxNotional: "9000000.00000000", applyMaxToMarket: false, avgPriceMins: 5 },
  { filterType: "MAX_NUM_ORDERS", maxNumOrders: 200 },
  { filterType: "MAX_NUM_ALGO_ORDERS", maxNumAlgoOrders: 5 },
];

function spotSymbol(symbol: string, base: string, step: string): Record<string, unknown> {
  return {
    symbol,
    status: "TRADING",
    baseAsset: base,
    baseAssetPrecision: 8,
    quoteAsset: "USDT",
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    orderTypes: ["LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
    isSpotTradingAllowed: true,
    filters: commonFilters.map((f) => f ?? { filterType: "LOT_SIZE", minQty: step, maxQty: "9000.00000000", stepSize: step }),
  };
}

/** Writes `value` unless the file already holds the same content apart from meta.built_at (keeps rebuilds diff-free). */
export function writeJsonIfChanged(path: string, value: { meta: Record<string, unknown> } & Record<string, unknown>): boolean {
  if (existsSync(path)) {
    try {
      const old = JSON.parse(readFileSync(path, "utf8")) as { meta?: Record<string, unknown> };
      const strip = (v: { meta?: Record<string, unknown> }) => JSON.stringify({ ...v, meta: { ...v.meta, built_at: undefined } });
      if (strip(old) === strip(value)) return false;
    } catch {
      // unreadable: rewrite
    }
  }
  writeJsonAtomic(path, value);
  return true;
}

export function binanceFilters(builtAt: string): { meta: Record<string, unknown> } & Record<string, unknown> {
  return {
    meta: { built_at: builtAt, source: FILTERS_SOURCE, layout: "Binance GET /api/v3/exchangeInfo" },
    timezone: "UTC",
    exchangeFilters: [],
    symbols: [spotSymbol("BTCUSDT", "BTC", "0.00001000"), spotSymbol("ETHUSDT", "ETH", "0.00010000")],
  };
}

export function feesBySymbol(builtAt: string, entries: readonly ManifestEntry[]): { meta: Record<string, unknown> } & Record<string, unknown> {
  const binance = { makerBps: 10, takerBps: 10 };
  const symbols: Record<string, unknown> = {};
  for (const e of entries) {
    if (e.venue === "binance" && e.dataset === "bars") symbols[e.symbol] = { ...binance, venue: "binance" };
    if (e.venue === "us") symbols[e.symbol] = { makerBps: 0, takerBps: 0, venue: "alpaca" };
  }
  return {
    meta: {
      built_at: builtAt,
      source:
        "Binance public spot fee schedule (binance.com/en/fee/schedule), regular user VIP 0: maker 0.1000 %, taker 0.1000 % " +
        "(10 bps each), without the BNB-payment discount. US equities: Alpaca commission-free trading (0 bps); regulatory " +
        "fees on sells (SEC fee, FINRA TAF) are not included.",
    },
    default: binance,
    symbols,
  };
}

const US_LISTING: Record<string, { exchange: string; type: string; name: string }> = {
  SPY: { exchange: "ARCA", type: "etf", name: "SPDR S&P 500 ETF Trust" },
  QQQ: { exchange: "NASDAQ", type: "etf", name: "Invesco QQQ Trust" },
  IWM: { exchange: "ARCA", type: "etf", name: "iShares Russell 2000 ETF" },
  AAPL: { exchange: "NASDAQ", type: "stock", name: "Apple Inc." },
  MSFT: { exchange: "NASDAQ", type: "stock", name: "Microsoft Corporation" },
  NVDA: { exchange: "NASDAQ", type: "stock", name: "NVIDIA Corporation" },
};

interface UniverseRow {
  symbol: string;
  venue: string;
  assetClass: string;
  datasets: { dataset: string; part: string; rows: number; first: string; last: string }[];
}

function universeRows(entries: readonly ManifestEntry[]): UniverseRow[] {
  const map = new Map<string, UniverseRow>();
  for (const e of entries) {
    const key = `${e.venue}/${e.symbol}`;
    const row = map.get(key) ?? { symbol: e.symbol, venue: e.venue, assetClass: e.assetClass, datasets: [] };
    const same = row.datasets.find((d) => d.dataset === e.dataset && d.part === e.part);
    if (same) {
      same.rows += e.rows;
      if (e.first < same.first) same.first = e.first;
      if (e.last > same.last) same.last = e.last;
    } else row.datasets.push({ dataset: e.dataset, part: e.part, rows: e.rows, first: e.first, last: e.last });
    map.set(key, row);
  }
  return [...map.values()].sort((a, b) => (a.venue + a.symbol).localeCompare(b.venue + b.symbol));
}

export function universe(builtAt: string, entries: readonly ManifestEntry[]): { meta: Record<string, unknown> } & Record<string, unknown> {
  const rows = universeRows(entries).map((r) => {
    const quote = r.assetClass.startsWith("crypto") ? r.symbol.match(/(USDT|USDC|BUSD|BTC|ETH)$/)?.[1] : undefined;
    return { ...r, ...(quote ? { baseAsset: r.symbol.slice(0, -quote.length), quoteAsset: quote } : { currency: "USD" }) };
  });
  return { meta: { built_at: builtAt, source: "the datasets shipped in data/ (see data/manifest.json)" }, symbols: rows };
}

export function alpacaUniverse(builtAt: string, entries: readonly ManifestEntry[]): { meta: Record<string, unknown> } & Record<string, unknown> {
  const rows = universeRows(entries)
    .filter((r) => r.venue === "us")
    .map((r) => ({ symbol: r.symbol, class: "us_equity", ...(US_LISTING[r.symbol] ?? {}), datasets: r.datasets }));
  return { meta: { built_at: builtAt, source: "US equities shipped in data/ (Alpaca asset class us_equity; primary listing exchange)" }, symbols: rows };
}

/**
 * 168 hour-of-week latency multipliers (index 0 = Monday 00:00 UTC) from real 1m volume: quiet hours get
 * multipliers above 1. multiplier_h = mean volume / mean volume of hour h, then scaled so the 168 values average 1.
 */
export async function latencySeasonality(duck: Duck, dataDir: string, entry: ManifestEntry, builtAt: string): Promise<{ meta: Record<string, unknown> } & Record<string, unknown>> {
  const file = join(dataDir, entry.path);
  const rows = await queryRows(
    duck.con,
    `WITH b AS (SELECT (isodow(ts) - 1) * 24 + hour(ts) AS how, volume FROM read_parquet(${sqlStr(file)})),
          h AS (SELECT how, avg(volume) AS v, count(*) AS n FROM b GROUP BY how)
     SELECT how, (SELECT avg(volume) FROM b) / v AS m, n FROM h ORDER BY how`,
  );
  if (rows.length !== 168) throw new DataError(`${entry.path} covers ${rows.length} of the 168 hours of the week`, { file });
  const raw = rows.map((r) => Number(r["m"]));
  const mean = raw.reduce((a, b) => a + b, 0) / raw.length;
  const multipliers = raw.map((m) => Math.round((m / mean) * 1e6) / 1e6);
  const counts = rows.map((r) => Number(r["n"]));
  return {
    meta: {
      built_at: builtAt,
      source: `${entry.path} (${entry.source}): Binance ${entry.symbol} spot 1m base volume`,
      range: { first: entry.first, last: entry.last, bars: entry.rows },
      hash: `sha256:${entry.sourceSha256}`,
      method: "multiplier[h] = mean(volume) / mean(volume in hour-of-week h), normalised to mean 1; index 0 = Monday 00:00 UTC",
      min_bars_per_hour: Math.min(...counts),
    },
    multipliers,
  };
}
