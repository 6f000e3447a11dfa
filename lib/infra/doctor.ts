import { join } from "node:path";
import {
  checkBarFiles,
  checkDiskSpace,
  checkJupyter,
  checkNodeVersion,
  checkReferenceFile,
  checkStateWritable,
  checkTfBackend,
  checkTslabKernel,
  type CheckResult,
  REFERENCE_FILES,
} from "./doctor-checks";
import type { TfBackend } from "./tf-backend";

export * from "./doctor-checks";

export interface DoctorOptions {
  /** Project root. Default: the working directory. */
  root?: string;
  /** Default <root>/data. */
  dataDir?: string;
  /** Default <root>/state. */
  stateDir?: string;
  /** Default 1 GB. */
  minFreeBytes?: number;
  /** Check names to skip: node, data, jupyter, kernel, tf, disk, state. */
  skip?: readonly string[];
  jupyter?: { jupyter?: string; python?: string; timeoutMs?: number };
  tfPrefer?: readonly TfBackend[];
}

export interface DoctorReport {
  results: CheckResult[];
  /** False when a critical check failed. */
  ok: boolean;
  counts: { ok: number; warn: number; fail: number };
}

/** Runs every check (the slow ones concurrently) and returns them in a fixed order. */
export async function runDoctor(opts: DoctorOptions = {}): Promise<DoctorReport> {
  const root = opts.root ?? ".";
  const dataDir = opts.dataDir ?? join(root, "data");
  const stateDir = opts.stateDir ?? join(root, "state");
  const skip = new Set(opts.skip ?? []);
  const groups: Promise<CheckResult[]>[] = [];
  const add = (key: string, f: () => CheckResult[] | Promise<CheckResult[]>) => {
    if (!skip.has(key)) groups.push(Promise.resolve().then(f));
  };
  add("node", () => [checkNodeVersion()]);
  add("data", () => [checkBarFiles(dataDir), ...REFERENCE_FILES.map((f) => checkReferenceFile(dataDir, f))]);
  add("jupyter", async () => [await checkJupyter(opts.jupyter)]);
  add("kernel", () => [checkTslabKernel(root)]);
  add("tf", async () => [await checkTfBackend(opts.tfPrefer)]);
  add("disk", async () => [await checkDiskSpace(root, opts.minFreeBytes)]);
  add("state", () => [checkStateWritable(stateDir)]);
  const results = (await Promise.all(groups)).flat();
  const counts = { ok: 0, warn: 0, fail: 0 };
  for (const r of results) counts[r.status] += 1;
  return { results, ok: !results.some((r) => r.status === "fail" && r.critical), counts };
}

const LABEL: Record<CheckResult["status"], string> = { ok: "ok", warn: "warn", fail: "FAIL" };

/** The report as a fixed-width table with a closing summary line. */
export function formatDoctorTable(report: DoctorReport): string {
  const rows = report.results.map((r) => [r.name, LABEL[r.status] + (r.status === "fail" && !r.critical ? " (optional)" : ""), r.detail]);
  const head = ["check", "status", "detail"];
  const w0 = Math.max(head[0]!.length, ...rows.map((r) => r[0]!.length));
  const w1 = Math.max(head[1]!.length, ...rows.map((r) => r[1]!.length));
  const line = (r: string[]) => `${r[0]!.padEnd(w0)}  ${r[1]!.padEnd(w1)}  ${r[2]}`.trimEnd();
  const c = report.counts;
  const verdict = report.ok ? "ready" : "NOT ready: fix the FAIL rows above";
  return [line(head), line(["-".repeat(w0), "-".repeat(w1), "-".repeat(6)]), ...rows.map(line), "", `doctor: ${c.ok} ok, ${c.warn} warn, ${c.fail} failed; ${verdict}`].join("\n");
}
