/**
 * The catalogue of real market data the repository ships, converted from ../shared/data (see its
 * PROVENANCE.md). Each entry says where the rows came from, under which license, and how the CSV
 * columns map onto the canonical parquet layout of lib/infra/data/layout.ts.
 */
export type DatasetKind = "bars" | "trades" | "book";
export type AssetClass = "crypto" | "crypto_perp" | "us_equity";

export interface SourceSpec {
  /** CSV file name inside the source folder. */
  file: string;
  dataset: DatasetKind;
  venue: string;
  symbol: string;
  /** Bars: the timeframe partition. Trades/book: the kind partition. */
  part: string;
  assetClass: AssetClass;
  /** The SELECT list over the CSV (aliased `src`), producing the canonical columns in order. */
  select: string;
  /** Source repository @ commit : path, from PROVENANCE.md. */
  origin: string;
  license: string;
  notes?: string;
}

const ms = (col: string) => `epoch_ms(${col}::BIGINT)`;

/** Bars: canonical columns, then any extra columns the source carries. */
function bars(opts: { quote?: string; trades?: string; takerBuy?: string; extras?: string[] } = {}): string {
  const cols = [
    `${ms("ts")} AS ts`,
    "open::DOUBLE AS open",
    "high::DOUBLE AS high",
    "low::DOUBLE AS low",
    "close::DOUBLE AS close",
    "volume::DOUBLE AS volume",
    `${opts.quote ? `${opts.quote}::DOUBLE` : "NULL::DOUBLE"} AS quote_volume`,
    `${opts.trades ? `${opts.trades}::BIGINT` : "NULL::BIGINT"} AS trades`,
    `${opts.takerBuy ? `${opts.takerBuy}::DOUBLE` : "NULL::DOUBLE"} AS taker_buy_volume`,
    ...(opts.extras ?? []),
  ];
  return cols.join(", ");
}

const FREQTRADE = "Filimonov-Eremeyka/freqtrade @168b02c";
const LTI = "hal9000cc/live_trading_indicators @bc057c4";
const HFTBT = "nkaz001/hftbacktest @5f3ec40";
const MALKUS = "jeffreymalkus/alert_overlay @ef0f04d";
const LEAN = "QuantConnect/Lean @2486390";
const NONE = "none declared";

const binanceFull = bars({ quote: "quote_volume", trades: "trades", takerBuy: "taker_buy_base_volume", extras: ["taker_buy_quote_volume::DOUBLE AS taker_buy_quote_volume"] });
const usFiveMinute = (symbol: string): SourceSpec => ({
  file: `us_${symbol}_5m.csv`,
  dataset: "bars",
  venue: "us",
  symbol,
  part: "5m",
  assetClass: "us_equity",
  select: bars(),
  origin: `${MALKUS} : data/${symbol}_5min.csv`,
  license: NONE,
  notes: "regular trading hours only (09:30-15:55 bar opens, New York); range cut at 2026-03-06 where the source turns IEX-only",
});
const leanDaily = (symbol: string): SourceSpec => ({
  file: `lean_${symbol}_1d.csv`,
  dataset: "bars",
  venue: "us",
  symbol,
  part: "1d",
  assetClass: "us_equity",
  select: bars({ extras: ["adj_factor::DOUBLE AS adj_factor", "adj_close::DOUBLE AS adj_close"] }),
  origin: `${LEAN} : Data/equity/usa/daily/${symbol.toLowerCase()}.zip + factor_files/${symbol.toLowerCase()}.csv`,
  license: "Apache-2.0",
  notes: "raw (unadjusted) OHLC; adj_close = close x adj_factor (split and dividend adjusted to 2021-03-31); ts = trading date 00:00 UTC",
});

export const SOURCES: readonly SourceSpec[] = [
  { file: "binance_BTCUSDT_1m.csv", dataset: "bars", venue: "binance", symbol: "BTCUSDT", part: "1m", assetClass: "crypto", select: bars(), origin: `${FREQTRADE} : user_data/data/binance/BTC_USDT-1m.feather`, license: NONE, notes: "Binance spot; the last bar may have been a still-open candle when downloaded" },
  { file: "binance_ETHUSDT_1m.csv", dataset: "bars", venue: "binance", symbol: "ETHUSDT", part: "1m", assetClass: "crypto", select: bars(), origin: `${FREQTRADE} : user_data/data/binance/ETH_USDT-1m.feather`, license: NONE, notes: "Binance spot; the last bar may have been a still-open candle when downloaded" },
  { file: "binance_ETHUSDT_1m_2022-08-14_15_full.csv", dataset: "bars", venue: "binance", symbol: "ETHUSDT", part: "1m", assetClass: "crypto", select: binanceFull, origin: `${LTI} : tests/data/ETHUSDT-1m-2022-08-1{4,5}.zip`, license: "MIT", notes: "data.binance.vision spot daily files (full 12-column kline layout)" },
  { file: "binance_um_BTCUSDT_1m_2022-09-05_06_full.csv", dataset: "bars", venue: "binance_um", symbol: "BTCUSDT", part: "1m", assetClass: "crypto_perp", select: binanceFull, origin: `${LTI} : tests/data/BTCUSDT-1m-2022-09-0{5,6}.zip`, license: "MIT", notes: "Binance USD-M perpetual futures, not spot" },
  ...["SPY", "QQQ", "AAPL", "MSFT", "NVDA"].map(usFiveMinute),
  { file: "us_SPY_1m_2024.csv", dataset: "bars", venue: "us", symbol: "SPY", part: "1m", assetClass: "us_equity", select: bars({ trades: "transactions", extras: ["vwap::DOUBLE AS vwap", "session::VARCHAR AS session"] }), origin: "leoxu2023/tradingfsd_gpt @c2734b9 : data/SPY_1min.csv", license: NONE, notes: "extended hours 04:00-20:00 New York with a session column (pre/rth/post); looks like Polygon aggregates (vwap, transactions)" },
  { file: "lean_SPY_1m_2013-10.csv", dataset: "bars", venue: "us", symbol: "SPY", part: "1m", assetClass: "us_equity", select: bars({ extras: ["session::VARCHAR AS session"] }), origin: `${LEAN} : Data/equity/usa/minute/spy/2013100{4,7..11}_trade.zip`, license: "Apache-2.0", notes: "trade bars with extended hours and a session column" },
  { file: "lean_AAPL_1m_2014-06.csv", dataset: "bars", venue: "us", symbol: "AAPL", part: "1m", assetClass: "us_equity", select: bars({ extras: ["session::VARCHAR AS session"] }), origin: `${LEAN} : Data/equity/usa/minute/aapl/201406{05,06,09}_trade.zip`, license: "Apache-2.0", notes: "RAW unadjusted prices across the 2014-06-09 7:1 split (about $645 then about $93): not a return" },
  ...["SPY", "AAPL", "IWM", "QQQ"].map(leanDaily),
  { file: "binance_BTCUSDT_trades_20240808.csv", dataset: "trades", venue: "binance", symbol: "BTCUSDT", part: "trade", assetClass: "crypto", select: `${ms("ts")} AS ts, trade_id::BIGINT AS trade_id, price::DOUBLE AS price, qty::DOUBLE AS qty, side::VARCHAR AS side, is_buyer_maker::INTEGER::BOOLEAN AS is_buyer_maker, ${ms("event_ts")} AS event_ts, recv_ts_ns::BIGINT AS recv_ts_ns`, origin: `${HFTBT} : examples/spot/btcusdt_2024080{8,9}.gz (stream btcusdt@trade)`, license: "MIT", notes: "every spot trade, 0 missing trade ids; recv_ts_ns is the recorder's unsynced clock (not a latency measure)" },
  { file: "binance_ETHUSDT_trades_20240808.csv", dataset: "trades", venue: "binance", symbol: "ETHUSDT", part: "trade", assetClass: "crypto", select: `${ms("ts")} AS ts, trade_id::BIGINT AS trade_id, price::DOUBLE AS price, qty::DOUBLE AS qty, side::VARCHAR AS side, is_buyer_maker::INTEGER::BOOLEAN AS is_buyer_maker, ${ms("event_ts")} AS event_ts, recv_ts_ns::BIGINT AS recv_ts_ns`, origin: `${HFTBT} : examples/spot/ethusdt_2024080{8,9}.gz (stream ethusdt@trade)`, license: "MIT", notes: "every spot trade, 0 missing trade ids" },
  { file: "binance_XRPETH_aggtrades_2019-10.csv", dataset: "trades", venue: "binance", symbol: "XRPETH", part: "aggtrade", assetClass: "crypto", select: `${ms("ts")} AS ts, agg_trade_id::BIGINT AS trade_id, price::DOUBLE AS price, qty::DOUBLE AS qty, CASE WHEN is_buyer_maker::INTEGER = 1 THEN 'sell' ELSE 'buy' END AS side, is_buyer_maker::INTEGER::BOOLEAN AS is_buyer_maker, first_trade_id::BIGINT AS first_trade_id, last_trade_id::BIGINT AS last_trade_id, is_best_match::INTEGER::BOOLEAN AS is_best_match`, origin: "freqtrade/freqtrade @c9ae5e1 : tests/testdata/XRP_OLD-trades.json.gz (raw /api/v3/aggTrades)", license: "GPL-3.0", notes: "aggregate trades; trade_id is the aggTrade id" },
  { file: "binance_BTCUSDT_bookticker_20240808.csv", dataset: "book", venue: "binance", symbol: "BTCUSDT", part: "bookticker", assetClass: "crypto", select: "recv_ts_ns::BIGINT AS recv_ts_ns, make_timestamp(recv_ts_ns::BIGINT // 1000) AS recv_ts, update_id::BIGINT AS update_id, bid::DOUBLE AS bid, bid_qty::DOUBLE AS bid_qty, ask::DOUBLE AS ask, ask_qty::DOUBLE AS ask_qty", origin: `${HFTBT} : examples/spot/btcusdt_2024080{8,9}.gz (stream btcusdt@bookTicker)`, license: "MIT", notes: "every best bid/ask update; spot bookTicker has no exchange time, recv_ts is the recorder's unsynced clock" },
  { file: "binance_BTCUSDT_book_top10_1s_20240808.csv", dataset: "book", venue: "binance", symbol: "BTCUSDT", part: "top10_1s", assetClass: "crypto", select: `${ms("ts")} AS ts, * EXCLUDE (ts)`, origin: `${HFTBT} : REST depth snapshot + btcusdt@depth@100ms diffs`, license: "MIT", notes: "reconstructed 10-level book sampled each exchange second; 0 sequence breaks" },
  { file: "binance_ETHUSDT_book_top10_1s_20240808.csv", dataset: "book", venue: "binance", symbol: "ETHUSDT", part: "top10_1s", assetClass: "crypto", select: `${ms("ts")} AS ts, * EXCLUDE (ts)`, origin: `${HFTBT} : REST depth snapshot + ethusdt@depth@100ms diffs`, license: "MIT", notes: "reconstructed 10-level book sampled each exchange second; 0 sequence breaks" },
  { file: "lean_SPY_quote_1m_2013-10.csv", dataset: "book", venue: "us", symbol: "SPY", part: "quote_1m", assetClass: "us_equity", select: `${ms("ts")} AS ts, * EXCLUDE (ts)`, origin: `${LEAN} : Data/equity/usa/minute/spy/2013100{4,7..11}_quote.zip`, license: "Apache-2.0", notes: "1m bid/ask quote bars with session; locked/crossed quotes kept as-is" },
];

/** The relative output path of a source's parquet file inside data/. */
export function outputPath(s: SourceSpec): string {
  const key = s.dataset === "bars" ? "timeframe" : "kind";
  const name = s.file.replace(/\.csv$/, ".parquet");
  return `${s.dataset}/venue=${s.venue}/symbol=${s.symbol}/${key}=${s.part}/${name}`;
}
