const FOUR_LN2 = 4 * Math.LN2;

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
  /** Last closed bar's (high - low) / mid in bps (NaN before the first bar). */
  lastRangeBps = Number.NaN;
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

  update(high: number, low: number, close: number, volume: number): void {
    const lr = high > 0 && low > 0 ? Math.log(high / low) : 0;
    const v = (lr * lr) / FOUR_LN2;
    if (this.count === 0) {
      this.variance = v;
      this.volume = volume;
    } else {
      this.variance += this.alpha * (v - this.variance);
      this.volume += this.alpha * (volume - this.volume);
    }
    const mid = (high + low) / 2;
    this.lastRangeBps = mid > 0 ? ((high - low) / mid) * 10_000 : 0;
    this.lastClose = close;
    this.count++;
  }

  reset(): void {
    this.variance = 0;
    this.volume = 0;
    this.lastRangeBps = Number.NaN;
    this.lastClose = Number.NaN;
    this.count = 0;
  }
}
