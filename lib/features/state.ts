import type { StateFeature } from "../config/schemas/features";

/** The account state the env appends to each observation (all computed by the env at the bar close). */
export interface PositionState {
  /** Position notional / equity, divided by the max position fraction: in [-1, 1] like the action. */
  position: number;
  /** ln(mark / average entry price) signed by the position (0 when flat). */
  unrealisedReturn: number;
  /** 1 - equity / peak equity of the episode, in [0, 1]. */
  drawdown: number;
  /** Bars since the position was opened or flipped (0 when flat). */
  barsInPosition: number;
}

/** Bars held at which timeInPosition reaches 1 (it grows like log1p(bars)). */
const TIME_SCALE = Math.log1p(1000);

/**
 * Writes the selected state features at out[offset...], in the order of `features`, each clipped to
 * [-clip, clip]: position, unrealisedReturn x 100 (percent, comparable in scale to normalised
 * features), drawdown x 10, and log1p(bars in position) / log1p(1000).
 */
export function writeStateFeatures(features: readonly StateFeature[], s: PositionState, clip: number, out: Float32Array, offset: number): void {
  for (let k = 0; k < features.length; k++) {
    let x: number;
    switch (features[k]) {
      case "position":
        x = s.position;
        break;
      case "unrealisedReturn":
        x = s.unrealisedReturn * 100;
        break;
      case "drawdown":
        x = s.drawdown * 10;
        break;
      default:
        x = Math.log1p(s.barsInPosition) / TIME_SCALE;
    }
    out[offset + k] = x > clip ? clip : x < -clip ? -clip : x === x ? x : 0;
  }
}
