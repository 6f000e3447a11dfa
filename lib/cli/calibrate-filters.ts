import { type CliIo, runIfEntry } from "./args";
import { referenceMain } from "./calibrate-fees";

export { calibrateFiltersCommand } from "./calibrate-fees";

/** `npm run calibrate:filters`: the same refresh flow as calibrate:fees, for data/binance_filters.json. */
export function calibrateFiltersMain(argv: readonly string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  return referenceMain("filters", argv, io, env);
}

runIfEntry(/calibrate-filters\.ts$/, (argv, io) => calibrateFiltersMain(argv, io));
