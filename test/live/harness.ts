import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadLiveConfig } from "../../lib/config/kinds";
import { deepMerge } from "../../lib/config/merge";
import { startReplayExchange, type ReplayExchange } from "../../lib/venues/replay/index";
import { loadBtcBars, makeCheckpoint, type FixtureOptions } from "./checkpoint-fixture";

export const ROOT = process.cwd();
export const REPLAY_FROM = Date.parse("2025-08-17T00:00:00Z");
export const TF = 60_000;
/** History the replay serves before its first bar and the runner warms up from (>= the test pipeline's warm-up). */
export const WARMUP_BARS = 400;

/** A temporary folder with a checkpoint (fitted on real BTCUSDT bars before the replay range). */
export async function fixtureDir(prefix: string, o: FixtureOptions = {}): Promise<{ root: string; model: string }> {
  const root = mkdtempSync(join(tmpdir(), `tradelab-${prefix}-`));
  const model = join(root, "ckpt");
  const bars = await loadBtcBars("2025-08-12", "2025-08-16");
  await makeCheckpoint(model, bars, o);
  return { root, model };
}

/** A live config under `root` (state and kill switch files there, no no-trade windows), importing the project's config; `overrides` merge over it. */
export function writeLiveConfig(root: string, overrides: Record<string, unknown> = {}, name = "live.yaml"): string {
  const state = join(root, "state");
  mkdirSync(state, { recursive: true });
  const base = {
    kind: "live",
    imports: [join(ROOT, "configs/config_live.yaml")],
    live: { stateDir: state, warmupBars: WARMUP_BARS, health: { port: 0 } },
    noTrade: { dailyUtc: [], custom: [] },
    risk: { killSwitch: { flagFile: join(state, "kill_switch.flag"), stateFile: join(state, "kill_switch_state.json"), pollIntervalMs: 100 } },
    logging: { level: "info", format: "json" },
  };
  const file = join(root, name);
  writeFileSync(file, stringify(deepMerge(base, overrides)));
  return file;
}

/** A replay exchange in this process (the venue the runner under test talks to through the Binance adapter). */
export async function startExchange(o: { bars: number; speed?: number; seed?: number; autoStart?: boolean | "on-subscribe"; apiKey?: string; apiSecret?: string; balances?: Record<string, number> }): Promise<ReplayExchange> {
  const cfg = loadLiveConfig(join(ROOT, "configs/config_live.yaml"));
  return startReplayExchange({
    symbols: ["BTCUSDT"],
    timeframe: "1m",
    from: REPLAY_FROM,
    to: REPLAY_FROM + o.bars * TF,
    speed: o.speed ?? 1000,
    warmupBars: WARMUP_BARS,
    sim: cfg.execution as never,
    seed: o.seed ?? 0,
    autoStart: o.autoStart ?? "on-subscribe",
    balances: o.balances ?? { USDT: 10_000 },
    ...(o.apiKey ? { apiKey: o.apiKey, apiSecret: o.apiSecret } : {}),
  });
}

export interface LiveChild {
  child: ChildProcess;
  out: string[];
  exit: Promise<number | null>;
  /** Resolves when a stdout line matches. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
}

/** `node --import tsx live/main.ts ...` as a child process (one process: kill -9 hits the runner itself). */
export function spawnLive(args: readonly string[], env: Record<string, string> = {}): LiveChild {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "live/main.ts"), ...args], { cwd: ROOT, env: { ...process.env, TZ: "UTC", NO_COLOR: "1", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const out: string[] = [];
  const watchers: { re: RegExp; resolve: (s: string) => void }[] = [];
  let buf = "";
  const onData = (d: Buffer) => {
    buf += d.toString("utf8");
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      out.push(line);
      for (const w of [...watchers]) if (w.re.test(line)) [watchers.splice(watchers.indexOf(w), 1), w.resolve(line)];
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exit = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    child,
    out,
    exit,
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise((res, rej) => {
        const hit = out.find((l) => re.test(l));
        if (hit !== undefined) return res(hit);
        const t = setTimeout(() => rej(new Error(`timed out waiting for ${re} in:\n${out.slice(-20).join("\n")}`)), timeoutMs);
        watchers.push({ re, resolve: (s) => (clearTimeout(t), res(s)) });
      }),
  };
}

/** Parsed JSON log lines of a child's output. */
export function jsonLines(lines: readonly string[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const l of lines) {
    if (!l.startsWith("{")) continue;
    try {
      out.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      // a summary or partial line
    }
  }
  return out;
}

/** An in-memory log stream for in-process runs. */
export function captureLog(): { stream: { write(s: string): void }; lines: string[] } {
  const lines: string[] = [];
  return { stream: { write: (s: string) => void lines.push(s) }, lines };
}

/** Polls `cond` every 5 ms until true (or fails after `timeoutMs`). */
export async function waitUntil(cond: () => boolean, timeoutMs = 20_000, what = "condition"): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Waits until an in-process LiveApp trades; fails with its summary if it stopped instead. */
export async function startTrading(app: { trading: boolean }, done: Promise<{ reason: string; error?: string }>): Promise<void> {
  let stopped: { reason: string; error?: string } | undefined;
  void done.then((s) => (stopped = s));
  await waitUntil(() => app.trading || stopped !== undefined, 60_000, "the runner to start trading");
  if (!app.trading) throw new Error(`the runner stopped during start-up: ${stopped!.reason} ${stopped!.error ?? ""}`);
}
