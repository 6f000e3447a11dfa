import type { Clock } from "../core/clock";
import { InvariantError } from "../core/errors";

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
}

/**
 * Virtual time for backtests, envs and the replay exchange: it moves only when told (to each bar's
 * close, or by the replay pacer) and never backwards. Timers scheduled on it fire in time order
 * while it advances (equal times in scheduling order), so delayed events replay identically.
 */
export class ReplayClock implements Clock {
  private t: number;
  private seq = 0;
  private readonly heap: Timer[] = [];
  private readonly cancelled = new Set<number>();

  constructor(startMs = 0) {
    if (!Number.isFinite(startMs)) throw new RangeError(`ReplayClock start must be finite, got ${startMs}`);
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.heap.length - this.cancelled.size;
  }

  /** Moves to `ms`, firing every timer due at or before it. Going backwards is an invariant error. */
  advanceTo(ms: number): void {
    if (!Number.isFinite(ms)) throw new InvariantError(`ReplayClock cannot move to ${ms}`);
    if (ms < this.t) throw new InvariantError(`ReplayClock cannot go backwards: ${ms} < ${this.t}`);
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.at > ms) break;
      this.pop();
      if (this.cancelled.delete(top.seq)) continue;
      this.t = top.at;
      top.fn();
    }
    this.t = ms;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.t + ms);
  }

  /** Runs `fn` when the clock reaches `atMs` (immediately on the next advance if already past). Returns a timer id. */
  schedule(atMs: number, fn: () => void): number {
    if (!Number.isFinite(atMs)) throw new InvariantError(`cannot schedule a timer at ${atMs}`);
    const timer: Timer = { at: Math.max(atMs, this.t), seq: ++this.seq, fn };
    this.push(timer);
    return timer.seq;
  }

  cancel(id: number): boolean {
    if (!this.heap.some((x) => x.seq === id) || this.cancelled.has(id)) return false;
    this.cancelled.add(id);
    return true;
  }

  private less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(x: Timer): void {
    const h = this.heap;
    h.push(x);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
