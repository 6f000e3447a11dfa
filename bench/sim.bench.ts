/**
 * Execution simulator throughput: the vectorised kernel over 10M bars with fees, square-root
 * slippage and Binance filters, and the event-driven engine over 1M bars with an order every 10
 * bars. Bars are the real BTCUSDT 1m series, tiled end to end (each copy rescaled to continue
 * from the previous close) to reach the bar counts. Throughput is reported per second of this
 * process's CPU time (single thread), which other processes on a shared machine do not inflate; the
 * wall-clock rate and the load average are in the note.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import type { BarColumns } from "../lib/core/bar";
import { emptyBarColumns, sliceBarColumns } from "../lib/core/bar";
import { executionSchema } from "../lib/config/schemas/execution";
import { ExecutionModels } from "../lib/sim/execution-models";
import { loadExecutionData } from "../lib/sim/loaders";
import { MatchingEngine } from "../lib/sim/matching";
import { VectorKernel } from "../lib/sim/vector-kernel";
import { loadavg } from "node:os";
import type { BenchResult } from "./types";

const MIN = 60_000;
const DIR = "data/bars/venue=binance/symbol=BTCUSDT/timeframe=1m";

async function realBars(): Promise<BarColumns> {
  const db = await DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    const r = await con.runAndReadAll(`SELECT epoch_ms(ts)::DOUBLE, open, high, low, close, volume FROM read_parquet('${DIR}/*.parquet') ORDER BY 1`);
    const cols = (r.getColumnsJS() as number[][]).map((c) => Float64Array.from(c));
    return { ts: cols[0]!, open: cols[1]!, high: cols[2]!, low: cols[3]!, close: cols[4]!, volume: cols[5]!, length: cols[0]!.length };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/** `n` bars made of the real series repeated, each copy scaled to start at the previous copy's close. */
function tile(src: BarColumns, n: number): BarColumns {
  const out = emptyBarColumns(n);
  let scale = 1;
  let t0 = src.ts[0]!;
  for (let i = 0, j = 0; i < n; i++, j++) {
    if (j === src.length) {
      j = 0;
      scale = out.close[i - 1]! / src.open[0]!;
      t0 = out.ts[i - 1]! + MIN;
    }
    out.ts[i] = t0 + (src.ts[j]! - src.ts[0]!);
    out.open[i] = src.open[j]! * scale;
    out.high[i] = src.high[j]! * scale;
    out.low[i] = src.low[j]! * scale;
    out.close[i] = src.close[j]! * scale;
    out.volume[i] = src.volume[j]!;
  }
  return out;
}

/** Long when the close is above its 60-bar mean, flat otherwise (a position change every ~20 bars). */
function trendTargets(c: BarColumns): Float64Array {
  const t = new Float64Array(c.length);
  let sum = 0;
  for (let i = 0; i < c.length; i++) {
    sum += c.close[i]!;
    if (i >= 60) sum -= c.close[i - 60]!;
    t[i] = i >= 59 && c.close[i]! > sum / 60 ? 1 : 0;
  }
  return t;
}

/** Runs `fn` once; returns CPU seconds of this process and wall seconds. */
function measure(fn: () => void): { cpu: number; wall: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { cpu: (c.user + c.system) / 1e6, wall: (performance.now() - t0) / 1000 };
}

function timing(n: number, t: { cpu: number; wall: number }): string {
  return `${t.cpu.toFixed(2)} s CPU, ${(n / t.wall / 1e6).toFixed(1)}M bars/s wall at load ${loadavg()[0]!.toFixed(1)}`;
}

function models(): ExecutionModels {
  const cfg = executionSchema.parse({ latency: { enabled: false }, slippage: { kind: "sqrt-impact" }, fill: { participationCap: 0.1 } });
  return new ExecutionModels(cfg, loadExecutionData(cfg), 1);
}

function benchKernel(bars: BarColumns, targets: Float64Array, label: string, initialCash: number): BenchResult {
  const kernel = new VectorKernel(models().forSymbol("BTCUSDT", MIN), { initialCash });
  const out = { position: new Float64Array(bars.length), equity: new Float64Array(bars.length) };
  kernel.run(sliceBarColumns(bars, 0, 2_000_000), targets, out); // warm-up: steady-state JIT code is what is measured
  kernel.reset();
  const t = measure(() => kernel.run(bars, targets, out));
  const summary = kernel.summarize();
  return {
    name: `sim kernel ${(bars.length / 1e6).toFixed(0)}M bars, fees+sqrt slippage+filters, ${label}`,
    value: bars.length / t.cpu,
    unit: "bars/s",
    target: ">= 20M bars/s",
    note: `${summary.fills} fills, ${summary.filterRejections} filter rejections, final equity ${summary.finalEquity.toExponential(2)}; ${timing(bars.length, t)}`,
  };
}

function benchEngine(bars: BarColumns): BenchResult {
  const cfg = executionSchema.parse({ slippage: { kind: "sqrt-impact" }, fill: { participationCap: 0.1 } });
  const m = new ExecutionModels(cfg, loadExecutionData(cfg), 1);
  let fills = 0;
  const engine = new MatchingEngine(m.forSymbol("BTCUSDT", MIN), { onFill: () => void 0 });
  const counting = new MatchingEngine(m.forSymbol("BTCUSDT", MIN), { onFill: () => fills++ });
  const pass = (e: MatchingEngine, n: number) => {
    let seq = 0;
    for (let i = 0; i < n; i++) {
      e.onBar(bars.ts[i]!, bars.open[i]!, bars.high[i]!, bars.low[i]!, bars.close[i]!, bars.volume[i]!);
      if (i % 10 === 9) {
        const side = (i / 10) % 2 < 1 ? "buy" : "sell";
        e.submit({ clientOrderId: `o${++seq}`, symbol: "BTCUSDT", side, type: "market", qty: 0.05, timeInForce: "GTC" }, bars.ts[i]! + MIN);
      }
    }
  };
  pass(engine, bars.length); // warm-up: steady-state JIT code is what is measured
  const t = measure(() => pass(counting, bars.length));
  return {
    name: `sim event engine ${(bars.length / 1e6).toFixed(0)}M bars, order every 10 bars`,
    value: bars.length / t.cpu,
    unit: "bars/s",
    target: ">= 2M bars/s",
    note: `${fills} fills, latency+fees+slippage+filters on; ${timing(bars.length, t)}`,
  };
}

export async function run(): Promise<BenchResult[]> {
  const real = await realBars();
  const engine = benchEngine(tile(real, 1_000_000)); // first, while the heap is small
  const big = tile(real, 10_000_000);
  const trend = trendTargets(big);
  // +-1 swapped every 20k bars with 1e9 USDT: ~2 x 9000 BTC to trade at 10% of ~10 BTC per bar,
  // so the participation cap leaves a partial fill on (almost) every bar
  const swings = new Float64Array(big.length);
  for (let i = 0; i < swings.length; i++) swings[i] = Math.floor(i / 20_000) % 2 === 0 ? 1 : -1;
  return [
    benchKernel(big, trend, "trend targets, 100k USDT", 100_000),
    benchKernel(big, swings, "a capped fill on every bar", 1e9),
    engine,
  ];
}
