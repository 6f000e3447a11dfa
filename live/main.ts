/**
 * The live process: parse arguments -> build -> run -> exit code. Everything else lives in lib/
 * (lib/cli/live-args.ts for the flags, lib/app/build-live.ts for the wiring).
 */
import type { LiveApp } from "../lib/app/build-live";
import { liveMain } from "../lib/cli/live-args";

let app: LiveApp | undefined;
let signals = 0;
const onSignal = (sig: NodeJS.Signals): void => {
  signals++;
  if (signals > 1 || app === undefined) {
    process.stderr.write(`\n${sig} again: exiting without a clean shutdown\n`);
    process.exit(1);
  }
  process.stderr.write(`\n${sig}: shutting down (cancelling open orders, flushing state)...\n`);
  app.requestStop(sig);
};
process.on("SIGINT", onSignal);
process.on("SIGTERM", onSignal);
// a closed output pipe (the supervisor or the terminal went away) must not kill a trading process
for (const s of [process.stdout, process.stderr]) s.on("error", (e: NodeJS.ErrnoException) => void (e.code === "EPIPE" ? undefined : process.emitWarning(e)));

const io = { out: (s: string) => process.stdout.write(`${s}\n`), err: (s: string) => process.stderr.write(`${s}\n`) };
liveMain(process.argv.slice(2), io, { onApp: (a) => (app = a) }).then(
  (code) => {
    process.exitCode = code;
    // sockets and timers of the venue adapters are closed; anything left must not keep the process alive
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
