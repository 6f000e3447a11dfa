import type { ConformalConfig } from "../../config/schemas/conformal";
import { createConformalPredictor } from "../../conformal/predictor";
import type { ConformalMetrics } from "../../conformal/predictor";
import type { EnvMarket, TimeRange } from "../../env/index";
import { TradingEnv } from "../../env/index";
import type { ExecutionConfig } from "../../config/schemas/execution";
import type { ExecutionData } from "../../sim/execution-models";
import { decideAction, type CheckpointModel } from "../checkpoint-policy";
import { ConformalSizer } from "../signal-runner/conformal-sizer";
import { calendarFor, computeMetrics, type Metrics } from "../backtest/metrics";

export interface CheckpointRunInput {
  model: CheckpointModel;
  market: EnvMarket;
  execution: { config: ExecutionConfig; data: ExecutionData };
  range: TimeRange;
  assetClass: "crypto" | "equity";
  conformal: ConformalConfig;
  /** A saved predictor state to start from (calibrated on an earlier split); absent = start empty. */
  conformalState?: unknown;
  /** Scale the agent's target by the conformal interval (conformal.sizing). Default false. */
  sizing?: boolean;
  /** Seed of the simulator's draws. Default 0. */
  seed?: number;
}

/** Per-step record of a deterministic checkpoint run with its conformal intervals. */
export interface CheckpointRun {
  ts: Float64Array;
  equity: Float64Array;
  /** The agent's target and the target after sizing (equal when sizing is off). */
  target: Float64Array;
  sizedTarget: Float64Array;
  /** Conformal interval of the return-to-go issued at each step. */
  lo: Float64Array;
  hi: Float64Array;
  /** Rolling empirical coverage after each step (NaN until outcomes arrive). */
  rollingCoverage: Float64Array;
  metrics: Metrics;
  conformal: ConformalMetrics;
  /** The predictor's state at the end (save as conformal.json to start live from it). */
  conformalState: unknown;
  fees: number;
  slippage: number;
}

/**
 * Runs a checkpoint deterministically over one split through the trading env (same costs as training),
 * issuing a conformal interval on the critics' return-to-go forecast at every step and, when asked,
 * sizing the target by it: the same ConformalSizer the live runner uses.
 */
export function runCheckpoint(inp: CheckpointRunInput): CheckpointRun {
  const { model } = inp;
  if (!model.critics) throw new RangeError(`${model.dir}: load the checkpoint with its critics for conformal evaluation`);
  const env = new TradingEnv({ market: inp.market, env: model.env, execution: inp.execution, range: inp.range, fullRange: true, seed: inp.seed ?? 0 });
  const sizer = inp.conformalState !== undefined
    ? ConformalSizer.fromState(inp.conformalState, inp.conformal, model.critics, model.gamma, `${model.dir}/conformal.json`)
    : new ConformalSizer(createConformalPredictor(inp.conformal), model.critics, model.gamma);
  const cap = env.spec.episodeLength;
  const rec = { ts: new Float64Array(cap), equity: new Float64Array(cap), target: new Float64Array(cap), sizedTarget: new Float64Array(cap), lo: new Float64Array(cap), hi: new Float64Array(cap), rollingCoverage: new Float64Array(cap) };
  const scratch = new Float32Array(1);
  let obs = env.reset(inp.seed ?? 0);
  let equity = model.env.initialCash;
  let fees = 0;
  let slippage = 0;
  let n = 0;
  for (let k = 0; k < cap; k++) {
    const a = decideAction(model, obs, scratch);
    const iv = sizer.step(obs, equity);
    const sized = inp.sizing ? sizer.size(a, iv).target : a;
    const r = env.step(sized);
    equity = r.info.equity;
    fees += r.info.fee;
    slippage += r.info.slippage;
    rec.ts[k] = r.info.ts;
    rec.equity[k] = equity;
    rec.target[k] = a;
    rec.sizedTarget[k] = sized;
    rec.lo[k] = iv.lo;
    rec.hi[k] = iv.hi;
    rec.rollingCoverage[k] = sizer.predictor.stats().rollingCoverage;
    n = k + 1;
    obs = r.obs;
    if (r.terminated || r.truncated) break;
  }
  const cut = <T extends Float64Array>(x: T) => x.slice(0, n) as T;
  const eq = Float64Array.from([model.env.initialCash, ...cut(rec.equity)]);
  const metrics = computeMetrics(eq, calendarFor(inp.assetClass, inp.market.timeframeMs));
  metrics.feesPaid = fees;
  metrics.slippagePaid = slippage;
  return {
    ts: cut(rec.ts),
    equity: cut(rec.equity),
    target: cut(rec.target),
    sizedTarget: cut(rec.sizedTarget),
    lo: cut(rec.lo),
    hi: cut(rec.hi),
    rollingCoverage: cut(rec.rollingCoverage),
    metrics,
    conformal: sizer.metrics(),
    conformalState: sizer.predictor.toJSON(),
    fees,
    slippage,
  };
}
