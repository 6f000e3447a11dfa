export { SignalRunner } from "./runner";
export type { SignalRunnerOptions, RunStats, RunnerHealth } from "./types";
export { AccountBook, POSITIONS_KEY, fillKey, type BookState } from "./account-book";
export { DecisionLedger, TTL_STATE_KEY, decisionClientId, barTsOfClientId, type DecisionRecord, type DecisionStatus } from "./decision-ledger";
export { OrderDesk, killCounterFor } from "./order-desk";
export { WorkingOrders, type TrackedOrder } from "./working-orders";
export { PolicyStateTracker, type PolicyStateSnapshot } from "./policy-state";
export { ConformalSizer } from "./conformal-sizer";
export { LATENCY_BUCKETS, noRunnerMetrics, silentRunnerLog, type RunnerLog, type RunnerMetrics, type MetricLabels } from "./ports";
