import { createHmac } from "node:crypto";
import type { Bar } from "../../../lib/core/bar";
import { startReplayExchange, type ReplayExchange, type StartReplayOptions } from "../../../lib/venues/replay/index";

export const T0 = Date.UTC(2025, 5, 1); // 2025-06-01
export const MIN = 60_000;

/** A deterministic walk around 100 000 (BTCUSDT-like, on the 0.01 tick), OHLC-consistent. */
export function walk(n: number, start = T0 - 50 * MIN): Bar[] {
  const out: Bar[] = [];
  let close = 100_000;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.round((open + ((i * 37) % 11) - 5) * 100) / 100;
    out.push({ ts: start + i * MIN, open, high: Math.max(open, close) + 3, low: Math.min(open, close) - 3, close, volume: 5 + (i % 4) });
  }
  return out;
}

/** A replay of BTCUSDT (filters from data/binance_filters.json), paused, with `bars` replayable bars and 5 bps slippage. */
export function startOrdersExchange(over: Partial<StartReplayOptions> = {}, bars = 30): Promise<ReplayExchange> {
  return startReplayExchange({
    symbols: ["BTCUSDT"],
    from: T0,
    to: T0 + bars * MIN,
    bars: { BTCUSDT: walk(50 + bars) },
    warmupBars: 50,
    autoStart: false,
    seed: 7,
    sim: { slippage: { kind: "fixed", fixedBps: 5 }, latency: { enabled: false } } as StartReplayOptions["sim"],
    ...over,
  });
}

export interface Answer {
  status: number;
  body: Record<string, unknown> & { code?: number; msg?: string };
}

/** One signed REST call (HMAC-SHA256 over the query string), as any Binance client sends it. */
export async function signed(ex: ReplayExchange, method: "GET" | "POST" | "DELETE", path: string, params: Record<string, string | number> = {}): Promise<Answer> {
  const q = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), timestamp: String(ex.clock.now()), recvWindow: "60000" }).toString();
  const signature = createHmac("sha256", ex.adapterConfig.apiSecret).update(q).digest("hex");
  const res = await fetch(`${ex.baseUrl}${path}?${q}&signature=${signature}`, { method, headers: { "X-MBX-APIKEY": ex.adapterConfig.apiKey } });
  return { status: res.status, body: (await res.json()) as Answer["body"] };
}

export const order = (ex: ReplayExchange, params: Record<string, string | number>): Promise<Answer> => signed(ex, "POST", "/api/v3/order", { symbol: "BTCUSDT", ...params });

/** Decimal places of a decimal string ("0.00123000" -> 5 once trailing zeros are dropped). */
export function decimals(s: unknown): number {
  const frac = String(s).split(".")[1] ?? "";
  return frac.replace(/0+$/, "").length;
}
