import { isMainThread, parentPort, workerData, type MessagePort } from "node:worker_threads";
import { trainConfigSchema } from "../config/schemas/train";
import { deepFreeze } from "../config/freeze";
import { formatKeyPath } from "../config/key-path";
import type { ConfigOf } from "../config/kinds";
import { ConfigError, isTradelabError } from "../core/errors";
import { backendPreference, initTf } from "../infra/tf-backend";
import type { TrialProgress, TrialSpec } from "../rl/pbt/protocol";
import { withHyperparameters, type Hyperparameters } from "../rl/pbt/space";
import { evaluateCheckpoint, runTrainTrial } from "../services/pbt/trial";
import type { TrainingPlan } from "../services/train";
import { buildTraining } from "./build-training";

/**
 * A trial worker: a worker_thread that runs trials for the pool in pbt-pool.ts. It wires data,
 * features and envs with build-training (cached across trials that share them) and runs each task
 * with the trial runner. Messages: { id, task } in; { id, type: "progress" | "result" | "error" } out.
 */

export type WorkerTask = { kind: "train"; spec: TrialSpec } | { kind: "evaluate"; checkpoint: string; hyperparameters: Hyperparameters; extra: Record<string, unknown> };
export interface WorkerRequest {
  id: number;
  task: WorkerTask;
}
export type WorkerReply =
  | { id: number; type: "progress"; progress: TrialProgress }
  | { id: number; type: "result"; result: unknown }
  | { id: number; type: "error"; error: { message: string; code?: string; stack?: string } };

/** What the pool passes to each worker. */
export interface PbtWorkerData {
  /** The worker file the pool started (a file that imports this one does not serve twice). */
  entryFile: string;
  /** The resolved train config (run seed included), as a plain object. */
  config: unknown;
}

export type TaskHandler = (task: WorkerTask, onProgress: (p: TrialProgress) => void) => Promise<unknown>;

/** Sections that change the data, features, envs or evaluation: a trial whose hyperparameters touch them gets its own wiring. */
function wiringKey(c: ConfigOf<"train">): string {
  return JSON.stringify([c.data, c.features, c.env, c.execution, c.risk ?? null, c.noTrade ?? null, c.ppo.numEnvs, c.ppo.longOnly, c.training.evalEpisodes, c.training.seed]);
}

/** Runs trials on configs derived from one base config; keeps the last two wirings. */
export class TrialHost {
  private readonly base: unknown;
  private backend: Promise<string> | null = null;
  private readonly plans = new Map<string, Promise<TrainingPlan>>();

  constructor(baseConfig: unknown) {
    this.base = baseConfig;
  }

  /** The base config with `hp` applied, validated like a loaded file (errors name the key path). */
  configFor(hp: Readonly<Hyperparameters>): ConfigOf<"train"> {
    const parsed = trainConfigSchema.safeParse(withHyperparameters(this.base, hp));
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`hyperparameters ${JSON.stringify(hp)} make an invalid config: ${formatKeyPath(issue.path)}: ${issue.message}`, { path: formatKeyPath(issue.path) });
    }
    return deepFreeze(parsed.data) as ConfigOf<"train">;
  }

  private async planFor(cfg: ConfigOf<"train">): Promise<TrainingPlan> {
    this.backend ??= initTf({ prefer: backendPreference(cfg.run.tfBackend) });
    const backend = await this.backend;
    const key = wiringKey(cfg);
    let plan = this.plans.get(key);
    if (!plan) {
      plan = buildTraining(cfg, { seed: cfg.training.seed }, backend).then((b) => b.plan);
      this.plans.set(key, plan);
      plan.catch(() => this.plans.delete(key));
      while (this.plans.size > 2) this.plans.delete(this.plans.keys().next().value as string);
    }
    return plan;
  }

  readonly handle: TaskHandler = async (task, onProgress) => {
    if (task.kind === "train") {
      const cfg = this.configFor(task.spec.hyperparameters);
      return runTrainTrial(await this.planFor(cfg), cfg, task.spec, onProgress);
    }
    const cfg = this.configFor(task.hyperparameters);
    return evaluateCheckpoint(await this.planFor(cfg), task.checkpoint, task.extra);
  };
}

/** Answers the pool's requests on `port`, one task at a time. */
export function serveTrials(port: MessagePort, handle: TaskHandler): void {
  let chain = Promise.resolve();
  port.on("message", (req: WorkerRequest) => {
    chain = chain.then(async () => {
      try {
        const result = await handle(req.task, (progress) => port.postMessage({ id: req.id, type: "progress", progress } satisfies WorkerReply));
        port.postMessage({ id: req.id, type: "result", result } satisfies WorkerReply);
      } catch (e) {
        const error = e instanceof Error ? { message: e.message, code: isTradelabError(e) ? e.code : undefined, stack: e.stack } : { message: String(e) };
        port.postMessage({ id: req.id, type: "error", error } satisfies WorkerReply);
      }
    });
  });
}

const data = workerData as Partial<PbtWorkerData> | null;
if (!isMainThread && parentPort && typeof data?.entryFile === "string" && /[\\/]pbt-worker\.[cm]?[jt]s$/.test(data.entryFile)) {
  serveTrials(parentPort, new TrialHost(data.config).handle);
}
