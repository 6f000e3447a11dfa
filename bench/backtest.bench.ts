/**
 * Backtest throughput: the full SMA-cross backtest of the embedded BTCUSDT 1m series (130k bars,
 * 0.1% taker fees, square-root slippage, latency, filters) end to end including the data load, and the
 * simulation part over 10M bars (the real series tiled). CPU time of this process is reported next to
 * wall time, since the machine is shared.
 */
import { loadavg } from "node:os";
import { emptyBarColumns, type BarColumns } from "../lib/core/bar";
import { loadTrainConfig } from "../lib/config/kinds";
import { openDataSession } from "../lib/infra/data/index";
import { ExecutionModels } from "../lib/sim/execution-models";
import { loadExecutionData } from "../lib/sim/loaders";
import { runBacktest } from "../lib/services/backtest/engine";
import { createStrategy } from "../lib/services/strategies/baselines";
import type { BenchResult } from "./types";

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

function tile(src: BarColumns, n: number): BarColumns {
  const out = emptyBarColumns(n);
  let scale = 1;
  let t0 = src.ts[0]!;
  for (let i = 0, j = 0; i < n; i++, j++) {
    if (j === src.length) {
      j = 0;
      scale = out.close[i - 1]! / src.open[0]!;
      t0 = out.ts[i - 1]! + 60_000;
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

export async function run(): Promise<BenchResult[]> {
  const cfg = loadTrainConfig("configs/config_train.yaml");
  const data = loadExecutionData(cfg.execution);
  const models = () => new ExecutionModels(cfg.execution, data, 0);
  const once = async () => {
    const w0 = performance.now();
    const c0 = cpuMs();
    const s = await openDataSession();
    const bars = await s.loadBars({ venue: "binance", symbol: "BTCUSDT", timeframe: "1m" });
    s.close();
    const r = await runBacktest({ series: [{ symbol: "BTCUSDT", bars }], timeframeMs: 60_000, models: models(), initialCash: 10_000, policy: () => createStrategy("sma-cross") });
    return { wall: performance.now() - w0, cpu: cpuMs() - c0, bars: bars.length, fills: r.fills.length, src: bars };
  };
  await once(); // warm-up: module load, DuckDB extension init
  const runs = [];
  for (let k = 0; k < 5; k++) runs.push(await once());
  runs.sort((a, b) => a.wall - b.wall);
  const best = runs[0]!;
  const median = runs[2]!;
  const big = tile(best.src, 10_000_000);
  const w0 = performance.now();
  const c0 = cpuMs();
  const r = await runBacktest({ series: [{ symbol: "BTCUSDT", bars: big }], timeframeMs: 60_000, models: models(), initialCash: 10_000, policy: () => createStrategy("sma-cross") });
  const wall = performance.now() - w0;
  const cpu = cpuMs() - c0;
  const load = loadavg()[0]!.toFixed(1);
  return [
    { name: "backtest 130k 1m bars, SMA cross, end to end (best of 5)", value: best.wall / 1000, unit: "s", target: "< 0.25 s", note: `median ${(median.wall / 1000).toFixed(3)} s, cpu ${(best.cpu / 1000).toFixed(3)} s, ${best.fills} fills, load ${load}` },
    { name: "backtest simulation, 10M bars (wall)", value: big.length / (wall / 1000), unit: "bars/s", target: ">= 5M bars/s", note: `${(wall / 1000).toFixed(2)} s, ${r.fills.length} fills` },
    { name: "backtest simulation, 10M bars (cpu)", value: big.length / (cpu / 1000), unit: "bars/s", target: ">= 5M bars/s", note: `load ${load}` },
  ];
}
