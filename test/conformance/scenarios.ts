import { afterAll, describe, it } from "vitest";

/**
 * The conformance scenarios every client runs against the replay exchange, in this order (later
 * scenarios may use what earlier ones left: cancel-order cancels the order limit-order-rests placed,
 * my-trades looks for the fill of market-order-full). Each expectation is Binance's behaviour as
 * documented in docs/binance-spot-api-docs; the replay must meet it, whatever the client.
 */
export const SCENARIOS = [
  { id: "ping", title: "answers ping" },
  { id: "server-time", title: "reports the exchange clock as server time" },
  { id: "exchange-info", title: "serves precision and limits equal to data/binance_filters.json" },
  { id: "klines", title: "serves klines equal to the parquet bars in data/" },
  { id: "ticker", title: "serves a 24h ticker whose last price is the last closed bar's close" },
  { id: "order-book", title: "serves an order book with sorted levels on the tick grid around the last price" },
  { id: "balance", title: "reports the configured starting balance" },
  { id: "limit-order-rests", title: "places a GTC limit order that rests as NEW and is found by order status and open orders" },
  { id: "cancel-order", title: "cancels the resting limit order: CANCELED, gone from open orders" },
  { id: "off-tick-rejected", title: "rejects a limit price off the tick grid with -1013 Filter failure: PRICE_FILTER" },
  { id: "market-order-full", title: "answers a MARKET order with newOrderRespType=FULL as FILLED with fills on the tick grid" },
  { id: "my-trades", title: "lists the market order's fills in the account trade list" },
  { id: "kline-stream", title: "streams closed klines equal to the parquet bars" },
  { id: "user-data-stream", title: "subscribes to user data over the WebSocket API and delivers executionReport events for the account's orders" },
  { id: "ws-api-orders", title: "places, queries and cancels an order over the WebSocket API" },
  { id: "session-logon-ed25519", title: "logs a WebSocket API session on with an Ed25519 key and subscribes to user data" },
] as const;

export type ScenarioId = (typeof SCENARIOS)[number]["id"];

/** A scenario body, or the reason the client has no way to run it. */
export type ScenarioImpl = (() => Promise<void>) | { notApplicable: string };

/**
 * Registers one test per scenario in SCENARIOS order and prints `<client>: N scenarios, N passed`
 * once the suite ends. Scenarios the client cannot express are listed as skipped with the reason.
 */
export function conformanceSuite(client: string, impls: Record<ScenarioId, ScenarioImpl>, timeoutMs = 20_000): void {
  describe(`${client} against the replay exchange`, () => {
    for (const s of SCENARIOS) {
      const impl = impls[s.id];
      if (typeof impl !== "function") {
        it.skip(`${s.title} (not applicable: ${impl.notApplicable})`, () => undefined);
        continue;
      }
      it(s.title, impl, timeoutMs);
    }
    // counted from the finished tasks: a soft expectation fails a test without throwing
    afterAll(({}, suite) => {
      const ran = suite.tasks.filter((t) => t.type === "test" && t.mode === "run");
      const passed = ran.filter((t) => t.result?.state === "pass").length;
      console.log(`${client}: ${ran.length} scenarios, ${passed} passed`);
    });
  });
}
