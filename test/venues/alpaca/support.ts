import { ManualClock } from "../../../lib/core/clock";
import type { LogSink } from "../../../lib/infra/http/logger";
import type { VenueDeps } from "../../../lib/venues/capabilities";

/** A LogSink that keeps every entry as the JSON line a real logger would write. */
export class LogCapture implements LogSink {
  readonly lines: string[] = [];
  debug(obj: Record<string, unknown>, msg?: string): void {
    this.push("debug", obj, msg);
  }
  info(obj: Record<string, unknown>, msg?: string): void {
    this.push("info", obj, msg);
  }
  warn(obj: Record<string, unknown>, msg?: string): void {
    this.push("warn", obj, msg);
  }
  error(obj: Record<string, unknown>, msg?: string): void {
    this.push("error", obj, msg);
  }
  get text(): string {
    return this.lines.join("\n");
  }
  private push(level: string, obj: Record<string, unknown>, msg?: string): void {
    this.lines.push(JSON.stringify({ level, ...obj, msg }));
  }
}

/** Polls `cond` every 5 ms until it holds; fails with `what` after `timeoutMs`. */
export async function until(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  for (let waited = 0; !cond(); waited += 5) {
    if (waited >= timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Deps with a fixed clock, captured logs and no real waiting between retries. */
export function testDeps(nowMs: number): VenueDeps & { clock: ManualClock; logger: LogCapture; sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    clock: new ManualClock(nowMs),
    logger: new LogCapture(),
    sleeps,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
  };
}
