import { sleep } from "../../infra/http/backoff";

export interface PacerOptions {
  /** Wall ms between bars at full pace (timeframe / speed). */
  intervalMs: number;
  /** Wall ms the exchange waits after a bar and after the client's last request before the next bar. */
  settleMs: number;
  wallNow: () => number;
  /** Told when pacing starts (true) or stops (false: paused, closed or finished). */
  onPace?: (running: boolean) => void;
}

/**
 * Drives the replay: processes one step (all symbols' bars at one open time) per interval, but never
 * while a client request is in flight and never within settleMs of the last bar or request, so a
 * client that answers each bar promptly sees its orders handled in the same bar on every run.
 * An order answer held for its simulated fill is not in flight (the next bar is what fills it).
 */
export class ReplayPacer {
  private next = 0;
  private paused = true;
  private closed = false;
  private inflight = 0;
  private lastActivity: number;
  private lastEmit: number;
  private wake: (() => void) | undefined;
  private loopRunning = false;
  private finish!: () => void;
  /** Resolves when every step has been processed (or the pacer was closed). */
  readonly done: Promise<void>;

  constructor(
    private readonly steps: readonly number[],
    private readonly process: (ts: number) => void,
    private readonly opts: PacerOptions,
  ) {
    this.lastActivity = opts.wallNow();
    this.lastEmit = opts.wallNow();
    this.done = new Promise((r) => (this.finish = r));
    if (steps.length === 0) this.finish();
  }

  get processed(): number {
    return this.next;
  }

  get total(): number {
    return this.steps.length;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  onRequest(phase: "start" | "end"): void {
    this.inflight += phase === "start" ? 1 : -1;
    this.lastActivity = this.opts.wallNow();
  }

  resume(): void {
    if (this.closed || this.next >= this.steps.length) return;
    this.paused = false;
    this.opts.onPace?.(true);
    if (!this.loopRunning) {
      // Pacing starts now: the first bar closes one interval after the start.
      this.lastEmit = this.opts.wallNow();
      void this.loop();
    }
    this.wake?.();
  }

  pause(): void {
    this.paused = true;
    this.opts.onPace?.(false);
  }

  /** Processes up to n steps at once, ignoring the pace (the pacer must be paused). Returns how many. */
  step(n = 1): number {
    if (!this.paused) throw new Error("ReplayPacer.step() needs a paused replay: call pause() first");
    let k = 0;
    while (k < n && this.advance()) k++;
    return k;
  }

  close(): void {
    this.closed = true;
    this.paused = true;
    this.opts.onPace?.(false);
    this.wake?.();
    this.finish();
  }

  private advance(): boolean {
    if (this.next >= this.steps.length || this.closed) return false;
    this.process(this.steps[this.next++]!);
    this.lastEmit = this.opts.wallNow();
    if (this.next >= this.steps.length) {
      this.opts.onPace?.(false);
      this.finish();
    }
    return true;
  }

  private async loop(): Promise<void> {
    this.loopRunning = true;
    try {
      while (!this.closed && this.next < this.steps.length) {
        if (this.paused) {
          await new Promise<void>((r) => (this.wake = r));
          this.wake = undefined;
          continue;
        }
        const now = this.opts.wallNow();
        const due = Math.max(this.lastEmit + this.opts.intervalMs, this.lastEmit + this.opts.settleMs, this.lastActivity + this.opts.settleMs);
        if (this.inflight > 0 || now < due) {
          await sleep(this.inflight > 0 ? 1 : Math.min(Math.max(1, due - now), 250));
          continue;
        }
        this.advance();
      }
    } finally {
      this.loopRunning = false;
    }
  }
}
