import { parentPort, workerData } from "node:worker_threads";
import { serveTrials, TrialHost, type PbtWorkerData } from "../../lib/app/pbt-worker";

/**
 * The real trial worker with injected faults, for the crash tests:
 *   member 1, round 2, first attempt: the worker thread dies (process.exit inside a worker ends that thread only);
 *   member 2, round 3, first attempt: the trial throws;
 *   member 3, round 2, every attempt: the trial throws (the member fails for the round).
 */
const host = new TrialHost((workerData as PbtWorkerData).config);
serveTrials(parentPort!, async (task, onProgress) => {
  if (task.kind === "train") {
    const { member, round, attempt } = task.spec;
    if (member === 1 && round === 2 && attempt === 0) process.exit(3);
    if (member === 2 && round === 3 && attempt === 0) throw new Error("injected failure of m2 in round 3");
    if (member === 3 && round === 2) throw new Error(`injected failure of m3 in round 2, attempt ${attempt}`);
  }
  return host.handle(task, onProgress);
});
