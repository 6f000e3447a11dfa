const INV_FOUR_LN2 = 1 / (4 * Math.LN2);

/**
 * ln(high / low) for high >= low > 0. For the narrow ranges of intraday bars it uses
 * 2 atanh(u) = 2 (u + u^3/3 + u^5/5 + u^7/7), u = (h - l) / (h + l): with u < 0.01 the first omitted
 * term is below 1e-17 of the result (under double precision), and it avoids a Math.log per bar.
 */
export function logRatio(high: number, low: number): number {
  const u = (high - low) / (high + low);
  if (u >= 0.01) return Math.log(high / low);
  const u2 = u * u;
  return 2 * u * (1 + u2 * (1 / 3 + u2 * (1 / 5 + u2 / 7)));
}

/**
 * Per-symbol market state the slippage models read: an EWMA of the per-bar Parkinson variance
 * (so sigma is a per-bar volatility, as a fraction), an EWMA of bar volume (base units), and the
 * last bar's range in bps of its mid. Updated once per closed bar; O(1), allocation-free.
 */
export class MarketStats {
  private readonly alpha: number;
  private variance = 0;
  /** EWMA of bar volume, base units (0 before the first bar). */
  volume = 0;
  private lastHigh = Number.NaN;
  private lastLow = Number.NaN;
  /** Last closed bar's close (NaN before the first bar). */
  lastClose = Number.NaN;
  /** Bars seen. */
  count = 0;

  /** `halfLifeBars` 0 means "last bar only". */
  constructor(halfLifeBars: number) {
    this.alpha = halfLifeBars > 0 ? 1 - Math.pow(2, -1 / halfLifeBars) : 1;
  }

  /** Per-bar volatility (fraction): sqrt of the EWMA Parkinson variance; NaN before the first bar. */
  get sigma(): number {
    return this.count === 0 ? Number.NaN : Math.sqrt(this.variance);
  }

  /** Last closed bar's (high - low) / mid in bps (NaN before the first bar). */
  get lastRangeBps(): number {
    const mid = (this.lastHigh + this.lastLow) / 2;
    return mid > 0 ? ((this.lastHigh - this.lastLow) / mid) * 10_000 : Number.NaN;
  }

  /** Adds a closed bar (prices > 0, validated by the caller). Hot path: one log, no allocation. */
  update(high: number, low: number, close: number, volume: number): void {
    const lr = logRatio(high, low);
    const v = lr * lr * INV_FOUR_LN2;
    // the first bar seeds both averages (alpha 1)
    const a = this.count === 0 ? 1 : this.alpha;
    this.variance += a * (v - this.variance);
    this.volume += a * (volume - this.volume);
    this.lastHigh = high;
    this.lastLow = low;
    this.lastClose = close;
    this.count++;
  }

  reset(): void {
    this.variance = 0;
    this.volume = 0;
    this.lastHigh = Number.NaN;
    this.lastLow = Number.NaN;
    this.lastClose = Number.NaN;
    this.count = 0;
  }
}
