import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../../lib/app/build-live";
import { killSwitchMain } from "../../lib/cli/kill-switch";
import { readJournal } from "../../lib/infra/journal";
import type { ReplayExchange } from "../../lib/venues/replay/index";
import { captureLog, fixtureDir, startExchange, startTrading, waitUntil, writeLiveConfig } from "./harness";

let root = "";
let model = "";
beforeAll(async () => {
  ({ root, model } = await fixtureDir("faults", { seed: 7 }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface Run {
  app: LiveApp;
  done: ReturnType<LiveApp["run"]>;
  exchange: ReplayExchange;
  log: string[];
}

/** A runner (in this process) attached to a paused replay exchange this test steps. */
async function start(name: string, overrides: Record<string, unknown>, exchangeOpts: Parameters<typeof startExchange>[0] = { bars: 300 }, speed = 1000): Promise<Run> {
  const config = writeLiveConfig(join(root, name), overrides);
  const exchange = await startExchange({ autoStart: false, speed, ...exchangeOpts });
  const log = captureLog();
  const app = new LiveApp({ config, model, replayUrl: exchange.baseUrl, speed, out: () => undefined, logStream: log.stream });
  const done = app.run();
  await startTrading(app, done);
  return { app, done, exchange, log: log.lines };
}

async function stepBars(r: Run, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = r.app.barsDone;
    await r.exchange.step(1);
    await waitUntil(() => r.app.barsDone > before || !r.app.trading, 10_000, "the bar to be processed");
  }
}

const noStale = { staleIntervals: 0 };

describe("faults trip the risk guard or the kill switch as configured", () => {
  it("a dropped stream counts as a WebSocket error: at the configured limit the kill switch trips, orders are cancelled and the run exits 3", async () => {
    const r = await start("ws", { risk: { killSwitch: { limits: { ...noStale, wsErrors: 1 } } } });
    try {
      await stepBars(r, 5);
      r.exchange.dropStreams();
      const s = await r.done;
      expect(s.exitCode).toBe(3);
      expect(s.reason).toBe("kill-switch");
      expect(s.killSwitch).toMatch(/TRIPPED: wsErrors reached 1/);
      expect((await r.exchange.venue.openOrders("BTCUSDT")).length).toBe(0);
      const state = JSON.parse(readFileSync(join(root, "ws", "state", "kill_switch_state.json"), "utf8")) as { tripped: boolean; source: string };
      expect(state).toMatchObject({ tripped: true, source: "wsErrors" });
    } finally {
      await r.exchange.close();
    }
  });

  it("orders the venue rejects (funds locked elsewhere) trip the kill switch at the rejected-orders limit", async () => {
    const r = await start("rejects", { risk: { killSwitch: { limits: { ...noStale, rejectedOrders: 2 } } } });
    try {
      expect(r.exchange.venue.account.lock("USDT", 9_990)).toBe(true);
      for (let i = 0; i < 60 && r.app.trading && (r.app.stats?.ordersRejected ?? 0) < 2; i++) await stepBars(r, 1);
      const s = await r.done;
      expect(s.ordersRejected).toBe(2);
      expect(s.exitCode).toBe(3);
      expect(s.killSwitch).toMatch(/rejectedOrders reached 2/);
      const errors = readJournal(join(root, "rejects", "state", "journal")).records.filter((x) => x.kind === "order_error");
      expect(errors.map((e) => e.code)).toEqual(["ORDER_REJECTED", "ORDER_REJECTED"]);
    } finally {
      await r.exchange.close();
    }
  });

  it("stale market data (time moves on, no bars) counts stale intervals and trips the kill switch", async () => {
    const r = await start("stale", { risk: { staleAfterTimeframes: 2, killSwitch: { limits: { staleIntervals: 2 } } } });
    try {
      await stepBars(r, 3);
      // the exchange stops replaying; at 1000x a bar interval is 60 ms of wall time
      const s = await r.done;
      expect(s.exitCode).toBe(3);
      expect(s.killSwitch).toMatch(/staleIntervals reached 2/);
      expect(r.log.join("")).toMatch(/market data is stale/);
    } finally {
      await r.exchange.close();
    }
  });

  it("a daily loss beyond risk.dailyLossLimit halts trading, and with dailyLossBreaches 1 also trips the kill switch", async () => {
    const r = await start("dailyloss", { risk: { dailyLossLimit: 0.005, killSwitch: { limits: { ...noStale, dailyLossBreaches: 1 } } } });
    try {
      for (let i = 0; i < 400 && r.app.trading; i++) await stepBars(r, 1);
      const s = await r.done;
      expect(s.exitCode).toBe(3);
      expect(s.killSwitch).toMatch(/dailyLossBreaches reached 1/);
      expect(s.endEquity / s.startEquity).toBeLessThan(1 - 0.005);
      const states = readJournal(join(root, "dailyloss", "state", "journal")).records.filter((x) => x.kind === "risk_state");
      expect(String(states[0]!.reason)).toMatch(/^daily loss .* exceeds 0.50%/);
    } finally {
      await r.exchange.close();
    }
  });

  it("the risk guard denies orders above its limits with a reason, and nothing reaches the venue", async () => {
    const r = await start("guard", { risk: { maxOrderNotional: 10, killSwitch: { limits: noStale } } });
    try {
      await stepBars(r, 12);
      r.app.requestStop("SIGTERM");
      const s = await r.done;
      expect(s.exitCode).toBe(0);
      expect(s.riskDenied).toBeGreaterThan(0);
      expect(s.ordersSent).toBe(0);
      expect(r.exchange.progress().orders).toBe(0);
      const denied = readJournal(join(root, "guard", "state", "journal")).records.filter((x) => x.kind === "decision" && x.status === "denied");
      expect(denied.length).toBe(s.riskDenied);
      expect(String(denied[0]!.reason)).toMatch(/^MAX_ORDER_NOTIONAL: BTCUSDT buy .* exceeds 10/);
    } finally {
      await r.exchange.close();
    }
  });

  it("the kill switch flag file halts a running runner, which then stays halted across restarts until reset", async () => {
    const r = await start("flag", { risk: { killSwitch: { limits: noStale } } });
    const state = join(root, "flag", "state");
    try {
      await stepBars(r, 4);
      writeFileSync(join(state, "kill_switch.flag"), "operator: exchange incident\n");
      const s = await r.done;
      expect(s.exitCode).toBe(3);
      expect(s.killSwitch).toMatch(/flag file .*exchange incident/);
    } finally {
      await r.exchange.close();
    }
    rmSync(join(state, "kill_switch.flag")); // the persisted trip still holds
    const again = new LiveApp({ config: join(root, "flag", "live.yaml"), model, replayUrl: "http://127.0.0.1:9", out: () => undefined, logStream: captureLog().stream });
    const s2 = await again.run();
    expect(s2.exitCode).toBe(3);
    expect(s2.barsSeen).toBe(0);
    expect(s2.error).toMatch(/kill switch tripped/);
    const out: string[] = [];
    expect(await killSwitchMain("reset", join(root, "flag", "live.yaml"), "", { out: (l) => out.push(l), err: (l) => out.push(l) })).toBe(0);
    expect(existsSync(join(state, "kill_switch.flag"))).toBe(false);
    expect(JSON.parse(readFileSync(join(state, "kill_switch_state.json"), "utf8")).tripped).toBe(false);
  });
});

describe("kill switch actions", () => {
  it("with flattenOnTrip, a trip cancels open orders and closes the position at market before exiting 3", async () => {
    const r = await start("flatten", { risk: { killSwitch: { flattenOnTrip: true, limits: noStale } } });
    try {
      for (let i = 0; i < 40 && Math.abs(r.exchange.venue.account.position("BTCUSDT").qty) < 1e-9; i++) await stepBars(r, 1);
      expect(r.exchange.venue.account.position("BTCUSDT").qty).toBeGreaterThan(0);
      writeFileSync(join(root, "flatten", "state", "kill_switch.flag"), "flatten test\n");
      // the flatten order is a market order: it fills when the exchange replays the next bar
      let done = false;
      void r.done.then(() => (done = true));
      while (!done) {
        const open = await r.exchange.venue.openOrders("BTCUSDT");
        if (open.some((o) => o.clientOrderId.startsWith("tlx-"))) await r.exchange.step(1);
        await new Promise((res) => setTimeout(res, 10));
      }
      const s = await r.done;
      expect(s.exitCode).toBe(3);
      // what is left is the dust below one lot step (0.00001 BTC) that the buys' BTC commissions leave,
      // as on Binance; the runner's book holds exactly what the venue holds
      const left = r.exchange.venue.account.position("BTCUSDT").qty;
      expect(left).toBeGreaterThanOrEqual(0);
      expect(left).toBeLessThan(0.00001);
      expect(s.positions.BTCUSDT).toBeCloseTo(left, 12);
    } finally {
      await r.exchange.close();
    }
  });
});
