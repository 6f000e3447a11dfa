import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../../lib/app/build-live";
import { readJournal } from "../../lib/infra/journal";
import { captureLog, fixtureDir, jsonLines, spawnLive, startExchange, startTrading, waitUntil, writeLiveConfig } from "./harness";

let root = "";
let model = "";
beforeAll(async () => {
  ({ root, model } = await fixtureDir("shutdown", { seed: 9 }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

describe("shutdown", () => {
  it("SIGTERM while an order is open cancels it at the venue, flushes state and exits 0 with the summary", async () => {
    const config = writeLiveConfig(join(root, "sigterm"), { risk: { killSwitch: { limits: { staleIntervals: 0 } } } });
    const exchange = await startExchange({ bars: 200, autoStart: false, speed: 1000 });
    try {
      const c = spawnLive(["--config", config, "--model", model, "--replay-url", exchange.baseUrl, "--speed", "1000"]);
      await c.waitFor(/startup: trading/);
      // an order sent at a bar's close stays open until the next bar: step until the runner has one out
      for (let i = 0; i < 40 && (await exchange.venue.openOrders("BTCUSDT")).length === 0; i++) {
        const before = exchange.progress().orders;
        await exchange.step(1);
        await waitUntil(() => exchange.progress().orders > before || c.out.some((l) => l.includes('"status":"none"')), 3000, "a decision").catch(() => undefined);
        await new Promise((r) => setTimeout(r, 30));
      }
      const open = await exchange.venue.openOrders("BTCUSDT");
      expect(open.length).toBe(1);
      c.child.kill("SIGTERM");
      expect(await c.exit).toBe(0);
      expect(await exchange.venue.openOrders("BTCUSDT")).toEqual([]);
      const o = await exchange.venue.getOrder("BTCUSDT", open[0]!.clientOrderId);
      expect(o.value?.status).toBe("canceled");
      const text = c.out.join("\n");
      expect(text).toMatch(/live run summary/);
      expect(text).toMatch(/ended\s+SIGTERM \(exit 0\)/);
      const cancels = readJournal(join(root, "sigterm", "state", "journal")).records.filter((r) => r.kind === "cancel");
      expect(cancels.map((r) => r.clientOrderId)).toContain(open[0]!.clientOrderId);
      expect(JSON.parse(readFileSync(join(root, "sigterm", "state", "positions.json"), "utf8")).positions.BTCUSDT?.qty ?? 0).toBeCloseTo(exchange.venue.account.position("BTCUSDT").qty, 9);
      expect(jsonLines(c.out).some((l) => l.msg === "shutting down" && l.reason === "SIGTERM")).toBe(true);
    } finally {
      await exchange.close();
    }
  }, 60_000);

  it("never writes API keys or secrets to logs, the journal or state files", async () => {
    const key = "TLkey9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    const secret = "TLsecret0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    const dir = join(root, "secrets");
    const config = writeLiveConfig(dir, { exchange: { venue: "replay", symbols: ["BTCUSDT"], apiKey: "${TL_TEST_KEY}", apiSecret: "${TL_TEST_SECRET}" }, logging: { level: "debug" }, risk: { killSwitch: { limits: { staleIntervals: 0 } } } });
    const exchange = await startExchange({ bars: 200, autoStart: false, apiKey: key, apiSecret: secret });
    const log = captureLog();
    try {
      const app = new LiveApp({ config, model, replayUrl: exchange.baseUrl, speed: 1000, env: { ...process.env, TL_TEST_KEY: key, TL_TEST_SECRET: secret }, out: (l) => log.lines.push(l), logStream: log.stream });
      const done = app.run();
      await startTrading(app, done);
      for (let i = 0; i < 8; i++) {
        await exchange.step(1);
        await waitUntil(() => app.barsDone === i + 1, 10_000, "bar processed");
      }
      app.requestStop("SIGTERM");
      const s = await done;
      expect(s.exitCode).toBe(0);
      expect(s.ordersSent).toBeGreaterThan(0); // signed requests went through with these keys
    } finally {
      await exchange.close();
    }
    const everything = [log.lines.join(""), ...filesUnder(join(dir, "state")).map((f) => readFileSync(f, "utf8"))].join("\n");
    expect(everything.length).toBeGreaterThan(1000);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(encodeURIComponent(secret));
  }, 60_000);
});
