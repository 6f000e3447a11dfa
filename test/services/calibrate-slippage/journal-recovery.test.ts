import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSlippageCalibration } from "../../../lib/app/build-calibration";
import { executionSchema } from "../../../lib/config/schemas/execution";
import type { BarColumns } from "../../../lib/core/bar";
import { openDataSession } from "../../../lib/infra/data/session";
import { JsonlJournal } from "../../../lib/infra/journal";
import { backtest } from "../../../lib/services/backtest/service";
import { createStrategy } from "../../../lib/services/strategies/baselines";
import { ExecutionModels } from "../../../lib/sim/execution-models";
import { loadExecutionData } from "../../../lib/sim/loaders";
import { ReplayClock } from "../../../lib/sim/replay-clock";
import { SeededRng } from "../../../lib/sim/rng";
import { SimulatedVenue } from "../../../lib/sim/simulated-venue";

const MIN = 60_000;
const TRUE = { halfSpreadBps: 1.5, k: 0.6 };
/** The model that generates the journal: half-spread 1.5 bps (a fixed 3 bps spread) + 0.6 sigma sqrt(q / V). */
const generating = {
  slippage: { kind: "sqrt-impact", sqrtImpact: { k: TRUE.k, spreadSource: "estimate", spreadEstimate: { method: "fixed", bps: 2 * TRUE.halfSpreadBps }, halfLifeBars: 20 } },
  latency: { enabled: true, baseMs: 40, jitter: 0.3 },
  fees: { makerBps: 10, takerBps: 10 },
  filters: { enforce: false },
};

let dir: string;
let bars: BarColumns;

/** Runs the simulated venue over real BTCUSDT bars with market orders of many sizes and journals every order update and fill. */
async function simulateJournal(journalDir: string): Promise<number> {
  const models = new ExecutionModels(executionSchema.parse(generating), {}, 7);
  const clock = new ReplayClock(bars.ts[0]!);
  const venue = new SimulatedVenue({ models, clock, timeframeMs: MIN, balances: { USDT: 1e10, BTC: 1e6 }, accountMode: "margin" });
  const journal = new JsonlJournal(journalDir, clock, { fsync: false });
  const pending: Promise<void>[] = [];
  await venue.subscribe({
    onOrder: (e) => void pending.push(journal.append("order", { ...e.order })),
    onFill: (e) => void pending.push(journal.append("fill", { ...e.fill })),
  });
  const rng = new SeededRng(99);
  let orders = 0;
  for (let i = 0; i < bars.length; i++) {
    venue.onBar("BTCUSDT", { ts: bars.ts[i]!, open: bars.open[i]!, high: bars.high[i]!, low: bars.low[i]!, close: bars.close[i]!, volume: bars.volume[i]! });
    if (i >= 450 && i % 3 === 0 && i < bars.length - 5) {
      const qty = Math.round(Math.exp(-3 + 5.5 * rng.next()) * 1e5) / 1e5;
      const r = await venue.submit({ clientOrderId: `o${i}`, symbol: "BTCUSDT", side: orders % 2 === 0 ? "buy" : "sell", type: "market", qty, timeInForce: "GTC" });
      expect(r.ok).toBe(true);
      orders++;
    }
  }
  await Promise.all(pending);
  journal.close();
  return orders;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "calib-slip-"));
  const s = await openDataSession();
  try {
    bars = await s.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m", from: "2025-06-02", to: "2025-06-05" });
  } finally {
    s.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("slippage calibration from a fills journal the simulator wrote", () => {
  it("recovers the generating half-spread and k within 5%, and a backtest with the calibrated profile reproduces the generating model's costs", async () => {
    const journalDir = join(dir, "journal");
    const orders = await simulateJournal(journalDir);
    expect(orders).toBeGreaterThan(1000);
    const out = join(dir, "profile.json");
    const o = await runSlippageCalibration({ source: "journal", journal: journalDir, symbols: ["BTCUSDT"], timeframe: "1m", out, builtAt: "2026-01-01T00:00:00.000Z" });
    const r = o.results[0]!;
    expect(r.method).toBe("fills-journal");
    expect(r.fit.n).toBeGreaterThan(orders); // the participation cap splits large orders into several fills
    expect(Math.abs(r.params.k / TRUE.k - 1)).toBeLessThan(0.05);
    expect(Math.abs(r.params.halfSpreadBps / TRUE.halfSpreadBps - 1)).toBeLessThan(0.05);
    expect(r.fit.r2).toBeGreaterThan(0.999);
    expect(o.profile.symbols["BTCUSDT"]).toEqual({ halfSpreadBps: expect.any(Number), k: expect.any(Number) });

    // the calibrated profile, loaded by the simulator, against the generating model: same strategy, same bars
    const run = async (slippage: Record<string, unknown>) => {
      const cfg = executionSchema.parse({ ...generating, slippage });
      const models = new ExecutionModels(cfg, loadExecutionData(cfg), 3);
      return backtest({ series: [{ symbol: "BTCUSDT", bars }], timeframeMs: MIN, market: "crypto", models, initialCash: 1e6, label: "sma-cross", policy: () => createStrategy("sma-cross", { fast: 10, slow: 30 }), benchmark: false });
    };
    const calibrated = await run({ kind: "profile", profileFile: out, sqrtImpact: { halfLifeBars: 20 } });
    const original = await run(generating.slippage);
    expect(calibrated.run.fills.length).toBeGreaterThan(20);
    expect(calibrated.run.fills.length).toBe(original.run.fills.length);
    const cost = (fs: typeof original.run.fills) => fs.reduce((s, f) => s + f.slippageCost, 0);
    expect(Math.abs(cost(calibrated.run.fills) / cost(original.run.fills) - 1)).toBeLessThan(0.01);
  });

  it("names the file and line of a fill record without a requested price, and writes no profile", async () => {
    const bad = join(dir, "bad");
    const j = new JsonlJournal(bad, { now: () => Date.UTC(2025, 5, 3) }, { fsync: false });
    await j.append("fill", { symbol: "BTCUSDT", side: "buy", qty: 1, price: 100, liquidity: "taker", clientOrderId: "a" });
    j.close();
    const out = join(dir, "never.json");
    await expect(runSlippageCalibration({ source: "journal", journal: bad, symbols: ["BTCUSDT"], out })).rejects.toThrow(/2025-06-03\.jsonl line 1: fill record lacks requestedPrice/);
    expect(existsSync(out)).toBe(false);
  });
});
