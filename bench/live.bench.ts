/**
 * Live runner: decision latency from bar arrival to order sent (the decision path in the running
 * process: features in streaming form, the demo policy, state features, order sizing through the
 * filters, no-trade windows, risk guard, write-ahead journal record; waits on the venue are not
 * included), and the runner's memory over a day of 1m bars replayed at 10 000x (real BTCUSDT data,
 * checkpoints/demo; the replay exchange in its own process, the runner in this one).
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawn } from "node:child_process";
import v8 from "node:v8";
import vm from "node:vm";
import { LiveApp } from "../lib/app/build-live";
import { quantile } from "../lib/app/live-summary";
import { initTf } from "../lib/infra/tf-backend";
import { loadCheckpoint, saveCheckpoint } from "../lib/rl/checkpoint";
import type { BenchResult } from "./types";

const MODEL = "checkpoints/demo";
const SPEED = 10_000;

interface LiveBench {
  decide: number[];
  orders: number[];
  /** (bars, rss, heapUsed after a full collection), bytes. */
  samples: [number, number, number][];
  wallMs: number;
  fills: number;
}

/** A full garbage collection (so heap figures are live memory, not garbage awaiting collection). */
function collector(): () => void {
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

/**
 * One day of 1m bars at 10 000x: the replay exchange runs as its own process (`npm run replay`), the
 * runner in this one (attached with --replay-url), so the memory measured is the runner's alone.
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
      "  level: warn",
      "  format: json",
    ].join("\n"),
  );
  const ex = spawn(process.execPath, ["--import", "tsx", "lib/cli/replay-exchange.ts", "--from", "2025-08-17", "--to", "2025-08-18", "--speed", String(SPEED), "--warmup-bars", "5000"], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const url = await new Promise<string>((res, rej) => {
      let out = "";
      ex.stdout.on("data", (d: Buffer) => {
        out += d.toString("utf8");
        const m = /replay exchange on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) res(m[1]!);
      });
      ex.on("exit", (code) => rej(new Error(`replay exchange exited ${code}: ${out}`)));
    });
    const gc = collector();
    const samples: [number, number, number][] = [];
    const sample = (bars: number) => {
      gc();
      const m = process.memoryUsage();
      samples.push([bars, m.rss, m.heapUsed]);
    };
    const app = new LiveApp({ config, model, replayUrl: url, speed: SPEED, maxBars: 1440, out: () => undefined, logStream: { write: () => undefined } });
    let next = 0;
    const watch = setInterval(() => {
      const n = app.stats?.barsSeen ?? 0;
      if (app.trading && n >= next) {
        sample(n);
        next += 240;
      }
    }, 5);
    const s = await app.run();
    clearInterval(watch);
    sample(s.barsSeen);
    if (s.exitCode !== 0) throw new Error(`live run (${name}) ended with exit ${s.exitCode}: ${s.reason} ${s.error ?? ""}`);
    return { decide: app.stats!.decideLatencyMs, orders: app.stats!.decisionLatencyMs, samples, wallMs: s.wallMs, fills: s.fills };
  } finally {
    ex.kill();
  }
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
  const first = b.samples[0]!;
  const last = b.samples[b.samples.length - 1]!;
  const perK = b.fills >= 100 ? ((last[2] - first[2]) / 1024 / b.fills) * 1000 : Number.NaN;
  return [
    { name: `live ${label}: RSS at the first bar`, value: mib(first[1]), unit: "MiB" },
    { name: `live ${label}: RSS after 1440 bars (24 h)`, value: mib(last[1]), unit: "MiB", target: "flat", note: `${(b.wallMs / 1000).toFixed(1)} s, ${b.fills} fills` },
    { name: `live ${label}: live heap after 1440 bars`, value: mib(last[2]), unit: "MiB", target: "flat", note: `${mib(first[2]).toFixed(1)} MiB at the first bar (after a full GC)${Number.isFinite(perK) ? `; ${perK.toFixed(0)} KiB per 1000 fills` : ""}` },
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
      { name: "live: bar arrival -> decision p50", value: quantile(demo.decide, 0.5), unit: "ms", note: `${demo.decide.length} bars, ${MODEL}; excludes venue round trips` },
      { name: "live: bar arrival -> decision p99", value: quantile(demo.decide, 0.99), unit: "ms", target: "< 5 ms (excluding the network)" },
      { name: "live: bar arrival -> order sent p50", value: quantile(busy.orders, 0.5), unit: "ms", note: `${busy.orders.length} orders, ${MODEL} with rebalanceThreshold 0` },
      { name: "live: bar arrival -> order sent p99", value: quantile(busy.orders, 0.99), unit: "ms", target: "< 5 ms (excluding the network)" },
      ...memoryFigures("demo", demo),
      ...memoryFigures("high-turnover", busy),
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
