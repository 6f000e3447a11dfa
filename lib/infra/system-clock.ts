import type { Clock } from "../core/clock";

/** Wall-clock time, optionally corrected by a measured offset to the venue (venue - local, ms). */
export class SystemClock implements Clock {
  constructor(private offsetMs = 0) {}
  now(): number {
    return Date.now() + this.offsetMs;
  }
  setOffset(ms: number): void {
    this.offsetMs = ms;
  }
}

export const systemClock: Clock = new SystemClock();
