import { afterEach, describe, expect, it } from "vitest";
import { startHealthServer, type HealthServer } from "../../lib/infra/health-server";
import { MetricsRegistry } from "../../lib/infra/metrics";

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe("health server", () => {
  it("answers liveness, readiness with every check, and Prometheus metrics", async () => {
    const metrics = new MetricsRegistry();
    let dataOk = true;
    server = await startHealthServer({
      port: 0,
      metrics,
      checks: [
        { name: "venue", check: () => ({ ok: true, detail: "reachable" }) },
        { name: "market_data_age", check: () => ({ ok: dataOk, detail: dataOk ? "3 s" : "95 s > 60 s" }) },
      ],
    });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    dataOk = false;
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, checks: [{ name: "venue", ok: true }, { name: "market_data_age", ok: false, detail: "95 s > 60 s" }] });
    metrics.inc("tradelab_orders_total", "Orders sent", 2, { symbol: "BTCUSDT" });
    metrics.set("tradelab_equity", "Account equity", 10_500.5);
    metrics.observe("tradelab_decision_latency_ms", "Bar arrival to order sent", 0.7, [0.5, 1, 5]);
    const text = await (await fetch(`${server.url}/metrics`)).text();
    expect(text).toContain('tradelab_orders_total{symbol="BTCUSDT"} 2');
    expect(text).toContain("tradelab_equity 10500.5");
    expect(text).toContain('tradelab_decision_latency_ms_bucket{le="0.5"} 0');
    expect(text).toContain('tradelab_decision_latency_ms_bucket{le="1"} 1');
    expect(text).toContain("tradelab_decision_latency_ms_count 1");
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});
