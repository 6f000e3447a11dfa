import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readJournalLines, runLatencyCalibration } from "../../../lib/app/build-calibration";
import { executionSchema } from "../../../lib/config/schemas/execution";
import type { BarColumns } from "../../../lib/core/bar";
import { openDataSession } from "../../../lib/infra/data/session";
import { JsonlJournal } from "../../../lib/infra/journal";
import { calibrateLatencyFromJournal, extractOrderTimelines } from "../../../lib/services/calibrate-latency";
import { ExecutionModels } from "../../../lib/sim/execution-models";
import { loadSeasonality } from "../../../lib/sim/loaders";
import { ReplayClock } from "../../../lib/sim/replay-clock";
import { SimulatedVenue } from "../../../lib/sim/simulated-venue";

const MIN = 60_000;
const SEASONALITY = "data/latency/liquidity_latency_seasonality.json";
const TRUE = { baseMs: 45, jitter: 0.3, spikeProbability: 0.06, spikeMs: 600 };

let dir: string;
let bars: BarColumns;

/** One market order per bar through the simulated venue (latency on, real seasonality); every order update and fill journaled. */
async function simulate(journalDir: string, n: number): Promise<void> {
  const cfg = executionSchema.parse({ latency: { enabled: true, ...TRUE, timeoutMs: 5000, seasonalityFile: SEASONALITY }, slippage: { kind: "fixed", fixedBps: 1 }, filters: { enforce: false } });
  const models = new ExecutionModels(cfg, { seasonality: loadSeasonality(SEASONALITY) }, 21);
  const clock = new ReplayClock(bars.ts[0]!);
  const venue = new SimulatedVenue({ models, clock, timeframeMs: MIN, balances: { USDT: 1e12, BTC: 1e9 }, accountMode: "margin" });
  const journal = new JsonlJournal(journalDir, clock, { fsync: false });
  const pending: Promise<void>[] = [];
  await venue.subscribe({
    onOrder: (e) => void pending.push(journal.append("order", { ...e.order })),
    onFill: (e) => void pending.push(journal.append("fill", { ...e.fill })),
  });
  for (let i = 0; i < n; i++) {
    venue.onBar("BTCUSDT", { ts: bars.ts[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! });
    if (i > 0 && i < n - 2) await venue.submit({ clientOrderId: `o${i}`, symbol: "BTCUSDT", side: i % 2 ? "buy" : "sell", type: "market", qty: 0.001, timeInForce: "IOC" });
  }
  await Promise.all(pending);
  journal.close();
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "calib-lat-"));
  const s = await openDataSession();
  try {
    bars = await s.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m", from: "2025-06-01", to: "2025-06-21" });
  } finally {
    s.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("latency calibration from a journal the simulator wrote", () => {
  it("recovers base, jitter, spike probability and spike size within 5% after removing the hour-of-week seasonality", async () => {
    const journalDir = join(dir, "journal");
    await simulate(journalDir, bars.length);
    const out = join(dir, "latency.yaml");
    const o = await runLatencyCalibration({ journal: journalDir, streamSymbol: "", seasonalitySymbol: "", out, builtAt: "2026-01-01T00:00:00.000Z" });
    const f = o.journal!.fit;
    for (const k of ["baseMs", "jitter", "spikeProbability", "spikeMs"] as const) expect(Math.abs(f[k] / TRUE[k] - 1), k).toBeLessThan(0.05);
    expect(o.journal!.deseasonalised).toBe(true);
    expect(o.journal!.orders).toBe(bars.length - 3);
    expect(o.journal!.ackToFill.p99).toBe(0); // market orders fill on arrival
    expect(o.params!.from).toBe("journal");
    expect(o.outPath).toBe(out);
  });

  it("is biased without deseasonalising (the multipliers are part of the data), which is why it is the default", async () => {
    const j = readJournalLines(join(dir, "journal"));
    const raw = calibrateLatencyFromJournal(extractOrderTimelines(j.lines, "journal"));
    expect(raw.deseasonalised).toBe(false);
    expect(raw.fit.jitter).toBeGreaterThan(TRUE.jitter * 1.2);
  });

  it("names the file and line of an order record without a status, and writes nothing", async () => {
    const bad = join(dir, "bad");
    const j = new JsonlJournal(bad, { now: () => Date.UTC(2025, 5, 3) }, { fsync: false });
    await j.append("order", { clientOrderId: "a", symbol: "BTCUSDT", updatedTs: 1 });
    j.close();
    const season = join(dir, "season.json");
    await expect(runLatencyCalibration({ journal: bad, streamSymbol: "", seasonalityOut: season })).rejects.toThrow(/2025-06-03\.jsonl line 1: order record lacks status/);
    expect(() => readJournalLines(join(dir, "missing"))).toThrow(/journal not found/);
  });

  it("skips a torn last line but refuses a corrupt line in the middle, naming it", () => {
    const f = join(dir, "torn.jsonl");
    writeFileSync(f, '{"kind":"order","clientOrderId":"a","status":"submitted","updatedTs":1}\n{"kind":"fill","clientOr');
    expect(readJournalLines(f).skipped).toBe(1);
    writeFileSync(f, '{"kind":"order"\n{"kind":"fill","clientOrderId":"a","ts":5}\n');
    expect(() => readJournalLines(f)).toThrow(/torn\.jsonl line 1: not valid JSON/);
  });
});
