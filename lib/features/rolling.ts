/**
 * Sliding-window mean and variance over the last `n` values with O(1) updates: a Welford-style
 * replace update while the window is full, and an exact two-pass recomputation each time the ring
 * wraps (every n values), so rounding drift never accumulates over long series.
 */
export class RollingStats {
  readonly n: number;
  private readonly invN: number;
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private m = 0;
  private m2 = 0;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`rolling window must be a positive integer, got ${n}`);
    this.n = n;
    this.invN = 1 / n;
    this.buf = new Float64Array(n);
  }

  reset(): void {
    this.pos = 0;
    this.count = 0;
    this.m = 0;
    this.m2 = 0;
    this.buf.fill(0);
  }

  push(x: number): void {
    const pos = this.pos;
    if (this.count === this.n) {
      const old = this.buf[pos]!;
      const m0 = this.m;
      const m = m0 + (x - old) * this.invN;
      this.m = m;
      this.m2 += (x - old) * (x - m + old - m0);
    } else {
      const k = ++this.count;
      const d = x - this.m;
      this.m += d / k;
      this.m2 += d * (x - this.m);
    }
    this.buf[pos] = x;
    if (pos + 1 === this.n) {
      this.pos = 0;
      if (this.count === this.n) this.recompute();
    } else {
      this.pos = pos + 1;
    }
  }

  private recompute(): void {
    const b = this.buf;
    const n = this.n;
    let s = 0;
    for (let i = 0; i < n; i++) s += b[i]!;
    const m = s / n;
    let q = 0;
    for (let i = 0; i < n; i++) {
      const d = b[i]! - m;
      q += d * d;
    }
    this.m = m;
    this.m2 = q;
  }

  /** Number of values in the window (up to n). */
  get size(): number {
    return this.count;
  }

  /** Mean of the values in the window (0 when empty). */
  get mean(): number {
    return this.m;
  }

  /** Population variance of the values in the window (>= 0). */
  get variance(): number {
    return this.m2 > 0 ? this.m2 / this.count : 0;
  }
}

/** Sliding-window mean only: a running sum, recomputed exactly each time the ring wraps. */
export class RollingMean {
  readonly n: number;
  private readonly invN: number;
  private readonly buf: Float64Array;
  private pos = 0;
  private count = 0;
  private sum = 0;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`rolling window must be a positive integer, got ${n}`);
    this.n = n;
    this.invN = 1 / n;
    this.buf = new Float64Array(n);
  }

  reset(): void {
    this.pos = 0;
    this.count = 0;
    this.sum = 0;
    this.buf.fill(0);
  }

  push(x: number): void {
    const pos = this.pos;
    if (this.count === this.n) this.sum += x - this.buf[pos]!;
    else {
      this.count++;
      this.sum += x;
    }
    this.buf[pos] = x;
    if (pos + 1 === this.n) {
      this.pos = 0;
      if (this.count === this.n) {
        const b = this.buf;
        let s = 0;
        for (let i = 0; i < b.length; i++) s += b[i]!;
        this.sum = s;
      }
    } else {
      this.pos = pos + 1;
    }
  }

  get size(): number {
    return this.count;
  }

  /** Mean of the values in the window (0 when empty). */
  get mean(): number {
    return this.count === this.n ? this.sum * this.invN : this.count > 0 ? this.sum / this.count : 0;
  }
}

/**
 * A ring of the last values (power-of-two sized), for lags up to `maxLag`. The first value fills
 * the whole ring, so a lag longer than the history reads the oldest value without a branch.
 */
export class Lags {
  private readonly buf: Float64Array;
  private readonly mask: number;
  private pos = 0;
  private count = 0;

  constructor(readonly maxLag: number) {
    if (!Number.isInteger(maxLag) || maxLag < 1) throw new RangeError(`lag length must be a positive integer, got ${maxLag}`);
    let size = 2;
    while (size < maxLag + 1) size *= 2;
    this.buf = new Float64Array(size);
    this.mask = size - 1;
  }

  reset(): void {
    this.pos = 0;
    this.count = 0;
    this.buf.fill(0);
  }

  push(x: number): void {
    if (this.count === 0) this.buf.fill(x);
    this.buf[this.pos] = x;
    this.pos = (this.pos + 1) & this.mask;
    if (this.count <= this.maxLag) this.count++;
  }

  /** Number of values available, up to maxLag + 1. */
  get size(): number {
    return this.count;
  }

  /** The value pushed `k` pushes ago (0 = latest, k <= maxLag); the first one when fewer were pushed. */
  ago(k: number): number {
    return this.buf[(this.pos - 1 - k) & this.mask]!;
  }
}
