import type { Side } from "../core/market";

/** active: trade normally. reducing: only orders that shrink |position|. halted: no orders at all. */
export type TradingState = "active" | "reducing" | "halted";

/** Limits; an absent limit is not checked. Fractions are of equity (0.05 = 5%). */
export interface RiskLimits {
  maxPositionQty?: number;
  maxPositionNotional?: number;
  maxOrderNotional?: number;
  maxOrdersPerMinute?: number;
  /** Daily loss as a fraction of the UTC day's starting equity; breach halts until the next UTC day. */
  dailyLossLimit?: number;
  /** Drawdown from the equity peak as a fraction; breach moves to `reducing`. */
  maxDrawdown?: number;
  /** Data older than this many timeframes is stale: no new risk. Default 2. */
  staleAfterTimeframes?: number;
  /** Max distance of the order's reference price from the last trade, as a fraction (0.05 = 5%). */
  priceBand?: number;
}

export type RiskDenialReason =
  | "HALTED"
  | "REDUCING_ONLY"
  | "MAX_POSITION_QTY"
  | "MAX_POSITION_NOTIONAL"
  | "MAX_ORDER_NOTIONAL"
  | "ORDER_RATE"
  | "STALE_DATA"
  | "PRICE_BAND"
  | "INVALID_ORDER";

export interface OrderIntent {
  symbol: string;
  side: Side;
  qty: number;
  /** Reference price (expected fill, e.g. last close). */
  price: number;
}

export interface RiskContext {
  now: number;
  /** Open time of the last closed bar, and its timeframe. */
  lastBarTs: number;
  timeframeMs: number;
  /** Last trade (or close) price, for the price band. */
  lastPrice: number;
  /** Current signed position in the order's symbol. */
  positionQty: number;
}

export type RiskDecision = { allowed: true } | { allowed: false; reason: RiskDenialReason; message: string };

export interface RiskGuardSnapshot {
  state: TradingState;
  stateReason: string;
  dayKey: number;
  dayStartEquity: number;
  peakEquity: number;
  haltedUntil: number;
  orderTimes: number[];
  /** Symbols held reduce-only whatever the state, with why (e.g. an order whose outcome is unknown). */
  held?: Record<string, string>;
}

const DAY = 86_400_000;

/**
 * The only path to a venue: every order passes `check()`. Holds the trading state, which moves on
 * equity updates (daily loss, drawdown) and on external trips (kill switch).
 */
export class RiskGuard {
  private s: RiskGuardSnapshot = { state: "active", stateReason: "", dayKey: -1, dayStartEquity: Number.NaN, peakEquity: Number.NaN, haltedUntil: 0, orderTimes: [] };

  constructor(readonly limits: RiskLimits) {}

  get state(): TradingState {
    return this.s.state;
  }

  get stateReason(): string {
    return this.s.stateReason;
  }

  /** Moves the state explicitly (kill switch trip -> halted, operator reset -> active). */
  setState(state: TradingState, reason: string, until = 0): void {
    this.s.state = state;
    this.s.stateReason = reason;
    this.s.haltedUntil = until;
  }

  /**
   * Holds one symbol in reducing state (only orders that shrink |position|) until released, whatever
   * the account-wide state: its position is uncertain (an order whose outcome the venue cannot tell yet).
   */
  holdSymbol(symbol: string, reason: string): void {
    this.s.held = { ...this.s.held, [symbol]: reason };
  }

  releaseSymbol(symbol: string): void {
    if (this.s.held?.[symbol] === undefined) return;
    const rest = { ...this.s.held };
    delete rest[symbol];
    this.s.held = rest;
  }

  /** Why a symbol is held reduce-only (undefined when it is not). */
  heldReason(symbol: string): string | undefined {
    return this.s.held?.[symbol];
  }

  /** The trading state that applies to one symbol: the account's, or reducing while the symbol is held. */
  symbolState(symbol: string): TradingState {
    if (this.s.state !== "active") return this.s.state;
    return this.heldReason(symbol) !== undefined ? "reducing" : "active";
  }

  /** Feeds the current equity: tracks the UTC day start and the peak, and applies loss limits. */
  onEquity(ts: number, equity: number): TradingState {
    if (!Number.isFinite(equity)) throw new RangeError(`equity is not finite at ${ts}`);
    const day = Math.floor(ts / DAY);
    if (day !== this.s.dayKey) {
      this.s.dayKey = day;
      this.s.dayStartEquity = equity;
      if (this.s.state === "halted" && this.s.haltedUntil > 0 && ts >= this.s.haltedUntil) this.setState("active", "new UTC day");
    }
    if (!(this.s.peakEquity >= equity)) this.s.peakEquity = equity;
    const { dailyLossLimit, maxDrawdown } = this.limits;
    if (dailyLossLimit !== undefined && this.s.state !== "halted" && equity < this.s.dayStartEquity * (1 - dailyLossLimit)) {
      const loss = 1 - equity / this.s.dayStartEquity;
      this.setState("halted", `daily loss ${(loss * 100).toFixed(2)}% exceeds ${(dailyLossLimit * 100).toFixed(2)}%`, (day + 1) * DAY);
    }
    if (maxDrawdown !== undefined && this.s.state === "active" && equity < this.s.peakEquity * (1 - maxDrawdown)) {
      const dd = 1 - equity / this.s.peakEquity;
      this.setState("reducing", `drawdown ${(dd * 100).toFixed(2)}% exceeds ${(maxDrawdown * 100).toFixed(2)}%`);
    }
    return this.s.state;
  }

  /** Checks one order against the state and every limit. Does not record it: call `recordOrder` once sent. */
  check(o: OrderIntent, ctx: RiskContext): RiskDecision {
    const deny = (reason: RiskDenialReason, message: string): RiskDecision => ({ allowed: false, reason, message: `${o.symbol} ${o.side} ${o.qty}: ${message}` });
    if (!(o.qty > 0) || !(o.price > 0) || !Number.isFinite(o.qty) || !Number.isFinite(o.price)) return deny("INVALID_ORDER", `qty and price must be positive (price ${o.price})`);
    const dq = o.side === "buy" ? o.qty : -o.qty;
    const after = ctx.positionQty + dq;
    const reduces = Math.abs(after) < Math.abs(ctx.positionQty) && Math.sign(after) !== -Math.sign(ctx.positionQty);
    if (this.s.state === "halted") return deny("HALTED", `trading halted (${this.s.stateReason})`);
    if (this.s.state === "reducing" && !reduces) return deny("REDUCING_ONLY", `only position-reducing orders allowed (${this.s.stateReason})`);
    const held = this.heldReason(o.symbol);
    if (held !== undefined && !reduces) return deny("REDUCING_ONLY", `only position-reducing orders allowed in ${o.symbol} (${held})`);
    const L = this.limits;
    if (!reduces) {
      const staleAfter = (L.staleAfterTimeframes ?? 2) * ctx.timeframeMs;
      const age = ctx.now - (ctx.lastBarTs + ctx.timeframeMs);
      if (age > staleAfter) return deny("STALE_DATA", `last bar closed ${Math.round(age / 1000)} s ago (limit ${staleAfter / 1000} s)`);
      if (L.maxPositionQty !== undefined && Math.abs(after) > L.maxPositionQty * (1 + 1e-9)) return deny("MAX_POSITION_QTY", `position would be ${after}, limit ${L.maxPositionQty}`);
      if (L.maxPositionNotional !== undefined && Math.abs(after) * o.price > L.maxPositionNotional * (1 + 1e-9)) {
        return deny("MAX_POSITION_NOTIONAL", `position notional would be ${(Math.abs(after) * o.price).toFixed(2)}, limit ${L.maxPositionNotional}`);
      }
    }
    if (L.maxOrderNotional !== undefined && o.qty * o.price > L.maxOrderNotional * (1 + 1e-9)) return deny("MAX_ORDER_NOTIONAL", `order notional ${(o.qty * o.price).toFixed(2)} exceeds ${L.maxOrderNotional}`);
    if (L.priceBand !== undefined && ctx.lastPrice > 0 && Math.abs(o.price / ctx.lastPrice - 1) > L.priceBand) {
      return deny("PRICE_BAND", `price ${o.price} is ${(Math.abs(o.price / ctx.lastPrice - 1) * 100).toFixed(2)}% from last ${ctx.lastPrice} (band ${(L.priceBand * 100).toFixed(2)}%)`);
    }
    if (L.maxOrdersPerMinute !== undefined) {
      const recent = this.s.orderTimes.filter((t) => t > ctx.now - 60_000).length;
      if (recent >= L.maxOrdersPerMinute) return deny("ORDER_RATE", `${recent} orders in the last minute (limit ${L.maxOrdersPerMinute})`);
    }
    return { allowed: true };
  }

  /** Largest |position| the limits allow at `price` (used to size targets before ordering). */
  maxPositionQty(price: number): number {
    let q = Number.POSITIVE_INFINITY;
    if (this.limits.maxPositionQty !== undefined) q = Math.min(q, this.limits.maxPositionQty);
    if (this.limits.maxPositionNotional !== undefined && price > 0) q = Math.min(q, this.limits.maxPositionNotional / price);
    return q;
  }

  recordOrder(ts: number): void {
    this.s.orderTimes.push(ts);
    const cutoff = ts - 60_000;
    while (this.s.orderTimes.length > 0 && this.s.orderTimes[0]! <= cutoff) this.s.orderTimes.shift();
  }

  snapshot(): RiskGuardSnapshot {
    return { ...this.s, orderTimes: [...this.s.orderTimes], held: { ...this.s.held } };
  }

  restore(s: RiskGuardSnapshot): void {
    this.s = { ...s, orderTimes: [...s.orderTimes], held: { ...s.held } };
  }
}
