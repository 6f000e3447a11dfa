import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { TradelabError, type ErrorCode } from "../core/errors";
import type { TrialExecutor, TrialProgress, TrialReport, TrialSpec } from "../rl/pbt/protocol";
import type { Hyperparameters } from "../rl/pbt/space";
import type { CheckpointEvaluation } from "../services/pbt/trial";
import type { PbtWorkerData, WorkerReply, WorkerRequest, WorkerTask } from "./pbt-worker";

/** The worker entry, found from the project root (no import.meta: lib also runs under tslab). */
export const DEFAULT_WORKER_FILE = "lib/app/pbt-worker.ts";

export interface PbtWorkerPoolOptions {
  /** Worker threads (trials at the same time). */
  size: number;
  /** The resolved train config (run seed included) every worker derives trial configs from. */
  config: unknown;
  /** Worker entry file; default <cwd>/lib/app/pbt-worker.ts. */
  workerFile?: string;
}

interface Job {
  id: number;
  task: WorkerTask;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (p: TrialProgress) => void;
  onStart?: () => void;
}

interface Slot {
  worker: Worker | null;
  job: Job | null;
}

const req = createRequire(join(process.cwd(), "package.json"));

/** A module that loads a TypeScript worker file through tsx (Node 20 ignores --import in a worker's execArgv). */
function tsxBootstrap(file: string): URL {
  const pkgPath = req.resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8")) as { exports?: Record<string, { import?: { default?: string } } | string> };
  const entry = pkg.exports?.["./esm/api"];
  const rel = typeof entry === "object" ? entry.import?.default : undefined;
  if (!rel) throw new TradelabError("INVARIANT", `tsx at ${dirname(pkgPath)} has no ESM API (tsx/esm/api); it is needed to run ${file} in a worker thread`);
  const api = pathToFileURL(join(dirname(pkgPath), rel)).href;
  const target = pathToFileURL(file).href;
  const code = `const { tsImport } = await import(${JSON.stringify(api)});\nawait tsImport(${JSON.stringify(target)}, ${JSON.stringify(target)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * Trials on worker_threads: one trial per worker at a time, FIFO. A worker that throws reports the
 * error and stays up; a worker that dies (uncaught error, process.exit, out of memory) fails its
 * running trial and is replaced by a fresh one for the next trial, so one crash never takes the
 * other trials down. Implements the TrialExecutor port.
 */
export class PbtWorkerPool implements TrialExecutor {
  readonly parallelism: number;
  private readonly file: string;
  private readonly data: PbtWorkerData;
  private readonly slots: Slot[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Workers started so far (replacements included). */
  started = 0;

  constructor(o: PbtWorkerPoolOptions) {
    if (!Number.isInteger(o.size) || o.size < 1) throw new TradelabError("INVALID_ARGUMENT", `worker pool size must be a positive integer, got ${o.size}`);
    this.parallelism = o.size;
    this.file = resolve(o.workerFile ?? join(process.cwd(), DEFAULT_WORKER_FILE));
    if (!existsSync(this.file)) {
      throw new TradelabError("INVALID_ARGUMENT", `trial worker ${this.file} not found; run from the project root (or pass workerFile)`);
    }
    this.data = { entryFile: this.file, config: o.config };
    this.slots = Array.from({ length: o.size }, () => ({ worker: null, job: null }));
  }

  runTrial(spec: TrialSpec, onProgress?: (p: TrialProgress) => void, onStart?: () => void): Promise<TrialReport> {
    return this.submit({ kind: "train", spec }, onProgress, onStart) as Promise<TrialReport>;
  }

  /** Validation and test figures of a checkpoint (written into its manifest too). */
  evaluate(checkpoint: string, hyperparameters: Hyperparameters, extra: Record<string, unknown> = {}): Promise<CheckpointEvaluation> {
    return this.submit({ kind: "evaluate", checkpoint, hyperparameters, extra }) as Promise<CheckpointEvaluation>;
  }

  private submit(task: WorkerTask, onProgress?: (p: TrialProgress) => void, onStart?: () => void): Promise<unknown> {
    if (this.closed) return Promise.reject(new TradelabError("INVALID_ARGUMENT", "the worker pool is closed"));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, task, resolve, reject, onProgress, onStart });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job !== null || this.queue.length === 0) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.worker ??= this.spawn(slot);
      slot.worker.postMessage({ id: job.id, task: job.task } satisfies WorkerRequest);
      job.onStart?.();
    }
  }

  private spawn(slot: Slot): Worker {
    const entry = this.file.endsWith(".ts") ? tsxBootstrap(this.file) : this.file;
    const w = new Worker(entry, { workerData: this.data });
    this.started += 1;
    w.on("message", (msg: WorkerReply) => {
      const job = slot.job;
      if (job === null || msg.id !== job.id) return;
      if (msg.type === "progress") {
        job.onProgress?.(msg.progress);
        return;
      }
      slot.job = null;
      if (msg.type === "result") job.resolve(msg.result);
      else job.reject(new TradelabError((msg.error.code as ErrorCode | undefined) ?? "TRIAL_FAILED", msg.error.message, { details: { stack: msg.error.stack } }));
      this.dispatch();
    });
    const died = (why: string): void => {
      if (slot.worker !== w) return;
      slot.worker = null;
      const job = slot.job;
      slot.job = null;
      job?.reject(new TradelabError("TRIAL_FAILED", `trial worker died: ${why}`, { retryable: true }));
      if (!this.closed) this.dispatch();
    };
    w.on("error", (e) => died(e instanceof Error ? e.message : String(e)));
    w.on("exit", (code) => died(`exited with code ${code}`));
    return w;
  }

  /** Stops every worker; queued and running jobs are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new TradelabError("INVALID_ARGUMENT", "the worker pool was closed"));
    const workers = this.slots.map((s) => s.worker).filter((w): w is Worker => w !== null);
    for (const s of this.slots) {
      s.job?.reject(new TradelabError("INVALID_ARGUMENT", "the worker pool was closed"));
      s.job = null;
      s.worker = null;
    }
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
