import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveApp } from "../../lib/app/build-live";
import { loadLiveConfig } from "../../lib/config/kinds";
import type { Fill } from "../../lib/core/fill";
import { readJournal } from "../../lib/infra/journal";
import { runBacktest } from "../../lib/services/backtest/engine";
import { CheckpointPolicy, loadCheckpointModel } from "../../lib/services/checkpoint-policy";
import { ExecutionModels } from "../../lib/sim/execution-models";
import { OrderFilters } from "../../lib/sim/filters";
import { loadExecutionData } from "../../lib/sim/loaders";
import { loadBtcBars } from "./checkpoint-fixture";
import { captureLog, fixtureDir, REPLAY_FROM, startTrading, TF, waitUntil, writeLiveConfig } from "./harness";

const BARS = 150;
/** The in-process replay serves (and its simulator sees) this much history; the runner warms up on all of it. */
const HISTORY = 1000;
let root = "";
let model = "";

beforeAll(async () => {
  ({ root, model } = await fixtureDir("parity", { seed: 3 }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const key = (f: Fill) => `${f.ts}|${f.side}|${f.qty.toFixed(8)}|${f.price.toFixed(6)}|${f.fee.toFixed(8)}`;

describe("research-to-live parity", () => {
  it("a live run against the replay exchange makes exactly the fills of a backtest of the same checkpoint over the same bars", async () => {
    const config = writeLiveConfig(root, { live: { warmupBars: HISTORY } });
    const log = captureLog();
    const app = new LiveApp({ config, model, venue: "replay", speed: 1000, maxBars: BARS, seed: 0, out: () => undefined, logStream: log.stream, replayAutoStart: false });
    const done = app.run();
    await startTrading(app, done);
    // step the exchange one bar at a time, each after the runner has answered the previous one
    for (let i = 0; i < BARS; i++) {
      await app.replay!.step(1);
      await waitUntil(() => app.barsDone === i + 1, 10_000, `bar ${i + 1} processed`);
    }
    const summary = await done;
    expect(summary.exitCode).toBe(0);
    expect(summary.reason).toBe("max-bars");
    expect(summary.outcomes.expired ?? 0).toBe(0);

    const venueFills = [...app.replay!.venue.allFills()];
    const journalFills = readJournal(join(root, "state", "journal")).records.filter((r) => r.kind === "fill") as unknown as Fill[];
    expect(venueFills.length).toBeGreaterThan(BARS / 3);
    expect(journalFills.map(key)).toEqual(venueFills.map(key));

    // the backtest: same bars (history + replayed), same simulator config and seed, same checkpoint
    const cfg = loadLiveConfig(config);
    const bars = await loadBtcBars(new Date(REPLAY_FROM - HISTORY * TF).toISOString(), new Date(REPLAY_FROM + BARS * TF).toISOString());
    const models = new ExecutionModels(cfg.execution as never, loadExecutionData(cfg.execution as never), 0);
    const m = loadCheckpointModel(model);
    const run = await runBacktest({
      series: [{ symbol: "BTCUSDT", bars }],
      timeframeMs: TF,
      models,
      initialCash: 10_000,
      policy: () => new CheckpointPolicy(m, { filters: new OrderFilters(models.instrument("BTCUSDT")!), feeRate: models.fees.rates("BTCUSDT").takerBps / 10_000, allowShort: false, firstDecisionTs: REPLAY_FROM, riskLimits: cfg.risk }),
    });
    // the bars after the last live decision are not part of the live run
    const btFills = run.fills.filter((f) => f.ts < REPLAY_FROM + BARS * TF);
    expect(venueFills.map(key)).toEqual(btFills.map(key));
  }, 120_000);
});
