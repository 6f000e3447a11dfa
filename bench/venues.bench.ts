import type { BenchResult } from "./types";
import { startReplayExchange } from "../lib/venues/replay/index";
import { createVenueAdapters } from "../lib/venues/registry";
import { signedQuery } from "../lib/venues/binance/sign";

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}

/** Replay exchange + Binance adapter over loopback: stream throughput, order round trip, signing. */
export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];

  // 1. One day of real BTCUSDT 1m bars streamed through the adapter as fast as the exchange can pace.
  const ex = await startReplayExchange({ symbols: ["BTCUSDT"], from: "2025-06-01", to: "2025-06-02", speed: 100_000, settleMs: 0, warmupBars: 10 });
  const ad = createVenueAdapters("replay", ex.adapterConfig, { clock: ex.clock });
  let got = 0;
  const t0 = performance.now();
  const sub = await ad.marketData!.subscribeBars(["BTCUSDT"], "1m", { onBar: () => void got++ });
  await ex.done;
  while (got < ex.progress().total) await new Promise((r) => setTimeout(r, 1));
  const secs = (performance.now() - t0) / 1000;
  out.push({ name: "replay: 1 day of 1m bars through the Binance adapter stream", value: got / secs, unit: "bars/s", note: `${got} bars in ${secs.toFixed(2)} s at speed 100000` });
  await sub.close();

  // 2. Signed order round trip (new LIMIT far from the market + cancel) against the replay exchange.
  ex.pause();
  const exec = ad.execution!;
  await ad.exchangeInfo!.instruments(["BTCUSDT"]);
  const place: number[] = [];
  const cancel: number[] = [];
  for (let i = 0; i < 300; i++) {
    const a = performance.now();
    const r = await exec.submit({ clientOrderId: `bench-${i}`, symbol: "BTCUSDT", side: "buy", type: "limit", qty: 0.001, price: 50_000, timeInForce: "GTC" });
    const b = performance.now();
    if (!r.ok) throw r.error;
    await exec.cancel("BTCUSDT", `bench-${i}`);
    cancel.push(performance.now() - b);
    place.push(b - a);
  }
  out.push({ name: "replay: order new round trip p50", value: pct(place, 0.5), unit: "ms" });
  out.push({ name: "replay: order new round trip p99", value: pct(place, 0.99), unit: "ms" });
  out.push({ name: "replay: order cancel round trip p50", value: pct(cancel, 0.5), unit: "ms" });
  await ex.close();

  // 3. HMAC-SHA256 request signing.
  const n = 50_000;
  const s0 = performance.now();
  for (let i = 0; i < n; i++) signedQuery({ symbol: "BTCUSDT", side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "0.001", price: "50000", newClientOrderId: `c${i}` }, "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j", 1499827319559 + i, 5000);
  out.push({ name: "binance: signed order query strings", value: n / ((performance.now() - s0) / 1000), unit: "req/s" });
  return out;
}
