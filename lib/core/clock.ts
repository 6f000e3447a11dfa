/** The only source of "now" in lib/: injected so that backtests and replays are reproducible. */
export interface Clock {
  /** Milliseconds since the Unix epoch, UTC. */
  now(): number;
}

/** A clock that only moves when told to (backtests, replays, tests). */
export class ManualClock implements Clock {
  private t: number;
  constructor(startMs = 0) {
    this.t = startMs;
  }
  now(): number {
    return this.t;
  }
  set(ms: number): void {
    if (ms < this.t) throw new RangeError(`ManualClock cannot go backwards: ${ms} < ${this.t}`);
    this.t = ms;
  }
  advance(ms: number): void {
    this.set(this.t + ms);
  }
}
