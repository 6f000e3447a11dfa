import type { CliIo } from "./args";

let lastPrint = 0;

/** One progress line: phase, count, percentage, rate and ETA. Rewrites in place on a TTY, throttled otherwise. */
export function progressLine(io: CliIo, tty: boolean, phase: string, done: number, total: number, startedMs: number): void {
  const now = performance.now();
  const finished = done >= total;
  if (!finished && now - lastPrint < (tty ? 100 : 2000)) return;
  lastPrint = now;
  const secs = (now - startedMs) / 1000;
  const rate = secs > 0 ? done / secs : 0;
  const eta = rate > 0 ? (total - done) / rate : 0;
  const line = `${phase}: ${done.toLocaleString("en-US")}/${total.toLocaleString("en-US")} bars (${((100 * done) / Math.max(1, total)).toFixed(0)}%), ${Math.round(rate).toLocaleString("en-US")} bars/s, ETA ${eta.toFixed(1)} s`;
  if (tty) process.stderr.write(`\r${line}${finished ? "\n" : ""}`);
  else io.err(line);
}
