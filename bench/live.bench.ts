/**
 * Live runner: decision latency from bar arrival to order sent (the decision path in the running
 * process: features in streaming form, the demo policy, state features, order sizing through the
 * filters, no-trade windows, risk guard, write-ahead journal record; waits on the venue are not
 * included), and the runner's memory over a day of 1m bars replayed at 10 000x (real BTCUSDT data,
 * checkpoints/demo, the replay exchange in this process and the runner in its own).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import { loadLiveConfig } from "../lib/config/kinds";
import { startReplayExchange } from "../lib/venues/replay/index";
import { initTf } from "../lib/infra/tf-backend";
import { loadCheckpoint, saveCheckpoint } from "../lib/rl/checkpoint";
import type { BenchResult } from "./types";

const MODEL = "checkpoints/demo";
const SPEED = 10_000;

interface LiveBench {
  decideP50: number;
  decideP99: number;
  orderP50: number;
  orderP99: number;
  orders: number;
  /** (rss, heapUsed) samples of the runner process from its /metrics, bytes. */
  samples: [number, number][];
  wallMs: number;
  fills: number;
}

const num = (s: string | undefined) => (s === undefined || s === "-" ? Number.NaN : Number(s));

/**
 * One day of 1m bars at 10 000x: the replay exchange runs in this process, the runner in its own
 * (`node --import tsx live/main.ts --replay-url ...`), so its memory is measured alone (sampled from
 * its /metrics every 100 ms).
 */
async function liveDay(root: string, model: string, name: string): Promise<LiveBench> {
  const state = join(root, name);
  const config = join(root, `${name}.yaml`);
  writeFileSync(
    config,
    [
      "kind: live",
      "imports:",
      `  - ${resolve("configs/config_live.yaml")}`,
      "live:",
      `  stateDir: ${state}`,
      "  health:",
      "    port: 0",
      "risk:",
      "  killSwitch:",
      `    flagFile: ${join(state, "kill_switch.flag")}`,
      `    stateFile: ${join(state, "kill_switch_state.json")}`,
      "    limits:",
      "      staleIntervals: 0",
      "logging:",
      "  level: info",
      "  format: json",
    ].join("\n"),
  );
  const cfg = loadLiveConfig(resolve("configs/config_live.yaml"));
  const ex = await startReplayExchange({ symbols: ["BTCUSDT"], from: "2025-08-17", to: "2025-08-18", speed: SPEED, warmupBars: 5000, sim: cfg.execution as never });
  const child = spawn(process.execPath, ["--import", "tsx", "live/main.ts", "--config", config, "--model", model, "--replay-url", ex.baseUrl, "--speed", String(SPEED), "--max-bars", "1440"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  let url: string | undefined;
  const samples: [number, number][] = [];
  child.stdout.on("data", (d: Buffer) => {
    out += d.toString("utf8");
    url ??= /"url":"(http:\/\/127\.0\.0\.1:\d+)","paths"/.exec(out)?.[1];
  });
  const poll = setInterval(() => {
    if (url === undefined || !out.includes("startup: trading")) return;
    fetch(`${url}/metrics`)
      .then((r) => r.text())
      .then((t) => {
        const rss = /^process_resident_memory_bytes (\d+)/m.exec(t)?.[1];
        const heap = /^nodejs_heap_used_bytes (\d+)/m.exec(t)?.[1];
        if (rss !== undefined && heap !== undefined) samples.push([Number(rss), Number(heap)]);
      })
      .catch(() => undefined);
  }, 100);
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  clearInterval(poll);
  await ex.close();
  if (code !== 0) throw new Error(`live run (${name}) exited ${code}:\n${out.slice(-3000)}`);
  const lat = /bar -> decision p50 ([\d.]+|-)(?: ms)?, p99 ([\d.]+|-)(?: ms)?; bar -> order sent p50 ([\d.]+|-)(?: ms)?, p99 ([\d.]+|-)/.exec(out);
  const orders = /orders\s+(\d+) sent/.exec(out);
  const fills = /fills\s+(\d+),/.exec(out);
  const wall = /in ([\d.]+) s\n/.exec(out);
  return {
    decideP50: num(lat?.[1]),
    decideP99: num(lat?.[2]),
    orderP50: num(lat?.[3]),
    orderP99: num(lat?.[4]),
    orders: Number(orders?.[1] ?? 0),
    samples,
    wallMs: Number(wall?.[1] ?? Number.NaN) * 1000,
    fills: Number(fills?.[1] ?? 0),
  };
}

/** The demo checkpoint with its rebalance band set to 0: an order whenever the target moves by the min notional. */
async function highTurnoverVariant(dir: string): Promise<void> {
  await initTf({ prefer: ["wasm", "cpu"] });
  const c = loadCheckpoint(MODEL);
  const config = { ...(c.manifest.config as Record<string, unknown>) };
  config.env = { ...(config.env as Record<string, unknown>), rebalanceThreshold: 0 };
  await saveCheckpoint(dir, { layout: c.layout, params: c.params, manifest: { ...c.manifest, config } });
  const conformal = join(MODEL, "conformal.json");
  if (existsSync(conformal)) copyFileSync(conformal, join(dir, "conformal.json"));
}

const mib = (b: number) => b / 2 ** 20;

function memoryFigures(label: string, b: LiveBench): BenchResult[] {
  const n = b.samples.length;
  if (n < 4) return [{ name: `live ${label}: memory`, value: Number.NaN, unit: "MiB", note: `only ${n} /metrics samples` }];
  const q = Math.max(1, Math.floor(n / 4));
  const early = b.samples.slice(0, q);
  const late = b.samples.slice(n - q);
  const max = (xs: [number, number][], k: 0 | 1) => Math.max(...xs.map((x) => x[k]));
  const min = (xs: [number, number][], k: 0 | 1) => Math.min(...xs.map((x) => x[k]));
  return [
    { name: `live ${label}: runner RSS at the first bar`, value: mib(b.samples[0]![0]), unit: "MiB" },
    { name: `live ${label}: runner RSS after 1440 bars (24 h)`, value: mib(b.samples[n - 1]![0]), unit: "MiB", target: "flat", note: `max first quarter ${mib(max(early, 0)).toFixed(1)}, last quarter ${mib(max(late, 0)).toFixed(1)} MiB; ${(b.wallMs / 1000).toFixed(1)} s, ${b.fills} fills` },
    // the smallest heap in a window is its live size just after a collection (samples in between include garbage)
    { name: `live ${label}: V8 heap after GC, last quarter`, value: mib(min(late, 1)), unit: "MiB", target: "flat", note: `first quarter ${mib(min(early, 1)).toFixed(1)} MiB (minimum of ${q} samples each)` },
  ];
}

export async function run(): Promise<BenchResult[]> {
  if (!existsSync(join(MODEL, "manifest.json"))) throw new Error(`${MODEL} is missing: train it first (npm run train -- --out ${MODEL})`);
  const root = mkdtempSync(join(tmpdir(), "tradelab-live-bench-"));
  try {
    const demo = await liveDay(root, MODEL, "demo");
    const variant = join(root, "high-turnover");
    await highTurnoverVariant(variant);
    const busy = await liveDay(root, variant, "busy");
    return [
      { name: "live: bar arrival -> decision p50", value: demo.decideP50, unit: "ms", note: `1440 bars, ${MODEL}; excludes venue round trips` },
      { name: "live: bar arrival -> decision p99", value: demo.decideP99, unit: "ms", target: "< 5 ms (excluding the network)" },
      { name: "live: bar arrival -> order sent p50", value: busy.orderP50, unit: "ms", note: `${busy.orders} orders, ${MODEL} with rebalanceThreshold 0` },
      { name: "live: bar arrival -> order sent p99", value: busy.orderP99, unit: "ms", target: "< 5 ms (excluding the network)" },
      ...memoryFigures("demo", demo),
      ...memoryFigures("high-turnover", busy),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
