import type { BarColumns } from "../../core/bar";
import type { Fill } from "../../core/fill";
import type { ExecutionModels } from "../../sim/execution-models";
import type { AccountMode } from "../../sim/sim-account";
import type { Policy } from "../strategies/policy";

/** One symbol's bars for a run. */
export interface BacktestSeries {
  symbol: string;
  bars: BarColumns;
}

export interface BacktestInput {
  series: readonly BacktestSeries[];
  timeframeMs: number;
  /** A fresh policy per symbol (policies hold per-series state). */
  policy: (symbol: string) => Policy;
  models: ExecutionModels;
  initialCash: number;
  /** Quote currency of the account; default from the first symbol's instrument. */
  quoteAsset?: string;
  /** cash: spot rules (no shorting); margin: shorts allowed. Default cash. */
  accountMode?: AccountMode;
  /** Called every `progressEvery` bars with (done, total). */
  onProgress?: (done: number, total: number) => void;
  progressEvery?: number;
  /** Single symbol: execute through the vectorised kernel (same fills, much faster). Default true. */
  vectorised?: boolean;
}

/** A rejected decision: the order never reached the book (filters, balance, unknown symbol). */
export interface Rejection {
  ts: number;
  symbol: string;
  code: string;
  message: string;
}

export interface BacktestRun {
  /** Account timeline: one point per distinct bar time (the bar's open time), equity at that bar's close. */
  ts: Float64Array;
  equity: Float64Array;
  cash: Float64Array;
  /** Position per symbol on the account timeline (base units). */
  positions: Record<string, Float64Array>;
  fills: Fill[];
  rejections: Rejection[];
  decisions: number;
}
