import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname } from "node:path";
import { loadLiveConfig } from "../config/kinds";
import { KillSwitch } from "../risk/kill-switch";
import { JsonStateStore } from "../infra/state-store";
import { writeFileAtomic } from "../infra/fs-atomic";
import { type CliIo, defineCommand, runCommand, UsageError, runIfEntry } from "./args";

export const killSwitchCommand = defineCommand({
  command: "npm run kill-switch --",
  summary: "Inspect or operate the live runner's kill switch (shared with a running runner through state/).",
  positionals: { name: "action", description: "status | trip | reset", min: 1, max: 1 },
  flags: {
    config: { type: "string", description: "live config naming the flag and state files", default: "configs/config_live.yaml", valueName: "file" },
    reason: { type: "string", description: "why (recorded with a trip)", default: "tripped from the command line" },
  },
  examples: ["npm run kill-switch -- status", "npm run kill-switch -- trip --reason 'exchange incident'", "npm run kill-switch -- reset"],
  notes: [
    "trip: writes the flag file and the tripped state; a running runner halts within one poll interval, cancels",
    "open orders (and flattens when risk.killSwitch.flattenOnTrip), and stays halted across restarts.",
    "reset: removes the flag file and clears the tripped state and counters.",
    "Exit codes: status 0 = not tripped, 3 = tripped; trip/reset 0; 1 on error; 2 usage error.",
  ],
});

export async function killSwitchMain(action: string, configFile: string, reason: string, io: CliIo, now: () => number = Date.now): Promise<number> {
  const cfg = loadLiveConfig(configFile);
  const { flagFile, stateFile } = cfg.risk.killSwitch;
  const ks = new KillSwitch({ limits: {} }, new JsonStateStore(dirname(stateFile)), basename(stateFile).replace(/\.json$/, ""));
  await ks.load();
  switch (action) {
    case "status": {
      const s = ks.state;
      const flag = existsSync(flagFile);
      const tripped = s.tripped || flag;
      io.out(`kill switch: ${tripped ? "TRIPPED" : "armed (not tripped)"}`);
      if (s.tripped) io.out(`  reason: ${s.reason}\n  source: ${s.source}\n  at:     ${new Date(s.trippedAt).toISOString()}`);
      io.out(`  flag file ${flagFile}: ${flag ? `present (${readFileSync(flagFile, "utf8").trim() || "empty"})` : "absent"}`);
      io.out(`  state file ${stateFile}: ${existsSync(stateFile) ? "present" : "absent"}`);
      const counters = Object.entries(s.counters).map(([k, v]) => `${k}=${v}`).join(" ");
      io.out(`  counters: ${counters}`);
      return tripped ? 3 : 0;
    }
    case "trip": {
      writeFileAtomic(flagFile, `${new Date(now()).toISOString()} ${reason}\n`);
      await ks.trip(reason, "cli", now());
      io.out(`kill switch TRIPPED: ${ks.state.reason} (flag ${flagFile}, state ${stateFile})`);
      return 0;
    }
    case "reset": {
      rmSync(flagFile, { force: true });
      await ks.reset();
      io.out(`kill switch reset: flag ${flagFile} removed, state cleared`);
      return 0;
    }
    default:
      throw new UsageError(`unknown action "${action}"; expected status, trip or reset`);
  }
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(killSwitchCommand, argv, (a, io) => killSwitchMain(a.positionals[0]!, a.flags.config, a.flags.reason, io));
}

runIfEntry(/kill-switch\.ts$/, (argv) => main(argv));
