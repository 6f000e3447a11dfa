import { execFile } from "node:child_process";
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { join, relative } from "node:path";
import { initTf, type TfBackend } from "./tf-backend";

/**
 * Environment checks shared by `npm run doctor` and the live runner's startup. Each returns a
 * CheckResult and never throws: a problem is a `fail` (critical checks make doctor exit 1) or a
 * `warn` (works, but degraded or optional).
 */
export type CheckStatus = "ok" | "warn" | "fail";

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** A failed critical check makes doctor (and the live runner's startup) stop. */
  critical: boolean;
}

const result = (name: string, status: CheckStatus, detail: string, critical = true): CheckResult => ({ name, status, detail, critical });

/** Node version against the minimum in package.json engines. */
export function checkNodeVersion(version: string = process.versions.node, min = "20.19.0"): CheckResult {
  const parse = (v: string) => v.replace(/^v/, "").split(".").map((p) => Number.parseInt(p, 10) || 0);
  const [a, b] = [parse(version), parse(min)];
  let cmp = 0;
  for (let i = 0; i < 3 && cmp === 0; i++) cmp = Math.sign((a[i] ?? 0) - (b[i] ?? 0));
  return cmp >= 0 ? result("node", "ok", `v${version.replace(/^v/, "")} (>= ${min})`) : result("node", "fail", `v${version.replace(/^v/, "")} is older than ${min}: install Node ${min} or newer`);
}

function walk(dir: string, ext: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, ext, out);
    else if (e.name.endsWith(ext)) out.push(p);
  }
  return out;
}

/** Why a parquet file is unusable, or null when its header, footer and footer length are sound. */
export function parquetProblem(path: string): string | null {
  let fd = -1;
  try {
    const size = statSync(path).size;
    fd = openSync(path, "r");
    const head = Buffer.alloc(Math.min(64, size));
    readSync(fd, head, 0, head.length, 0);
    if (head.toString("latin1").startsWith("version https://git-lfs")) return "a Git LFS pointer, not the data (run git lfs pull)";
    if (size < 12) return `truncated (${size} bytes)`;
    const tail = Buffer.alloc(8);
    readSync(fd, tail, 0, 8, size - 8);
    if (head.toString("latin1", 0, 4) !== "PAR1" || tail.toString("latin1", 4, 8) !== "PAR1") return "not a parquet file (magic bytes missing)";
    const footer = tail.readUInt32LE(0);
    if (footer === 0 || footer > size - 12) return `corrupt footer (length ${footer} in a ${size}-byte file)`;
    return null;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? String(e);
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** Bars under <dataDir>/bars: at least one parquet file, every one readable and structurally sound. */
export function checkBarFiles(dataDir = "data"): CheckResult {
  const name = `${dataDir}/bars/**.parquet`;
  let files: string[];
  try {
    files = walk(join(dataDir, "bars"), ".parquet");
  } catch (e) {
    return result(name, "fail", `cannot list ${join(dataDir, "bars")}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (run npm run data:build)`);
  }
  if (files.length === 0) return result(name, "fail", `no parquet files under ${join(dataDir, "bars")} (run npm run data:build)`);
  const bad = files.map((f) => [f, parquetProblem(f)] as const).filter(([, p]) => p !== null);
  if (bad.length > 0) {
    const list = bad.slice(0, 3).map(([f, p]) => `${relative(dataDir, f)}: ${p}`).join("; ");
    return result(name, "fail", `${bad.length} of ${files.length} unreadable: ${list}${bad.length > 3 ? "; ..." : ""}`);
  }
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const series = new Set(files.map((f) => relative(join(dataDir, "bars"), f).split("/").slice(0, 3).join("/")));
  return result(name, "ok", `${files.length} files, ${series.size} series, ${(bytes / 1048576).toFixed(1)} MiB`);
}

/** The reference files the simulator, venues and live runner read (ARCHITECTURE.md section 6). */
export const REFERENCE_FILES = [
  "binance_filters.json",
  "fees/fees_by_symbol.json",
  "universe/symbols.json",
  "universe/alpaca_symbols.json",
  "latency/liquidity_latency_seasonality.json",
] as const;

/** One reference JSON file: present, valid JSON; the seasonality file must hold 168 finite numbers. */
export function checkReferenceFile(dataDir: string, file: string): CheckResult {
  const path = join(dataDir, file);
  const name = path;
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return result(name, "fail", code === "ENOENT" ? "missing (run npm run data:build)" : code ? `unreadable: ${code}` : `invalid JSON: ${(e as Error).message}`);
  }
  if (file.includes("seasonality")) {
    const arr = Array.isArray(value) ? value : (value as { multipliers?: unknown } | null)?.multipliers;
    if (!Array.isArray(arr) || arr.length !== 168 || !arr.every((x) => typeof x === "number" && Number.isFinite(x) && x >= 0)) {
      return result(name, "fail", "expected 168 non-negative hour-of-week multipliers (index 0 = Monday 00:00 UTC)");
    }
    return result(name, "ok", "168 hour-of-week multipliers");
  }
  const n = Array.isArray(value) ? value.length : value !== null && typeof value === "object" ? Object.keys(value).length : 0;
  return result(name, "ok", `${(statSync(path).size / 1024).toFixed(1)} KiB, ${n} top-level ${Array.isArray(value) ? "items" : "keys"}`);
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: "utf8" }, (err, stdout, stderr) => resolve({ ok: !err, out: `${stdout}${stderr}` }));
  });
}

/** Jupyter for the notebooks: `jupyter --version`, else nbclient importable by python. Optional (warn). */
export async function checkJupyter(opts: { jupyter?: string; python?: string; timeoutMs?: number } = {}): Promise<CheckResult> {
  const timeout = opts.timeoutMs ?? 20_000;
  const j = await run(opts.jupyter ?? "jupyter", ["--version"], timeout);
  if (j.ok) {
    const pick = (k: string) => new RegExp(`^\\s*${k}\\s*:\\s*(\\S+)`, "m").exec(j.out)?.[1];
    const parts = [["notebook", pick("notebook")], ["nbclient", pick("nbclient")], ["nbconvert", pick("nbconvert")]].filter(([, v]) => v).map(([k, v]) => `${k} ${v}`);
    return result("jupyter", "ok", parts.length ? parts.join(", ") : j.out.trim().split("\n")[0] ?? "present", false);
  }
  const python = opts.python ?? "/usr/bin/python3";
  const p = await run(python, ["-c", "import nbclient; print(nbclient.__version__)"], timeout);
  if (p.ok) return result("jupyter", "ok", `nbclient ${p.out.trim()} (${python}; no jupyter command)`, false);
  return result("jupyter", "warn", "not installed: notebooks cannot run (apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel)", false);
}

/** The tslab kernel registered for this checkout (npm run kernel:install). Optional (warn). */
export function checkTslabKernel(root = "."): CheckResult {
  const path = join(root, ".jupyter/share/jupyter/kernels/tslab/kernel.json");
  try {
    const k = JSON.parse(readFileSync(path, "utf8")) as { argv?: unknown };
    if (!Array.isArray(k.argv) || k.argv.length === 0) return result("tslab kernel", "warn", `${path} has no argv: rerun npm run kernel:install`, false);
    return result("tslab kernel", "ok", `${relative(root, path) || path}`, false);
  } catch {
    return result("tslab kernel", "warn", "not registered: run npm run kernel:install", false);
  }
}

/** Which tfjs backend loads: native or wasm is ok, cpu works but is about 5x slower to train. */
export async function checkTfBackend(prefer?: readonly TfBackend[]): Promise<CheckResult> {
  try {
    const b = await initTf({ prefer });
    if (b === "cpu") return result("tfjs backend", "warn", "cpu (pure JS): training is about 5x slower than wasm");
    return result("tfjs backend", "ok", b === "wasm" ? "wasm (SIMD, 1 thread); native tfjs-node not installed" : "tensorflow (native)");
  } catch (e) {
    return result("tfjs backend", "fail", e instanceof Error ? e.message : String(e));
  }
}

/** Free space on the filesystem holding `dir`. */
export async function checkDiskSpace(dir = ".", minBytes = 1_000_000_000): Promise<CheckResult> {
  try {
    const s = await statfs(dir);
    const free = Number(s.bavail) * Number(s.bsize);
    const gib = (n: number) => `${(n / 1073741824).toFixed(1)} GiB`;
    return free >= minBytes ? result("disk space", "ok", `${gib(free)} free`) : result("disk space", "fail", `${gib(free)} free, need at least ${gib(minBytes)}`);
  } catch (e) {
    return result("disk space", "fail", `cannot stat ${dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
}

/** The state folder exists (or can be created) and takes a written, fsynced, re-read and removed file. */
export function checkStateWritable(stateDir = "state", pid: number = process.pid): CheckResult {
  const probe = join(stateDir, `.doctor-${pid}.tmp`);
  try {
    mkdirSync(stateDir, { recursive: true });
    const fd = openSync(probe, "w");
    try {
      writeSync(fd, "doctor");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (readFileSync(probe, "utf8") !== "doctor") return result(`${stateDir}/ writable`, "fail", "read back different bytes");
    return result(`${stateDir}/ writable`, "ok", "write, fsync, read, delete");
  } catch (e) {
    return result(`${stateDir}/ writable`, "fail", `${(e as NodeJS.ErrnoException).code ?? String(e)} on ${probe}`);
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // the probe was never created (e.g. the folder is not a directory): nothing to remove
    }
  }
}
