import { beforeAll, describe, expect, it } from "vitest";
import type { BarColumns } from "../../lib/core/bar";
import type { Account } from "../../lib/core/account";
import { applyFillToAccount, newAccount } from "../../lib/core/account";
import { feeValue } from "../../lib/core/fill";
import { MatchingEngine } from "../../lib/sim/matching";
import { SeededRng } from "../../lib/sim/rng";
import type { SymbolModels } from "../../lib/sim/symbol-models";
import { VectorKernel, targetDelta } from "../../lib/sim/vector-kernel";
import { MIN, models } from "./fixtures";
import { readBtcusdt1m } from "./real-bars";

const N = 100_000;
const CASH = 1_000_000;

/** Targets held for random stretches (seeded), with NaN "hold" decisions and flat spells. */
function makeTargets(n: number, seed: number): Float64Array {
  const rng = new SeededRng(seed);
  const t = new Float64Array(n);
  let cur = 0;
  for (let i = 0; i < n; i++) {
    if (rng.next() < 0.08) cur = rng.next() < 0.2 ? 0 : Math.round((rng.next() * 2 - 1) * 100) / 100;
    t[i] = rng.next() < 0.05 ? Number.NaN : cur;
  }
  return t;
}

interface Run {
  equity: Float64Array;
  position: Float64Array;
  fills: number;
  fees: number;
}

/**
 * The event engine driven like the kernel: at each close cancel what is open, then send an IOC
 * market order toward the target (at most the venue's maximum market quantity).
 */
function runEngine(m: SymbolModels, c: BarColumns, targets: Float64Array, leverage: number, cash: number): Run {
  let acct: Account = newAccount("USDT", cash);
  let fills = 0;
  let fees = 0;
  const engine = new MatchingEngine(m, {
    onFill: (f) => {
      acct = applyFillToAccount(acct, f);
      fills++;
      fees += feeValue(f);
    },
  });
  const equity = new Float64Array(c.length);
  const position = new Float64Array(c.length);
  let seq = 0;
  for (let i = 0; i < c.length; i++) {
    engine.onBar(c.ts[i]!, c.open[i]!, c.high[i]!, c.low[i]!, c.close[i]!, c.volume[i]!);
    const pos = acct.positions[m.symbol]?.qty ?? 0;
    const eq = acct.cash + pos * c.close[i]!;
    equity[i] = eq;
    position[i] = pos;
    const target = targets[i]!;
    if (Number.isNaN(target)) continue;
    const now = c.ts[i]! + MIN;
    for (const o of engine.openOrders()) engine.cancel(o.clientOrderId, now);
    const delta = targetDelta(target, eq, leverage, c.close[i]!, pos);
    if (!(Math.abs(delta) * c.close[i]! > 0)) continue;
    const qty = m.filters === null ? Math.abs(delta) : m.filters.clampMarketQty(Math.abs(delta), c.close[i]!);
    engine.submit({ clientOrderId: `o${++seq}`, symbol: m.symbol, side: delta > 0 ? "buy" : "sell", type: "market", qty, timeInForce: "IOC" }, now);
  }
  return { equity, position, fills, fees };
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

describe("vectorised kernel vs event engine on 100k real BTCUSDT 1m bars", () => {
  let bars: BarColumns;
  beforeAll(async () => {
    bars = await readBtcusdt1m(N);
  });

  const cases: { name: string; cfg: unknown; leverage: number; cash?: number }[] = [
    {
      name: "sqrt impact, OHLC path after latency, filters, participation cap that binds",
      cfg: {
        slippage: { kind: "sqrt-impact", sqrtImpact: { k: 0.7, spreadEstimate: { method: "high-low", bps: 0.2 } } },
        latency: { enabled: true, baseMs: 400, jitter: 0.8, spikeProbability: 0.02, spikeMs: 5000, timeoutMs: 4000, retries: 1 },
        fill: { intrabar: "ohlc-path", participationCap: 0.05 },
      },
      leverage: 1,
    },
    {
      name: "seeded Brownian bridge, fixed slippage, next open without participation limit",
      cfg: { slippage: { kind: "fixed", fixedBps: 2 }, fill: { intrabar: "brownian-bridge", participationCap: 1 } },
      leverage: 0.5,
    },
    {
      name: "schema defaults with latency off (next open, square-root impact, 10% participation)",
      cfg: { latency: { enabled: false } },
      leverage: 1,
    },
    {
      name: "a 2e9 USDT account whose orders exceed the 9000 BTC lot maximum (sent at the maximum)",
      cfg: { latency: { enabled: false }, fill: { participationCap: 1 }, fees: { takerBps: 1 } },
      leverage: 1,
      cash: 2e9,
    },
  ];

  for (const k of cases) {
    it(`agrees to 1e-9 on equity and position: ${k.name}`, () => {
      expect(bars.length).toBe(N);
      const targets = makeTargets(N, 11);
      const km = models(k.cfg).forSymbol("BTCUSDT", MIN);
      const kernel = new VectorKernel(km, { initialCash: k.cash ?? CASH, leverage: k.leverage });
      const { outputs, summary } = kernel.run(bars, targets);
      const ev = runEngine(models(k.cfg).forSymbol("BTCUSDT", MIN), bars, targets, k.leverage, k.cash ?? CASH);
      expect(summary.fills).toBeGreaterThan(2000);
      expect(summary.fills).toBe(ev.fills);
      expect(maxAbsDiff(outputs.equity, ev.equity)).toBeLessThanOrEqual(1e-9);
      expect(maxAbsDiff(outputs.position, ev.position)).toBeLessThanOrEqual(1e-9);
      expect(Math.abs(summary.fees - ev.fees)).toBeLessThanOrEqual(1e-9);
      expect(summary.fees).toBeGreaterThan(0);
    });
  }
});
