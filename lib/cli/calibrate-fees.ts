import { checkReferenceAge, DEFAULT_FEES_FILE, DEFAULT_FILTERS_FILE, runFeesRefresh, runFiltersRefresh } from "../app/build-calibration";
import { isTradelabError } from "../core/errors";
import { type CliIo, defineCommand, type FlagValues, runCommand, runIfEntry, UsageError } from "./args";

type Kind = "fees" | "filters";

function referenceFlags(kind: Kind) {
  return {
    venue: { type: "string", description: "fetch through this venue's exchange-info adapter (network)", choices: ["binance", "binance-testnet"] as const, valueName: "V" },
    fromFile: { type: "string", description: kind === "fees" ? "read a schedule: fees_by_symbol.json, a Binance tradeFee array, or an account payload with commissionRates" : "read a saved GET /api/v3/exchangeInfo payload", valueName: "file" },
    symbol: { type: "string", description: "symbol(s) to refresh (default: those already in the output file)", multiple: true, valueName: "S" },
    out: { type: "string", description: "output file", default: kind === "fees" ? DEFAULT_FEES_FILE : DEFAULT_FILTERS_FILE, valueName: "file" },
    replace: { type: "boolean", description: "drop symbols of the existing file that were not refreshed" },
    restBaseUrl: { type: "string", description: "REST base URL override (a mirror or a local test server)", valueName: "url" },
    check: { type: "boolean", description: "only report the output file's age against --max-age-days (exit 3 when stale)" },
    maxAgeDays: { type: "number", description: "refresh age in days", default: kind === "fees" ? 30 : 7, min: 0 },
    dryRun: { type: "boolean", description: "validate and print; write nothing" },
    json: { type: "boolean", description: "print the result as JSON" },
  } as const;
}

export const calibrateFeesCommand = defineCommand({
  command: "npm run calibrate:fees --",
  summary: "Refresh maker/taker fees per symbol (data/fees/fees_by_symbol.json) from the venue's account commission rates or from a schedule file; validate and write atomically with built_at.",
  flags: referenceFlags("fees"),
  examples: ["npm run calibrate:fees -- --venue binance --symbol BTCUSDT --symbol ETHUSDT", "npm run calibrate:fees -- --from-file tradeFee.json", "npm run calibrate:fees -- --check"],
  notes: ["Venue fees need API credentials: BINANCE_API_KEY and BINANCE_API_SECRET in the environment.", "Exit codes: 0 ok, 1 bad input (nothing written) or network failure, 2 usage error, 3 --check found the file stale."],
});

export const calibrateFiltersCommand = defineCommand({
  command: "npm run calibrate:filters --",
  summary: "Refresh exchange filters (data/binance_filters.json, Binance exchangeInfo layout) from the venue or from a saved exchangeInfo file; validate and write atomically with built_at.",
  flags: referenceFlags("filters"),
  examples: ["npm run calibrate:filters -- --venue binance --symbol BTCUSDT --symbol ETHUSDT", "npm run calibrate:filters -- --from-file exchangeInfo.json --symbol BTCUSDT", "npm run calibrate:filters -- --check --max-age-days 7"],
  notes: ["exchangeInfo is public: no credentials needed.", "Exit codes: 0 ok, 1 bad input (nothing written) or network failure, 2 usage error, 3 --check found the file stale."],
});

type RefFlags = FlagValues<ReturnType<typeof referenceFlags>>;

/** Adapter settings from the flags and the environment (credentials only from the environment). */
export function venueConfigFrom(f: Pick<RefFlags, "restBaseUrl">, env: Record<string, string | undefined>): Record<string, unknown> {
  const cfg: Record<string, unknown> = {};
  if (f.restBaseUrl) cfg["restBaseUrl"] = f.restBaseUrl;
  if (env["BINANCE_API_KEY"] && env["BINANCE_API_SECRET"]) {
    cfg["apiKey"] = env["BINANCE_API_KEY"];
    cfg["apiSecret"] = env["BINANCE_API_SECRET"];
  }
  return cfg;
}

/** The shared body of calibrate:fees and calibrate:filters. */
export async function referenceMain(kind: Kind, argv: readonly string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const spec = kind === "fees" ? calibrateFeesCommand : calibrateFiltersCommand;
  return runCommand(
    spec,
    argv,
    async (a) => {
      const f = a.flags as RefFlags;
      try {
        if (f.check) {
          const age = checkReferenceAge(f.out, f.maxAgeDays);
          if (f.json) io.out(JSON.stringify(age, null, 2));
          else io.out(age.message);
          return age.stale ? 3 : 0;
        }
        if ((f.venue === undefined) === (f.fromFile === undefined)) throw new UsageError("give exactly one of --venue or --from-file");
        const req = { venue: f.venue, venueConfig: f.venue ? venueConfigFrom(f, env) : undefined, fromFile: f.fromFile, symbols: f.symbol, out: f.out, replace: f.replace, dryRun: f.dryRun };
        if (kind === "fees") {
          const r = await runFeesRefresh(req);
          if (f.json) io.out(JSON.stringify({ file: r.file, out: r.outPath ?? null }, null, 2));
          else {
            io.out(`fees from ${String(r.file.meta["source"])}:`);
            for (const row of r.rows) io.out(`  ${row.symbol.padEnd(12)} maker ${String(row.makerBps).padStart(8)} bps   taker ${String(row.takerBps).padStart(8)} bps`);
            io.out(r.outPath ? `written: ${r.outPath} (${Object.keys(r.file.symbols).length} symbols, built_at ${String(r.file.meta["built_at"])})` : "dry run: nothing written");
          }
        } else {
          const r = await runFiltersRefresh(req);
          if (f.json) io.out(JSON.stringify({ file: r.file, out: r.outPath ?? null }, null, 2));
          else {
            io.out(`filters from ${String(r.file.meta["source"])}: ${r.symbols.join(", ")}`);
            for (const i of r.instruments ?? []) io.out(`  ${i.symbol.padEnd(12)} tick ${i.tickSize}  step ${i.stepSize}  minQty ${i.minQty}  minNotional ${i.minNotional}`);
            io.out(r.outPath ? `written: ${r.outPath} (${r.file.symbols.length} symbols, built_at ${String(r.file.meta["built_at"])})` : "dry run: nothing written");
          }
        }
        return 0;
      } catch (e) {
        if (e instanceof UsageError) {
          io.err(`error: ${e.message}\nRun \`${spec.command} --help\` for usage.`);
          return 2;
        }
        if (!isTradelabError(e)) throw e;
        io.err(`error: ${e.message} [${e.code}]`);
        return 1;
      }
    },
    io,
  );
}

runIfEntry(/calibrate-fees\.ts$/, (argv, io) => referenceMain("fees", argv, io));
