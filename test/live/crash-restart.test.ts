import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJournal } from "../../lib/infra/journal";
import { SeededRng } from "../../lib/sim/rng";
import { fixtureDir, spawnLive, startExchange, writeLiveConfig } from "./harness";

const SPEED = 2000;
let root = "";
let model = "";

beforeAll(async () => {
  ({ root, model } = await fixtureDir("crash", { seed: 5 }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("kill -9 and restart", () => {
  for (const seed of [11, 12, 13]) {
    it(`seed ${seed}: after kills at random points and restarts there are no duplicate orders, positions reconcile and the journal has no torn records`, async () => {
      const dir = join(root, `seed-${seed}`);
      // stale-data counting is off: the exchange keeps replaying while the runner is down
      const config = writeLiveConfig(dir, { risk: { killSwitch: { limits: { staleIntervals: 0, wsErrors: 0 } } } });
      const exchange = await startExchange({ bars: 1000, speed: SPEED, seed });
      const rng = new SeededRng(seed);
      const args = ["--config", config, "--model", model, "--replay-url", exchange.baseUrl, "--speed", String(SPEED)];
      try {
        for (let k = 0; k < 2; k++) {
          const c = spawnLive(args);
          await c.waitFor(/startup: trading/);
          await sleep(150 + rng.int(1200)); // a random point in the bar loop
          c.child.kill("SIGKILL");
          expect(await c.exit).toBe(null);
        }
        const last = spawnLive([...args, "--max-bars", "25"]);
        const code = await last.exit;
        expect(code, last.out.slice(-30).join("\n")).toBe(0);
        expect(last.out.join("\n")).toMatch(/reconciled with the venue/);

        const { records, skipped } = readJournal(join(dir, "state", "journal"));
        expect(skipped).toBe(0);
        const intents = records.filter((r) => r.kind === "intent") as unknown as { symbol: string; barTs: number; clientOrderId: string }[];
        // one decision (and so at most one order) per bar, across every restart
        const bars = intents.map((r) => `${r.symbol}@${r.barTs}`);
        expect(new Set(bars).size).toBe(bars.length);
        expect(intents.length).toBeGreaterThan(10);
        // every order the exchange received is one of those intents: nothing was sent twice or behind the journal's back
        let atVenue = 0;
        for (const i of intents) if ((await exchange.venue.getOrder(i.symbol, i.clientOrderId)).ok) atVenue++;
        expect(atVenue).toBe(exchange.progress().orders);
        const sent = records.filter((r) => r.kind === "order").map((r) => r.clientOrderId as string);
        expect(new Set(sent).size).toBe(sent.length);
        // the runner's books match the venue's account
        const book = JSON.parse(readFileSync(join(dir, "state", "positions.json"), "utf8")) as { cash: number; positions: Record<string, { qty: number }> };
        expect(book.positions.BTCUSDT?.qty ?? 0).toBeCloseTo(exchange.venue.account.position("BTCUSDT").qty, 9);
        expect(book.cash).toBeCloseTo(exchange.venue.account.balance("USDT"), 6);
        expect((await exchange.venue.openOrders("BTCUSDT")).length).toBe(0);
      } finally {
        await exchange.close();
      }
    }, 90_000);
  }
});
