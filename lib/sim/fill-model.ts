import type { FillConfig } from "../config/schemas/execution";
import type { Side } from "../core/market";

/**
 * How much of a bar an order can take, and when a resting limit order is reached. Pure arithmetic
 * over bar values (no allocation); the matching engine and the vectorised kernel share it.
 */
export class FillModel {
  readonly participationCap: number;
  readonly carryRemainder: boolean;
  readonly queueAware: boolean;
  readonly queueAheadFraction: number;

  constructor(cfg: FillConfig) {
    this.participationCap = cfg.participationCap;
    this.carryRemainder = cfg.remainder === "carry";
    this.queueAware = cfg.queueAware;
    this.queueAheadFraction = cfg.queueAheadFraction;
  }

  /** Quantity still available to our orders in a bar: cap * volume minus what they already took. */
  capacity(volume: number, used: number): number {
    const c = this.participationCap * volume - used;
    return c > 0 ? c : 0;
  }

  /**
   * Whether a resting limit is reached. Without the queue model the bar must trade THROUGH the
   * price (buy: low < limit; sell: high > limit): a touch does not prove our order was reached.
   * With it, a touch counts and the queue decides how much fills.
   */
  reached(side: Side, limit: number, high: number, low: number): boolean {
    if (this.queueAware) return side === "buy" ? low <= limit : high >= limit;
    return side === "buy" ? low < limit : high > limit;
  }

  /**
   * Volume traded at or through a limit price inside a bar, assuming volume spread evenly over the
   * bar's range (one tick wide at the limit): volume * (limit - low + tick) / (high - low + tick) for a buy.
   */
  levelVolume(side: Side, limit: number, high: number, low: number, volume: number, tick: number): number {
    const t = tick > 0 ? tick : (high - low) * 1e-3 || limit * 1e-8;
    const depth = side === "buy" ? limit - low + t : high - limit + t;
    if (depth <= 0) return 0;
    const share = depth / (high - low + t);
    return share >= 1 ? volume : volume * share;
  }

  /** Queue ahead of a new resting order, from the volume of the bar it arrives in. */
  initialQueue(volume: number): number {
    return this.queueAware ? this.queueAheadFraction * volume : 0;
  }

  /** A reached limit fills at its price, or at the open when the bar opens through it (gap). */
  limitPrice(side: Side, limit: number, open: number): number {
    if (side === "buy") return open < limit ? open : limit;
    return open > limit ? open : limit;
  }
}

export function createFillModel(cfg: FillConfig): FillModel {
  return new FillModel(cfg);
}
