import { stringify } from "yaml";
import { formatIssue, type ConfigIssue } from "../config/issues";
import { loadAnyConfig } from "../config/kinds";
import { maskSecrets } from "../config/mask";
import { isTradelabError } from "../core/errors";
import { type CliIo, defineCommand, runCommand, runIfEntry } from "./args";

export const configCheckCommand = defineCommand({
  command: "npm run config:check --",
  summary: "Validate tradelab YAML configs: imports, ${ENV} interpolation and the strict schema of each file's kind.",
  positionals: { name: "files", description: "YAML config files (config_train.yaml, risk.yaml, ...)", min: 1 },
  flags: {
    print: { type: "boolean", description: "print each valid file's resolved config (imports merged, defaults filled, secrets masked)" },
  },
  examples: ["npm run config:check -- configs/*.yaml configs/examples/*.yaml", "npm run config:check -- configs/config_live.yaml --print"],
  notes: ["Prints `ok <file> (<kind>)` per valid file; for an invalid file, FAIL and one line per problem:", "  <file>:<line>: <key path>: <what was expected, what was found>", "Exit codes: 0 all valid, 1 at least one invalid file, 2 usage error."],
});

/** Checks each file; returns the exit code. */
export function checkConfigFiles(files: readonly string[], print: boolean, io: CliIo, env?: Record<string, string | undefined>): number {
  let failed = 0;
  for (const file of files) {
    try {
      const { kind, config, resolved } = loadAnyConfig(file, { env });
      const imported = resolved.files.length - 1;
      io.out(`ok ${file} (${kind}${imported > 0 ? `, ${imported} import${imported === 1 ? "" : "s"}` : ""})`);
      if (print) io.out(indent(stringify(maskSecrets(config), { lineWidth: 0 })));
    } catch (e) {
      failed += 1;
      io.out(`FAIL ${file}`);
      for (const line of describeError(e)) io.out(`  ${line}`);
    }
  }
  if (files.length > 1) io.out(`config:check: ${files.length - failed} ok, ${failed} failed`);
  return failed > 0 ? 1 : 0;
}

function describeError(e: unknown): string[] {
  if (isTradelabError(e)) {
    const issues = e.details.issues as ConfigIssue[] | undefined;
    if (issues && issues.length > 0) return issues.map(formatIssue);
    return [`${e.message} [${e.code}]`];
  }
  throw e; // not a config problem: a bug, let it surface with its stack
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(configCheckCommand, argv, (args, io) => checkConfigFiles(args.positionals, args.flags.print, io));
}

runIfEntry(/config-check\.ts$/, (argv) => main(argv));
