import type { EnvConfig, StateFeature } from "../config/schemas/features";
import type { ExecutionConfig } from "../config/schemas/execution";
import type { ExecutionData } from "../sim/execution-models";
import { createExecutionModels } from "../sim/execution-models";
import { VectorKernel } from "../sim/vector-kernel";
import { InvariantError } from "../core/errors";
import type { PositionState } from "../features/state";
import { writeStateFeatures } from "../features/state";
import type { EnvMarket } from "./market";
import type { EnvRiskHook } from "./risk-hook";

/** Everything one env instance needs; shared, read-only parts are shared between envs. */
export interface EnvCoreSetup {
  market: EnvMarket;
  config: Readonly<EnvConfig>;
  execution: { config: ExecutionConfig; data: ExecutionData };
  stateFeatures: readonly StateFeature[];
  /** Clip applied to state features (the normaliser's clip). */
  clip: number;
  /** Bars the simulator's market statistics see before an episode's first decision. */
  simWarmupBars: number;
  risk?: EnvRiskHook;
}

/**
 * One trading episode's state machine over one symbol: the agent decides a target at bar t's close,
 * the simulator (lib/sim VectorKernel: filters, latency, fees, slippage, participation) fills it in
 * bar t+1, and the reward is the log growth of equity marked at t+1's close, net of every cost,
 * minus the configured penalties. Allocation-free per step; one allocation of simulator state per episode.
 */
export class EnvCore {
  /** Row of the bar whose close the current observation describes. */
  row = 0;
  start = 0;
  steps = 0;
  equity = 0;
  cash = 0;
  positionQty = 0;
  peak = 0;
  drawdown = 0;
  avgEntry = 0;
  barsInPosition = 0;
  // the last step
  reward = 0;
  logReturn = 0;
  turnoverCost = 0;
  drawdownCost = 0;
  tradedNotional = 0;
  fillQty = 0;
  fillPrice = 0;
  fee = 0;
  slippage = 0;
  target = 0;
  terminated = false;
  truncated = false;
  /** Sum of rewards and of log returns since the episode start. */
  episodeReward = 0;
  episodeLogReturn = 0;
  private kernel: VectorKernel | null = null;
  private readonly state: PositionState = { position: 0, unrealisedReturn: 0, drawdown: 0, barsInPosition: 0 };
  private readonly lo: number;
  private readonly hi: number;
  private readonly lev: number;
  private readonly minEquity: number;
  private readonly turnoverPenalty: number;
  private readonly drawdownPenalty: number;
  private readonly featureWidth: number;

  constructor(private readonly s: EnvCoreSetup) {
    const c = s.config;
    this.lo = c.longOnly ? 0 : -1;
    this.hi = 1;
    this.lev = c.maxPositionFraction;
    this.minEquity = c.minEquityFraction * c.initialCash;
    this.turnoverPenalty = c.reward.turnoverPenalty;
    this.drawdownPenalty = c.reward.drawdownPenalty;
    this.featureWidth = s.market.featureNames.length;
  }

  get obsSize(): number {
    return this.featureWidth + this.s.stateFeatures.length;
  }

  /** Starts an episode whose first observation is bar `start`'s close; `simSeed` seeds the simulator's random streams. */
  reset(start: number, simSeed: number): void {
    const s = this.s;
    const m = s.market;
    const models = createExecutionModels(s.execution.config, s.execution.data, simSeed).forSymbol(m.symbol, m.timeframeMs);
    const k = new VectorKernel(models, { initialCash: s.config.initialCash, leverage: this.lev, rebalanceBand: s.config.rebalanceThreshold });
    // warm-up bars only feed the simulator's market statistics (no decision, so the account is untouched)
    for (let i = Math.max(0, start - s.simWarmupBars); i < start; i++) this.mark(k, i);
    const eq = this.mark(k, start);
    this.kernel = k;
    this.row = start;
    this.start = start;
    this.steps = 0;
    this.equity = eq;
    this.cash = k.cash;
    this.positionQty = 0;
    this.peak = eq;
    this.drawdown = 0;
    this.avgEntry = 0;
    this.barsInPosition = 0;
    this.reward = this.logReturn = this.turnoverCost = this.drawdownCost = this.tradedNotional = 0;
    this.fillQty = this.fillPrice = this.fee = this.slippage = this.target = 0;
    this.terminated = this.truncated = false;
    this.episodeReward = this.episodeLogReturn = 0;
    s.risk?.reset(m.bars.ts[start]!, eq);
  }

  /** Maps a policy action to a target position: clipped to [-1, 1], or [0, 1] when long-only. */
  actionToTarget(action: number): number {
    if (action !== action) throw new InvariantError(`env action is NaN at bar ${this.row}`);
    return action < this.lo ? this.lo : action > this.hi ? this.hi : action;
  }

  /** One decision at bar `row`'s close; `lastRow` is the last bar the episode may reach. */
  step(action: number, maxSteps: number, lastRow: number): void {
    const k = this.kernel;
    if (k === null) throw new InvariantError("env step before reset");
    if (this.terminated || this.truncated) throw new InvariantError("env step after the episode ended: call reset");
    const m = this.s.market;
    const bars = m.bars;
    let target = this.actionToTarget(action);
    const close = bars.close[this.row]!;
    const risk = this.s.risk;
    if (risk !== undefined) {
      target = risk.filterTarget(target, {
        ts: bars.ts[this.row]!,
        timeframeMs: m.timeframeMs,
        symbol: m.symbol,
        equity: this.equity,
        positionQty: this.positionQty,
        price: close,
        leverage: this.lev,
      });
    }
    this.target = target;
    k.decideTarget(target);
    const prevEq = this.equity;
    const prevDd = this.drawdown;
    const prevPos = this.positionQty;
    this.row++;
    const eq = this.mark(k, this.row);
    this.equity = eq;
    this.cash = k.cash;
    this.positionQty = k.position;
    const dq = k.lastFillQty;
    this.fillQty = dq;
    if (dq !== 0) {
      this.fillPrice = k.lastFillPrice;
      this.fee = k.lastFee;
      this.slippage = k.lastSlippageCost;
      this.tradedNotional = (dq < 0 ? -dq : dq) * k.lastFillPrice;
      // the change of the holding (a buy's base-asset fee makes it smaller than the fill), as live sees it
      this.trackEntry(prevPos, this.positionQty - prevPos, k.lastFillPrice);
    } else {
      this.fillPrice = this.fee = this.slippage = this.tradedNotional = 0;
      this.barsInPosition = this.positionQty === 0 ? 0 : this.barsInPosition + 1;
    }
    if (eq > this.peak) this.peak = eq;
    this.drawdown = this.peak > 0 ? 1 - eq / this.peak : 0;
    // equity at or below zero has no log: floor it so the bankrupt step still gets a finite, very bad reward
    const floor = 1e-9 * this.s.config.initialCash;
    this.logReturn = Math.log((eq > floor ? eq : floor) / (prevEq > floor ? prevEq : floor));
    this.turnoverCost = prevEq > 0 ? (this.turnoverPenalty * this.tradedNotional) / prevEq : 0;
    const ddUp = this.drawdown - prevDd;
    this.drawdownCost = ddUp > 0 ? this.drawdownPenalty * ddUp : 0;
    this.reward = this.logReturn - this.turnoverCost - this.drawdownCost;
    this.episodeReward += this.reward;
    this.episodeLogReturn += this.logReturn;
    this.steps++;
    this.terminated = !(eq > this.minEquity);
    this.truncated = !this.terminated && (this.steps >= maxSteps || this.row >= lastRow);
  }

  private mark(k: VectorKernel, i: number): number {
    const b = this.s.market.bars;
    return k.markBar(b.ts[i]!, b.open[i]!, b.high[i]!, b.low[i]!, b.close[i]!, b.volume[i]!, Number.NaN);
  }

  /** Average entry price and bars held, from a fill of `dq` at `price` on a position of `q0`. */
  private trackEntry(q0: number, dq: number, price: number): void {
    const q1 = this.positionQty;
    if (q1 === 0) {
      this.avgEntry = 0;
      this.barsInPosition = 0;
    } else if (q0 === 0 || (q0 > 0) !== (q1 > 0)) {
      this.avgEntry = price; // opened or flipped
      this.barsInPosition = 1;
    } else if ((q0 > 0) === (dq > 0)) {
      this.avgEntry = (Math.abs(q0) * this.avgEntry + Math.abs(dq) * price) / Math.abs(q1);
      this.barsInPosition++;
    } else {
      this.barsInPosition++; // reduced: the entry price of what is left is unchanged
    }
  }

  /** Writes the observation of bar `row`'s close: market features then state features. */
  writeObs(out: Float32Array, off: number): void {
    const w = this.featureWidth;
    const f = this.s.market.features;
    const src = this.row * w;
    for (let j = 0; j < w; j++) out[off + j] = f[src + j]!;
    const st = this.state;
    const close = this.s.market.bars.close[this.row]!;
    const eq = this.equity;
    st.position = eq > 0 ? (this.positionQty * close) / eq / this.lev : 0;
    st.unrealisedReturn = this.positionQty !== 0 && this.avgEntry > 0 ? (this.positionQty > 0 ? 1 : -1) * Math.log(close / this.avgEntry) : 0;
    st.drawdown = this.drawdown;
    st.barsInPosition = this.barsInPosition;
    writeStateFeatures(this.s.stateFeatures, st, this.s.clip, out, off + w);
  }
}
