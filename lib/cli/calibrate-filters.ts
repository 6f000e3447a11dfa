import type { CliIo } from "./args";
import { referenceMain } from "./calibrate-fees";

export { calibrateFiltersCommand } from "./calibrate-fees";

/** `npm run calibrate:filters`: the same refresh flow as calibrate:fees, for data/binance_filters.json. */
export function calibrateFiltersMain(argv: readonly string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  return referenceMain("filters", argv, io, env);
}

if (/calibrate-filters\.ts$/.test(process.argv[1] ?? "")) {
  const io: CliIo = { out: (s) => process.stdout.write(s + "\n"), err: (s) => process.stderr.write(s + "\n") };
  calibrateFiltersMain(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
