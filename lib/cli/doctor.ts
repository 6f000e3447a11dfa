import { formatDoctorTable, runDoctor } from "../infra/doctor";
import { defineCommand, runCommand, runIfEntry } from "./args";

export const doctorCommand = defineCommand({
  command: "npm run doctor --",
  summary: "Check that this machine can run tradelab: Node, data files, Jupyter + tslab kernel, tfjs backend, disk, state/.",
  flags: {
    json: { type: "boolean", description: "print the results as JSON instead of a table" },
    skip: { type: "string", multiple: true, valueName: "check", choices: ["node", "data", "jupyter", "kernel", "tf", "disk", "state"], description: "skip a check" },
    minFreeGb: { type: "number", min: 0, default: 1, description: "free disk space required, GB" },
  },
  examples: ["npm run doctor", "npm run doctor -- --skip jupyter --json"],
  notes: ["Statuses: ok; warn (works, degraded or optional: Jupyter, the tslab kernel, the cpu tfjs backend); FAIL.", "Exit codes: 0 no critical check failed, 1 a critical check failed, 2 usage error."],
});

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(doctorCommand, argv, async (args, io) => {
    const report = await runDoctor({ skip: args.flags.skip, minFreeBytes: args.flags.minFreeGb * 1e9 });
    io.out(args.flags.json ? JSON.stringify(report, null, 2) : formatDoctorTable(report));
    return report.ok ? 0 : 1;
  });
}

runIfEntry(/doctor\.ts$/, (argv) => main(argv));
