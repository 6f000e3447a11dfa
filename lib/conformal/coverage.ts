import { InvariantError } from "../core/errors";
import { SortedWindow } from "./sorted-window";

/** Coverage and width statistics, over the rolling window and since the start. */
export interface CoverageStats {
  /** Outcomes in the rolling window. */
  rollingCount: number;
  /** Share of those outcomes inside their interval; NaN before the first outcome. */
  rollingCoverage: number;
  /** Mean width of the finite intervals in the window; NaN when there are none. */
  rollingMeanWidth: number;
  /** Median width of the finite intervals in the window; NaN when there are none. */
  rollingMedianWidth: number;
  /** Intervals in the window that were the whole line (too few scores, or alpha_t <= 0). */
  rollingInfinite: number;
  totalCount: number;
  totalCovered: number;
  /** NaN before the first outcome. */
  totalCoverage: number;
  /** Mean width of all finite intervals so far; NaN when there are none. */
  totalMeanWidth: number;
  totalInfinite: number;
}

/** Serialisable form of a tracker: per-outcome window oldest first, plus running totals. */
export interface CoverageTrackerState {
  window: number;
  /** 1 = covered, 0 = missed, oldest first. */
  hits: number[];
  /** Widths oldest first; null stands for an infinite width (JSON has no Infinity). */
  widths: (number | null)[];
  totalCount: number;
  totalCovered: number;
  totalFiniteWidthSum: number;
  totalInfinite: number;
}

/**
 * Rolling empirical coverage and interval width. One `record` per realised outcome, O(log n) plus a
 * memmove; no allocation per record. Widths live in a sorted window so the median is one read.
 */
export class CoverageTracker {
  readonly window: number;
  private readonly hits: Uint8Array;
  private readonly widths: SortedWindow;
  private head = 0;
  private count = 0;
  private hitSum = 0;
  private finiteWidthSum = 0;
  private infiniteInWindow = 0;
  private sinceResum = 0;
  private totalCount = 0;
  private totalCovered = 0;
  private totalFiniteWidthSum = 0;
  private totalInfinite = 0;

  constructor(window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError(`coverage window must be a positive integer, got ${window}`);
    this.window = window;
    this.hits = new Uint8Array(window);
    this.widths = new SortedWindow(window);
  }

  /** Records one realised outcome: whether it was inside its interval, and that interval's width. */
  record(covered: boolean, width: number): void {
    if (!(width >= 0)) throw new InvariantError("CoverageTracker.record: width must be >= 0", { width });
    const hit = covered ? 1 : 0;
    if (this.count === this.window) {
      this.hitSum -= this.hits[this.head]!;
      this.hits[this.head] = hit;
      this.head = (this.head + 1) % this.window;
    } else {
      this.hits[(this.head + this.count) % this.window] = hit;
      this.count++;
    }
    this.hitSum += hit;
    const evicted = this.widths.push(width);
    if (evicted === Number.POSITIVE_INFINITY) this.infiniteInWindow--;
    else if (!Number.isNaN(evicted)) this.finiteWidthSum -= evicted;
    if (width === Number.POSITIVE_INFINITY) {
      this.infiniteInWindow++;
      this.totalInfinite++;
    } else {
      this.finiteWidthSum += width;
      this.totalFiniteWidthSum += width;
    }
    this.totalCount++;
    this.totalCovered += hit;
    // add/subtract drift would accumulate forever: re-sum exactly once per window of records
    if (++this.sinceResum >= this.window) this.resum();
  }

  stats(): CoverageStats {
    const finite = this.count - this.infiniteInWindow;
    const totalFinite = this.totalCount - this.totalInfinite;
    return {
      rollingCount: this.count,
      rollingCoverage: this.count === 0 ? Number.NaN : this.hitSum / this.count,
      rollingMeanWidth: finite === 0 ? Number.NaN : this.finiteWidthSum / finite,
      rollingMedianWidth: this.medianFiniteWidth(),
      rollingInfinite: this.infiniteInWindow,
      totalCount: this.totalCount,
      totalCovered: this.totalCovered,
      totalCoverage: this.totalCount === 0 ? Number.NaN : this.totalCovered / this.totalCount,
      totalMeanWidth: totalFinite === 0 ? Number.NaN : this.totalFiniteWidthSum / totalFinite,
      totalInfinite: this.totalInfinite,
    };
  }

  /** Median of the finite widths in the window (infinite widths sort last, so they are skipped). */
  medianFiniteWidth(): number {
    const m = this.count - this.infiniteInWindow;
    if (m === 0) return Number.NaN;
    const a = this.widths.kth(Math.floor((m + 1) / 2));
    const b = this.widths.kth(Math.floor(m / 2) + 1);
    return (a + b) / 2;
  }

  /** Mean of the finite widths in the window; NaN when there are none. */
  meanFiniteWidth(): number {
    const m = this.count - this.infiniteInWindow;
    return m === 0 ? Number.NaN : this.finiteWidthSum / m;
  }

  toJSON(): CoverageTrackerState {
    const hits: number[] = [];
    for (let i = 0; i < this.count; i++) hits.push(this.hits[(this.head + i) % this.window]!);
    const widths = Array.from(this.widths.values(), (w) => (w === Number.POSITIVE_INFINITY ? null : w));
    return {
      window: this.window,
      hits,
      widths,
      totalCount: this.totalCount,
      totalCovered: this.totalCovered,
      totalFiniteWidthSum: this.totalFiniteWidthSum,
      totalInfinite: this.totalInfinite,
    };
  }

  /**
   * Rebuilds a tracker from its state. `window` may differ from the saved one (a new config): the
   * newest outcomes that fit are kept; totals are kept as saved.
   */
  static fromJSON(state: CoverageTrackerState, window: number = state.window): CoverageTracker {
    if (state.hits.length !== state.widths.length) throw new InvariantError("coverage state: hits and widths differ in length", { hits: state.hits.length, widths: state.widths.length });
    const t = new CoverageTracker(window);
    const start = Math.max(0, state.hits.length - window);
    for (let i = start; i < state.hits.length; i++) t.record(state.hits[i] === 1, state.widths[i] ?? Number.POSITIVE_INFINITY);
    t.totalCount = state.totalCount;
    t.totalCovered = state.totalCovered;
    t.totalFiniteWidthSum = state.totalFiniteWidthSum;
    t.totalInfinite = state.totalInfinite;
    return t;
  }

  private resum(): void {
    this.sinceResum = 0;
    let s = 0;
    for (const w of this.widths.sortedView()) if (w !== Number.POSITIVE_INFINITY) s += w;
    this.finiteWidthSum = s;
  }
}
