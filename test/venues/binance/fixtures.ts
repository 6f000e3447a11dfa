import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Bar } from "../../../lib/core/bar";

const DIR = join(process.cwd(), "test/fixtures/binance");

/** Reads a copied Binance fixture (test/fixtures/binance/<name>.json). */
export function fixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(join(DIR, `${name}.json`), "utf8")) as T;
}

type Filters = Record<string, Record<string, unknown>>;

/**
 * exchangeInfo from the docs example, with its (empty in the docs) filters filled from the docs'
 * filters.md examples, plus a BTCUSDT entry with realistic spot filters.
 */
export function exchangeInfoPayload(serverTime: number): Record<string, unknown> {
  const info = fixture<{ symbols: Record<string, unknown>[] } & Record<string, unknown>>("spot_exchangeInfo_docs");
  const f = fixture<Filters>("spot_filters_docs");
  const ethbtc = { ...info.symbols[0]!, filters: [f.PRICE_FILTER, f.LOT_SIZE, f.MARKET_LOT_SIZE, f.NOTIONAL, f.PERCENT_PRICE_BY_SIDE, f.ICEBERG_PARTS, f.MAX_NUM_ORDERS] };
  const btcusdt = {
    ...info.symbols[0]!,
    symbol: "BTCUSDT",
    baseAsset: "BTC",
    quoteAsset: "USDT",
    filters: [
      { filterType: "PRICE_FILTER", minPrice: "0.01000000", maxPrice: "1000000.00000000", tickSize: "0.01000000" },
      { filterType: "LOT_SIZE", minQty: "0.00001000", maxQty: "9000.00000000", stepSize: "0.00001000" },
      { filterType: "MARKET_LOT_SIZE", minQty: "0.00000000", maxQty: "100.00000000", stepSize: "0.00000000" },
      { filterType: "NOTIONAL", minNotional: "5.00000000", applyMinToMarket: true, maxNotional: "9000000.00000000", applyMaxToMarket: false, avgPriceMins: 5 },
    ],
  };
  return { ...info, serverTime, symbols: [ethbtc, btcusdt] };
}

/** A deterministic 1m bar series: prices walk by a fixed pattern, every bar OHLC-consistent. */
export function makeBars(start: number, n: number, tfMs = 60_000, base = 100): Bar[] {
  const out: Bar[] = [];
  let close = base;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.round((open + ((i % 7) - 3) * 0.25) * 100) / 100;
    out.push({ ts: start + i * tfMs, open, high: Math.max(open, close) + 0.5, low: Math.min(open, close) - 0.5, close, volume: 10 + (i % 5) });
  }
  return out;
}
