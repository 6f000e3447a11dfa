import { EXIT, LiveApp, type LiveRequest } from "../app/build-live";
import type { LiveSummary } from "../app/live-summary";
import { type CliIo, defineCommand, runCommand } from "./args";

export const liveCommand = defineCommand({
  command: "npm run live --",
  summary: "Run a trained checkpoint live: closed bars -> features -> policy -> risk guard -> orders, with state, journal, health and a clean shutdown.",
  flags: {
    model: { type: "string", description: "checkpoint directory (default live.modelPath of the config)", valueName: "dir" },
    config: { type: "string", description: "live config", default: "configs/config_live.yaml", valueName: "file" },
    venue: { type: "string", description: "replay | binance | binance-testnet | alpaca-paper | alpaca (default exchange.venue of the config)", choices: ["replay", "binance", "binance-testnet", "alpaca-paper", "alpaca"], valueName: "venue" },
    symbols: { type: "string", description: "symbols to trade (default exchange.symbols)", multiple: true, valueName: "S" },
    speed: { type: "number", description: "replay speed, x real time (replay venue only)", min: 1 },
    maxBars: { type: "integer", description: "stop cleanly after this many closed bars", min: 1 },
    dryRun: { type: "boolean", description: "decide and journal, send no orders (no execution adapter)" },
    demo: { type: "boolean", description: "the demo of `npm start`: replay venue, checkpoints/demo, a bounded high-speed run" },
    replayUrl: { type: "string", description: "attach to a replay exchange already running at this URL (`npm run replay`; venue replay)", valueName: "url" },
    stateDir: { type: "string", description: "state folder (default live.stateDir)", valueName: "dir" },
    seed: { type: "integer", description: "seed of the replay exchange's simulator", default: 0, min: 0 },
  },
  examples: [
    "npm start                                   # the demo: replay of real BTCUSDT 1m bars with checkpoints/demo",
    "npm run live -- --model checkpoints/demo --venue replay --speed 5000 --max-bars 600",
    "npm run live -- --model checkpoints/x --venue binance-testnet --symbols BTCUSDT --dry-run",
  ],
  notes: [
    "Start-up: config, logging (secrets masked), start-up checks, kill switch state, model (refused when its feature",
    "schema hash differs from this code's pipeline), venue adapters and a connectivity check, state and reconciliation",
    "with the venue (every difference logged), health server, warm-up from REST history, then one decision per closed bar.",
    "Files: <stateDir>/positions.json, ttl_state.json, journal/*.jsonl (npm run query -- \"SELECT * FROM journal\"),",
    "risk.killSwitch.flagFile and stateFile. Against the in-process replay, positions and TTLs live in <stateDir>/replay",
    "and start empty each run. Keys for --venue binance*/alpaca* come from BINANCE_API_KEY/BINANCE_API_SECRET and",
    "APCA_API_KEY_ID/APCA_API_SECRET_KEY unless the config sets them. Health: /healthz, /readyz, /metrics on live.health.",
    "Stop with Ctrl-C (SIGINT) or SIGTERM: open orders are cancelled (bounded wait), positions flattened when",
    "live.shutdown.flattenOnShutdown, state flushed, a summary printed. A second signal exits at once.",
    "Exit codes: 0 clean stop (signal, --max-bars, end of the replay); 1 error (config, start-up check, model refused,",
    "venue unreachable, fatal data error); 2 usage error; 3 kill switch tripped (during the run, or already tripped at",
    "start: reset with `npm run kill-switch -- reset`).",
  ],
});

/** Parses argv into a LiveRequest, runs it, prints the summary; resolves with the exit code. */
export function liveMain(argv: readonly string[], io: CliIo, hooks: { onApp?: (app: LiveApp) => void; onSummary?: (s: LiveSummary) => void } = {}): Promise<number> {
  return runCommand(
    liveCommand,
    argv,
    async (a, out) => {
      const f = a.flags;
      const req: LiveRequest = {
        config: f.config,
        model: f.model,
        venue: f.venue,
        symbols: f.symbols.length > 0 ? f.symbols : undefined,
        speed: f.speed,
        maxBars: f.maxBars,
        dryRun: f.dryRun,
        demo: f.demo,
        replayUrl: f.replayUrl,
        stateDir: f.stateDir,
        seed: f.seed,
        out: out.out,
      };
      if (f.replayUrl !== undefined && f.venue !== undefined && f.venue !== "replay") {
        out.err(`error: --replay-url needs the replay venue (got --venue ${f.venue})\nRun \`${liveCommand.command} --help\` for usage.`);
        return EXIT.usage;
      }
      const app = new LiveApp(req);
      hooks.onApp?.(app);
      const summary = await app.run();
      hooks.onSummary?.(summary);
      return summary.exitCode;
    },
    io,
  );
}
