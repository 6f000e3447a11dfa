import { existsSync, readFileSync } from "node:fs";
import type { Clock } from "../core/clock";
import type { Logger } from "../infra/logger";
import type { KillSwitch } from "../risk/kill-switch";

/**
 * Polls the kill switch flag file (`npm run kill-switch -- trip` writes it): while it exists the
 * switch is tripped. Returns a stop function.
 */
export function watchFlagFile(ks: KillSwitch, flagFile: string, pollMs: number, clock: Clock, log: Logger): () => void {
  const check = (): void => {
    if (ks.tripped || !existsSync(flagFile)) return;
    let note = "";
    try {
      note = readFileSync(flagFile, "utf8").trim();
    } catch {
      // removed between the two calls: the trip still stands, the note is only for the log
    }
    log.error({ flagFile, note }, "kill switch flag file found");
    void ks.trip(`flag file ${flagFile}${note ? `: ${note}` : ""}`, "flag-file", clock.now());
  };
  check();
  const t = setInterval(check, pollMs);
  t.unref();
  return () => clearInterval(t);
}

/** Whether a kill switch flag file is present right now. */
export function flagPresent(flagFile: string): boolean {
  return existsSync(flagFile);
}

/**
 * Counts stale intervals: each timeframe that passes, beyond `staleAfterTimeframes`, without a new
 * closed bar counts once toward the kill switch's `staleIntervals` (checked every `pollMs` of wall time).
 */
export class StaleMonitor {
  private counted = 0;
  private seenClose = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ks: KillSwitch,
    private readonly latestClose: () => number,
    private readonly clock: Clock,
    private readonly tfMs: number,
    private readonly staleAfterTimeframes: number,
    private readonly log: Logger,
  ) {}

  start(pollMs: number): void {
    this.timer = setInterval(() => void this.check(), pollMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One check (also called by tests). Returns the number of stale intervals counted so far for the current gap. */
  async check(): Promise<number> {
    const close = this.latestClose();
    if (!Number.isFinite(close)) return 0;
    if (close !== this.seenClose) [this.seenClose, this.counted] = [close, 0];
    const age = this.clock.now() - close;
    const limit = this.staleAfterTimeframes * this.tfMs;
    if (age <= limit) return this.counted;
    const intervals = Math.floor((age - limit) / this.tfMs) + 1;
    while (this.counted < intervals && !this.ks.tripped) {
      this.counted++;
      this.log.warn({ lastBarClose: new Date(close).toISOString(), ageSeconds: Math.round(age / 1000), intervals: this.counted }, "market data is stale");
      await this.ks.count("staleIntervals", this.clock.now());
    }
    return this.counted;
  }
}
