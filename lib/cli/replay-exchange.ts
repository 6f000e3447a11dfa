import { REPLAY_CREDENTIALS, startReplayExchange } from "../venues/replay/index";
import { createLogger } from "../infra/logger";
import { silentLogger } from "../infra/http/logger";
import { type CliIo, defineCommand, type FlagValues, runCommand, UsageError } from "./args";

export const replayExchangeCommand = defineCommand({
  command: "npm run replay --",
  summary: "Run the local replay exchange (Binance spot protocol on 127.0.0.1) over the bars in data/, filling orders with the simulator.",
  flags: {
    symbols: { type: "string", description: "symbols to replay", multiple: true, default: "BTCUSDT", valueName: "symbol" },
    timeframe: { type: "string", description: "bar length", choices: ["1m", "5m", "15m", "1h", "4h", "1d"], default: "1m" },
    from: { type: "string", description: "first bar (ISO date/time or epoch ms)", required: true, valueName: "time" },
    to: { type: "string", description: "end, exclusive (ISO date/time or epoch ms)", required: true, valueName: "time" },
    speed: { type: "number", description: "market time per wall time (1 = real time)", default: 1000, min: 1 },
    port: { type: "integer", description: "port on 127.0.0.1 (0 = any free port)", default: 0, min: 0 },
    seed: { type: "integer", description: "simulation seed", default: 0 },
    warmupBars: { type: "integer", description: "history served before --from", default: 1000, min: 0 },
    settleMs: { type: "number", description: "wall ms to wait for client requests after each bar", default: 5, min: 0 },
    start: { type: "string", description: "when pacing starts", choices: ["on-subscribe", "now"], default: "on-subscribe" },
    verbose: { type: "boolean", description: "log exchange activity to stderr" },
  },
  examples: ["npm run replay -- --from 2025-06-01 --to 2025-06-02 --speed 10000", "npm run replay -- --symbols BTCUSDT,ETHUSDT --from 2025-06-01 --to 2025-06-01T06:00 --port 8088"],
  notes: [
    "Point the Binance adapter at the printed URLs (venue \"replay\" with restBaseUrl/wsBaseUrl), or run",
    "`npm run venue:smoke -- --venue replay --rest-url <rest> --ws-url <ws>`. Credentials: the printed",
    "replay key pair (the defaults of the replay venue). Ctrl-C stops. Exit 0 after the last bar or on Ctrl-C.",
  ],
});

export async function replayExchangeMain(f: FlagValues<typeof replayExchangeCommand.flags>, io: CliIo): Promise<number> {
  const symbols = f.symbols.flatMap((s) => s.split(",")).filter(Boolean);
  if (symbols.length === 0) throw new UsageError("--symbols needs at least one symbol");
  const logger = f.verbose ? createLogger({ level: "info", stream: process.stderr, name: "replay" }) : silentLogger;
  const ex = await startReplayExchange({
    symbols,
    timeframe: f.timeframe,
    from: f.from,
    to: f.to,
    speed: f.speed,
    port: f.port,
    seed: f.seed,
    warmupBars: f.warmupBars,
    settleMs: f.settleMs,
    autoStart: f.start === "now" ? true : "on-subscribe",
    logger,
  });
  io.out(`replay exchange on ${ex.baseUrl}`);
  io.out(`  rest ${ex.adapterConfig.restBaseUrl}   streams ${ex.adapterConfig.wsBaseUrl}   WebSocket API ${ex.wsApiUrl}`);
  io.out(`  apiKey ${ex.adapterConfig.apiKey}   apiSecret ${ex.adapterConfig.apiSecret}   (local replay HMAC credentials)`);
  io.out(`  Ed25519 apiKey ${REPLAY_CREDENTIALS.ed25519.apiKey}, RSA apiKey ${REPLAY_CREDENTIALS.rsa.apiKey} (private keys: REPLAY_CREDENTIALS in lib/venues/replay/config.ts)`);
  io.out(`  ${symbols.join(",")} ${ex.timeframe} ${new Date(ex.from).toISOString()} -> ${new Date(ex.to).toISOString()}, ${ex.progress().total} bars, speed ${String(f.speed)}x`);
  const timer = setInterval(() => {
    const p = ex.progress();
    if (p.processed > 0) io.err(`  bar ${p.processed}/${p.total} at ${new Date(p.simNow).toISOString()}  orders ${p.orders}  fills ${p.trades}`);
  }, 5000);
  const stop = new Promise<"signal">((resolve) => {
    process.once("SIGINT", () => resolve("signal"));
    process.once("SIGTERM", () => resolve("signal"));
  });
  const how = await Promise.race([ex.done.then(() => "done" as const), stop]);
  clearInterval(timer);
  const p = ex.progress();
  await ex.close();
  io.out(`replay ${how === "done" ? "finished" : "stopped"}: ${p.processed}/${p.total} bars, ${p.orders} orders, ${p.trades} fills, exchange time ${new Date(p.simNow).toISOString()}`);
  return 0;
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(replayExchangeCommand, argv, (a, io) => replayExchangeMain(a.flags, io));
}

if (/replay-exchange\.ts$/.test(process.argv[1] ?? "")) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    },
  );
}
