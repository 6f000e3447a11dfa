import type { BarColumns } from "../../lib/core/bar";
import { openDataSession } from "../../lib/infra/data/index";

/** Every embedded real BTCUSDT 1m bar (Binance spot), as typed columns. */
export async function loadBtcusdt1m(): Promise<BarColumns> {
  const s = await openDataSession({ threads: 1 });
  try {
    return await s.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m" });
  } finally {
    s.close();
  }
}
