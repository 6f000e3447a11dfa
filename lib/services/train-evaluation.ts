import type { TimeRange, TradingEnv } from "../env/index";
import { runEpisode, type EpisodeTrace } from "../env/index";
import type { PolicySnapshot } from "../rl/policy";
import type { EvalMetrics } from "../rl/trainer";
import { calendarFor, computeMetrics } from "./backtest/metrics";

/**
 * Deterministic evaluation of a policy on a date split: the split is cut into `episodes` consecutive
 * stretches, each run as one episode from flat with the full costs of the env (fees, slippage,
 * latency, filters), and their step returns are chained into one equity curve. Buy-and-hold runs
 * through the same env (target +1 throughout), so both pay the same costs.
 */
export interface SplitEvaluatorOptions {
  /** A full-range env over `range` (a fresh one per call). */
  makeEnv: (range: TimeRange) => TradingEnv;
  range: TimeRange;
  episodes: number;
  market: "crypto" | "equity";
  timeframeMs: number;
  /** Seed of the simulator's draws (latency); fixed so evaluations are comparable. */
  seed: number;
  /** Cash each episode starts with (env.initialCash). */
  initialCash: number;
}

/** Metrics of one evaluation (all finite numbers; the trainer keeps the best by one of them). */
export interface SplitMetrics extends EvalMetrics {
  totalReturn: number;
  annualReturn: number;
  annualVolatility: number;
  sharpe: number;
  sortino: number;
  calmar: number;
  maxDrawdown: number;
  exposure: number;
  turnover: number;
  trades: number;
  feesPaid: number;
  slippagePaid: number;
  meanEpisodeReward: number;
  bars: number;
}

/** Consecutive equal stretches of a range (the last one takes the remainder). */
export function splitInto(range: TimeRange, parts: number, timeframeMs: number): TimeRange[] {
  const bars = Math.floor((range.to - range.from) / timeframeMs);
  const per = Math.floor(bars / parts);
  if (parts < 1 || per < 2) return [range];
  const out: TimeRange[] = [];
  for (let k = 0; k < parts; k++) {
    const from = range.from + k * per * timeframeMs;
    out.push({ from, to: k === parts - 1 ? range.to : from + per * timeframeMs });
  }
  return out;
}

/** Runs `action(obs)` over the split and returns its metrics. */
export function evaluateOnSplit(o: SplitEvaluatorOptions, action: (obs: Float32Array) => number): SplitMetrics {
  const traces = splitInto(o.range, o.episodes, o.timeframeMs).map((r) => runEpisode(o.makeEnv(r), action, { seed: o.seed }));
  return metricsFromTraces(traces, o);
}

/** The trainer's evaluator: the deterministic policy on the split. */
export function splitEvaluator(o: SplitEvaluatorOptions): (policy: PolicySnapshot) => SplitMetrics {
  return (policy) => {
    const out = new Float32Array(policy.actionSize);
    return evaluateOnSplit(o, (obs) => {
      policy.actDeterministic(obs, 1, out);
      return out[0]!;
    });
  };
}

/** Buy-and-hold through the same env: target +1 (fully long) from the first bar. */
export function buyAndHold(o: SplitEvaluatorOptions): SplitMetrics {
  return evaluateOnSplit(o, () => 1);
}

function metricsFromTraces(traces: readonly EpisodeTrace[], o: SplitEvaluatorOptions): SplitMetrics {
  const steps = traces.reduce((s, t) => s + t.steps, 0);
  if (steps < 2) throw new RangeError(`evaluation over ${new Date(o.range.from).toISOString()} .. ${new Date(o.range.to).toISOString()} ran ${steps} steps; the split is too short`);
  // chain the per-step log returns of the episodes into one curve starting at the initial cash
  const equity = new Float64Array(steps + 1);
  const position = new Float64Array(steps);
  equity[0] = o.initialCash;
  let k = 0;
  let traded = 0;
  let trades = 0;
  let fees = 0;
  let slippage = 0;
  let reward = 0;
  for (const t of traces) {
    for (let i = 0; i < t.steps; i++, k++) {
      equity[k + 1] = equity[k]! * Math.exp(t.logReturn[i]!);
      position[k] = t.positionQty[i]!;
      if (t.fillQty[i] !== 0) {
        trades += 1;
        traded += Math.abs(t.fillQty[i]! * t.fillPrice[i]!);
      }
    }
    fees += t.totalFees;
    slippage += t.totalSlippage;
    reward += t.totalReward;
  }
  const cal = calendarFor(o.market, o.timeframeMs);
  const m = computeMetrics(equity, cal, { position });
  let avgEq = 0;
  for (let i = 0; i <= steps; i++) avgEq += equity[i]!;
  avgEq /= steps + 1;
  const years = steps / cal.periodsPerYear;
  return {
    totalReturn: m.totalReturn,
    annualReturn: m.annualReturn,
    annualVolatility: m.annualVolatility,
    sharpe: m.sharpe,
    sortino: m.sortino,
    calmar: m.calmar,
    maxDrawdown: m.maxDrawdown,
    exposure: m.exposure,
    turnover: avgEq > 0 ? traded / avgEq / years : 0,
    trades,
    feesPaid: fees,
    slippagePaid: slippage,
    meanEpisodeReward: reward / traces.length,
    bars: steps,
  };
}
