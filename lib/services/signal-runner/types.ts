import type { Clock } from "../../core/clock";
import type { Instrument } from "../../core/instrument";
import type { ExecutionPort } from "../../core/ports/execution.port";
import type { FeeRates } from "../../core/ports/exchange-info.port";
import type { Journal } from "../../core/ports/state-store.port";
import type { KillSwitch } from "../../risk/kill-switch";
import type { NoTradeWindows } from "../../risk/no-trade";
import type { RiskGuard } from "../../risk/risk-guard";
import type { CheckpointModel } from "../checkpoint-policy";
import type { AccountBook } from "./account-book";
import type { ConformalSizer } from "./conformal-sizer";
import type { DecisionLedger } from "./decision-ledger";
import type { RunnerLog, RunnerMetrics } from "./ports";

/** Everything a SignalRunner works with; the composition root (lib/app/build-live) wires it. */
export interface SignalRunnerOptions {
  model: CheckpointModel;
  symbols: readonly string[];
  timeframeMs: number;
  /** The runner's "now": the venue-synchronised wall clock, or the replay exchange's clock. */
  clock: Clock;
  /** Order entry; absent = dry run (decide and journal, send nothing). */
  execution?: ExecutionPort;
  venue: string;
  /** Trading rules per symbol (the venue's exchange filters). */
  instruments: ReadonlyMap<string, Instrument>;
  feeRates: ReadonlyMap<string, FeeRates>;
  /** Whether positions may go short (venue capability); spot cannot. */
  allowShort: boolean;
  guard: RiskGuard;
  killSwitch: KillSwitch;
  noTrade: NoTradeWindows;
  /** Inside a no-trade window, still send orders that only reduce |position|. */
  allowReducingInNoTrade: boolean;
  ledger: DecisionLedger;
  book: AccountBook;
  journal: Journal;
  log?: RunnerLog;
  metrics?: RunnerMetrics;
  /** Conformal sizing per symbol (absent: sizing off). */
  conformal?: ReadonlyMap<string, ConformalSizer>;
  /** A decision for the bar closing at c expires at c + ttlTimeframes x timeframe. Default 1. */
  ttlTimeframes?: number;
  /** Prefix of every client order id. Default "tl". */
  clientIdPrefix?: string;
  /** Monotonic ms for latency measurement. Default performance.now. */
  perfNow?: () => number;
  /** Wall-time wait used by bounded waits (cancel confirmations, flatten fills). */
  sleep: (ms: number) => Promise<void>;
}

/** Counters for the shutdown summary and /metrics. */
export interface RunStats {
  barsSeen: number;
  warmupBars: number;
  decisions: number;
  /** Decisions by outcome. */
  outcomes: Record<string, number>;
  ordersSent: number;
  ordersRejected: number;
  ordersFailed: number;
  riskDenied: number;
  fills: number;
  fees: number;
  cancels: number;
  /** Bar arrival -> order handed to the venue adapter, ms, minus waits on the venue (status sync, cancels) (last 10 000 orders). */
  decisionLatencyMs: number[];
  /** Bar arrival -> decision made (order about to be sent, or none), ms, every decided bar (last 10 000). */
  decideLatencyMs: number[];
}

export interface RunnerHealth {
  /** Close time of the latest bar per symbol. */
  lastBarClose: Record<string, number>;
  /** Whether the latest observation had only finite values. */
  featuresFinite: boolean;
  oldestOpenOrderMs: number;
  openOrders: number;
}
