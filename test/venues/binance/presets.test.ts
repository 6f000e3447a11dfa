import { afterEach, describe, expect, it } from "vitest";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { BINANCE_PRESETS, binanceConfigSchema } from "../../../lib/venues/binance/config";
import { createBinanceVenue } from "../../../lib/venues/binance/index";
import { combinedStreamUrl, klineStreamName } from "../../../lib/venues/binance/ws";
import { makeBars } from "./fixtures";
import { MIN, T0, setup, until, type Harness } from "./harness";

let h: Harness | undefined;
let sub: Subscription | undefined;
afterEach(async () => {
  await sub?.close();
  await h?.close();
  sub = undefined;
  h = undefined;
});

describe("Binance USD-M futures presets", () => {
  it("stream klines from the routed /market roots (legacy unrouted roots are decommissioned)", () => {
    const streams = [klineStreamName("BTCUSDT", "1m")];
    expect(combinedStreamUrl(BINANCE_PRESETS["binance-futures"]!.wsBaseUrl!, streams)).toBe("wss://fstream.binance.com/market/stream?streams=btcusdt@kline_1m");
    expect(combinedStreamUrl(BINANCE_PRESETS["binance-futures-testnet"]!.wsBaseUrl!, streams)).toBe("wss://demo-fstream.binance.com/market/stream?streams=btcusdt@kline_1m");
    expect(BINANCE_PRESETS["binance-futures"]!.restBaseUrl).toBe("https://fapi.binance.com");
    expect(BINANCE_PRESETS["binance-futures-testnet"]!.restBaseUrl).toBe("https://demo-fapi.binance.com");
  });

  it("receives closed klines over a routed stream root", async () => {
    const series = makeBars(T0, 3);
    h = await setup({ bars: { "BTCUSDT:1m": series }, now: T0 + 3 * MIN, name: "binance-futures" });
    const cfg = binanceConfigSchema.parse({ restBaseUrl: h.server.baseUrl, wsBaseUrl: `${h.server.wsUrl}/market`, timeoutMs: 300, reconnect: { initialMs: 10, maxMs: 50 } });
    const venue = createBinanceVenue("binance-futures", cfg, h.deps);
    const got: number[] = [];
    sub = await venue.marketData.subscribeBars(["BTCUSDT"], "1m", { onBar: (e) => got.push(e.bar.ts) });
    await until(() => h!.server.klineConnections === 1, "routed stream connection");
    h.server.pushKline("BTCUSDT", "1m", series[2]!, true);
    await until(() => got.includes(series[2]!.ts), "closed kline");
  });
});
