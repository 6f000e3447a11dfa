import type { StateFeature } from "../../config/schemas/features";
import { writeStateFeatures, type PositionState } from "../../features/state";

/** What the tracker persists (positions.json) so a restart observes the same state. */
export interface PolicyStateSnapshot {
  avgEntry: number;
  barsInPosition: number;
  peakEquity: number;
  drawdown: number;
}

/**
 * The account state a checkpoint's policy observes, kept exactly as the RL env keeps it (lib/env
 * EnvCore: average entry of the open position from fill prices, bars held, equity peak and
 * drawdown), fed once per closed bar with that bar's net fill. The live runner and the checkpoint
 * backtest both use it; the features are written by lib/features `writeStateFeatures`, the same
 * function the env calls.
 */
export class PolicyStateTracker {
  avgEntry = 0;
  barsInPosition = 0;
  peakEquity = Number.NaN;
  drawdown = 0;
  private readonly st: PositionState = { position: 0, unrealisedReturn: 0, drawdown: 0, barsInPosition: 0 };

  /** Starts tracking at an equity (the episode start, or the first bar of a run). */
  start(equity: number): void {
    this.avgEntry = 0;
    this.barsInPosition = 0;
    this.peakEquity = equity;
    this.drawdown = 0;
  }

  get started(): boolean {
    return this.peakEquity === this.peakEquity;
  }

  /**
   * One bar closed: `q0` was the position at the previous close, `q1` is the position now, `fillPrice`
   * the volume-weighted price of this bar's fills (ignored when q1 === q0), `equity` the equity at this close.
   */
  onBarClose(q0: number, q1: number, fillPrice: number, equity: number): void {
    if (!this.started) this.start(equity);
    const dq = q1 - q0;
    if (dq !== 0) this.trackEntry(q0, q1, dq, fillPrice);
    else this.barsInPosition = q1 === 0 ? 0 : this.barsInPosition + 1;
    if (equity > this.peakEquity) this.peakEquity = equity;
    this.drawdown = this.peakEquity > 0 ? 1 - equity / this.peakEquity : 0;
  }

  /** EnvCore.trackEntry: opened or flipped -> entry = fill price; added -> averaged; reduced -> unchanged. */
  private trackEntry(q0: number, q1: number, dq: number, price: number): void {
    if (q1 === 0) {
      this.avgEntry = 0;
      this.barsInPosition = 0;
    } else if (q0 === 0 || q1 > 0 !== q0 > 0) {
      this.avgEntry = price;
      this.barsInPosition = 1;
    } else if (q0 > 0 === dq > 0) {
      this.avgEntry = (Math.abs(q0) * this.avgEntry + Math.abs(dq) * price) / Math.abs(q1);
      this.barsInPosition++;
    } else {
      this.barsInPosition++;
    }
  }

  /** Writes the state features at out[offset...] as EnvCore.writeObs does. */
  write(features: readonly StateFeature[], positionQty: number, close: number, equity: number, leverage: number, clip: number, out: Float32Array, offset: number): void {
    const s = this.st;
    s.position = equity > 0 ? (positionQty * close) / equity / leverage : 0;
    s.unrealisedReturn = positionQty !== 0 && this.avgEntry > 0 ? (positionQty > 0 ? 1 : -1) * Math.log(close / this.avgEntry) : 0;
    s.drawdown = this.drawdown;
    s.barsInPosition = this.barsInPosition;
    writeStateFeatures(features, s, clip, out, offset);
  }

  snapshot(): PolicyStateSnapshot {
    return { avgEntry: this.avgEntry, barsInPosition: this.barsInPosition, peakEquity: this.peakEquity, drawdown: this.drawdown };
  }

  restore(s: PolicyStateSnapshot): void {
    this.avgEntry = s.avgEntry;
    this.barsInPosition = s.barsInPosition;
    this.peakEquity = s.peakEquity;
    this.drawdown = s.drawdown;
  }
}
