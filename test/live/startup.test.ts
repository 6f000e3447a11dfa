import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../../lib/app/build-live";
import { liveMain } from "../../lib/cli/live-args";
import { captureLog, fixtureDir, jsonLines, spawnLive, startExchange, startTrading, waitUntil, writeLiveConfig } from "./harness";

let root = "";
let model = "";
beforeAll(async () => {
  ({ root, model } = await fixtureDir("startup", { seed: 4, conformal: true }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("start-up", () => {
  it("refuses a checkpoint whose feature schema hash differs from the live pipeline's (exit 1, SCHEMA_MISMATCH, nothing sent)", async () => {
    const bad = join(root, "bad-ckpt");
    cpSync(model, bad, { recursive: true });
    const m = JSON.parse(readFileSync(join(bad, "manifest.json"), "utf8"));
    m.config.features.steps[0].horizons = [1, 5, 30]; // trained on other features than the schema it claims
    writeFileSync(join(bad, "manifest.json"), JSON.stringify(m));
    const log = captureLog();
    const app = new LiveApp({ config: writeLiveConfig(join(root, "refuse")), model: bad, replayUrl: "http://127.0.0.1:9", out: () => undefined, logStream: log.stream });
    const s = await app.run();
    expect(s.exitCode).toBe(1);
    expect(s.error).toMatch(/refusing the checkpoint: feature schema hash mismatch: .*\[SCHEMA_MISMATCH\]/);
    expect(s.ordersSent).toBe(0);
    expect(jsonLines(log.lines).some((l) => l.level === "fatal")).toBe(true);
  });

  it("serves /healthz, /readyz with the design's checks and /metrics in Prometheus text while trading", async () => {
    const exchange = await startExchange({ bars: 100, autoStart: false });
    const config = writeLiveConfig(join(root, "health"), { conformal: { enabled: true, sizing: { mode: "scale" } }, risk: { killSwitch: { limits: { staleIntervals: 0 } } } });
    const app = new LiveApp({ config, model, replayUrl: exchange.baseUrl, speed: 1000, out: () => undefined, logStream: captureLog().stream });
    try {
      const done = app.run();
      await startTrading(app, done);
      for (let i = 0; i < 6; i++) {
        await exchange.step(1);
        await waitUntil(() => app.barsDone === i + 1, 10_000, "bar processed");
      }
      const url = app.healthUrl!;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const h = await fetch(`${url}/healthz`);
      expect(h.status).toBe(200);
      const r = (await (await fetch(`${url}/readyz`)).json()) as { ready: boolean; checks: { name: string; ok: boolean; detail: string }[] };
      expect(r.checks.map((c) => c.name)).toEqual(["venue reachable", "market data age", "pending orders", "features finite", "risk limits", "kill switch", "clock drift", "disk", "memory", "cpu"]);
      for (const name of ["venue reachable", "pending orders", "features finite", "risk limits", "kill switch"]) expect(r.checks.find((c) => c.name === name)!.ok, name).toBe(true);
      const metrics = await (await fetch(`${url}/metrics`)).text();
      for (const m of ["tradelab_decision_latency_seconds_bucket", "tradelab_orders_total", "tradelab_fills_total", "tradelab_equity", "tradelab_position", "tradelab_data_age_seconds", "tradelab_decisions_total", "tradelab_conformal_rolling_coverage"]) {
        expect(metrics, m).toContain(m);
      }
      app.requestStop("SIGINT");
      expect((await done).exitCode).toBe(0);
    } finally {
      await exchange.close();
    }
  });

  it("--dry-run decides and journals on every bar but sends nothing; without a calibration state conformal sizing stays off with a logged reason", async () => {
    const plain = join(root, "plain-ckpt");
    cpSync(model, plain, { recursive: true });
    rmSync(join(plain, "conformal.json"));
    const exchange = await startExchange({ bars: 100, autoStart: false });
    const log = captureLog();
    const config = writeLiveConfig(join(root, "dry"), { conformal: { enabled: true, sizing: { mode: "stand-aside" } }, risk: { killSwitch: { limits: { staleIntervals: 0 } } } });
    const app = new LiveApp({ config, model: plain, replayUrl: exchange.baseUrl, speed: 1000, dryRun: true, maxBars: 10, out: () => undefined, logStream: log.stream });
    try {
      const done = app.run();
      await startTrading(app, done);
      for (let i = 0; i < 10; i++) {
        await exchange.step(1);
        await waitUntil(() => app.barsDone === i + 1, 10_000, "bar processed");
      }
      const s = await done;
      expect(s.exitCode).toBe(0);
      expect(s.dryRun).toBe(true);
      expect(s.outcomes["dry-run"] ?? 0).toBeGreaterThan(0);
      expect(s.ordersSent).toBe(0);
      expect(exchange.progress().orders).toBe(0);
      expect(jsonLines(log.lines).some((l) => /conformal: the checkpoint has no conformal.json/.test(String(l.msg)))).toBe(true);
    } finally {
      await exchange.close();
    }
  });

  it("`--demo` runs the replay venue in-process on real BTCUSDT bars and ends with the summary (exit 0)", async () => {
    const config = writeLiveConfig(join(root, "demo"), { risk: { killSwitch: { limits: { staleIntervals: 0 } } } });
    const c = spawnLive(["--demo", "--config", config, "--model", model, "--max-bars", "40", "--speed", "3000"]);
    const code = await c.exit;
    const text = c.out.join("\n");
    expect(code, text.slice(-3000)).toBe(0);
    expect(text).toMatch(/startup: warmed up from history/);
    expect(text).toMatch(/ended\s+max-bars \(exit 0\)/);
    expect(text).toMatch(/bars\s+40 live \(2025-08-17 00:01 to 2025-08-17 00:40 UTC\)/);
    expect(text).toMatch(/PnL\s+-?[\d,.]+ USDT/);
  }, 60_000);

  it("prints --help with the exit codes, and rejects bad usage with exit 2", async () => {
    const out: string[] = [];
    const io = { out: (s: string) => out.push(s), err: (s: string) => out.push(s) };
    expect(await liveMain(["--help"], io)).toBe(0);
    expect(out.join("\n")).toMatch(/Exit codes: 0 clean stop .* 3 kill switch tripped/s);
    expect(await liveMain(["--max-bar", "3"], io)).toBe(2);
    expect(out.join("\n")).toMatch(/unknown option --max-bar \(did you mean --max-bars\?\)/);
    expect(await liveMain(["--venue", "binance", "--replay-url", "http://127.0.0.1:1"], io)).toBe(2);
  });
});
