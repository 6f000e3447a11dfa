import { describe, expect, expectTypeOf, it } from "vitest";
import { defineCommand, formatHelp, parseArgs, runCommand, UsageError } from "../../lib/cli/args";

const cmd = defineCommand({
  command: "npm run demo --",
  summary: "Demo command.",
  positionals: { name: "files", description: "input files", min: 1 },
  flags: {
    dryRun: { type: "boolean", description: "send nothing" },
    maxBars: { type: "integer", description: "stop after N bars", min: 1 },
    speed: { type: "number", description: "replay speed", default: 1 },
    format: { type: "string", choices: ["table", "csv", "json"], default: "table", description: "output format" },
    symbol: { type: "string", short: "s", multiple: true, description: "symbol" },
    model: { type: "string", description: "checkpoint", valueName: "dir" },
  },
  examples: ["npm run demo -- a.yaml --dry-run"],
});

describe("parseArgs", () => {
  it("parses typed flags in every accepted spelling and keeps repeated positionals", () => {
    const a = parseArgs(cmd, ["a.yaml", "--dry-run", "--max-bars", "10", "--speed=2.5", "-s", "BTCUSDT", "--symbol=ETHUSDT,SOLUSDT", "b.yaml", "--format", "json"]);
    expect(a.positionals).toEqual(["a.yaml", "b.yaml"]);
    expect(a.flags).toEqual({ dryRun: true, maxBars: 10, speed: 2.5, format: "json", symbol: ["BTCUSDT", "ETHUSDT", "SOLUSDT"], model: undefined });
  });

  it("fills defaults: false for switches, [] for repeatable flags", () => {
    expect(parseArgs(cmd, ["x"]).flags).toEqual({ dryRun: false, maxBars: undefined, speed: 1, format: "table", symbol: [], model: undefined });
  });

  it("gives flags their declared types", () => {
    const f = parseArgs(cmd, ["x"]).flags;
    expectTypeOf(f.dryRun).toEqualTypeOf<boolean>();
    expectTypeOf(f.maxBars).toEqualTypeOf<number | undefined>();
    expectTypeOf(f.speed).toEqualTypeOf<number>();
    expectTypeOf(f.format).toEqualTypeOf<"table" | "csv" | "json">();
    expectTypeOf(f.symbol).toEqualTypeOf<string[]>();
    expectTypeOf(f.model).toEqualTypeOf<string | undefined>();
  });

  it("understands --no-<switch> and treats everything after -- as positional", () => {
    const a = parseArgs(cmd, ["--dry-run", "--no-dry-run", "--", "--not-a-flag", "-s"]);
    expect(a.flags.dryRun).toBe(false);
    expect(a.positionals).toEqual(["--not-a-flag", "-s"]);
  });

  it("accepts negative numbers as values", () => {
    expect(parseArgs(cmd, ["x", "--speed", "-3"]).flags.speed).toBe(-3);
  });

  it.each([
    [["x", "--dry-rn"], /unknown option --dry-rn \(did you mean --dry-run\?\)/],
    [["x", "--zzz"], /^unknown option --zzz$/],
    [["x", "--max-bars"], /--max-bars needs a value/],
    [["x", "--max-bars", "1.5"], /--max-bars expects a whole number, got "1.5"/],
    [["x", "--max-bars", "0"], /--max-bars must be at least 1/],
    [["x", "--speed", "fast"], /--speed expects a number, got "fast"/],
    [["x", "--format", "xml"], /--format must be one of table, csv, json; got "xml"/],
    [["x", "--model", "a", "--model", "b"], /--model given more than once/],
    [["x", "--dry-run=maybe"], /--dry-run is a switch/],
    [[], /missing files: expected at least 1/],
  ])("rejects %j with a clear message", (argv, msg) => {
    expect(() => parseArgs(cmd, argv)).toThrow(UsageError);
    expect(() => parseArgs(cmd, argv)).toThrow(msg);
  });

  it("rejects positionals for a command that takes none", () => {
    const none = defineCommand({ command: "npm run x --", summary: "x", flags: {} });
    expect(() => parseArgs(none, ["stray"])).toThrow(/unexpected argument "stray"/);
  });

  it("reports help without validating the rest of the line", () => {
    expect(parseArgs(cmd, ["--zzz", "--help"]).help).toBe(true);
    expect(parseArgs(cmd, ["-h"]).help).toBe(true);
    expect(parseArgs(cmd, ["x"]).help).toBe(false);
    expect(parseArgs(cmd, ["x", "--", "--help"]).positionals).toEqual(["x", "--help"]);
  });
});

describe("help and runCommand", () => {
  it("generates help from the spec", () => {
    const h = formatHelp(cmd);
    expect(h).toContain("Usage: npm run demo -- <files...> [options]");
    expect(h).toMatch(/--max-bars <max-bars>\s+stop after N bars/);
    expect(h).toMatch(/-s, --symbol <symbol>\s+symbol \(repeatable\)/);
    expect(h).toMatch(/--format <table\|csv\|json>\s+output format \(default table\)/);
    expect(h).toMatch(/--model <dir>/);
    expect(h).toContain("-h, --help");
    expect(h).toContain("npm run demo -- a.yaml --dry-run");
  });

  it("prints help and returns 0 for --help, without running main", async () => {
    const out: string[] = [];
    let ran = false;
    const code = await runCommand(cmd, ["--help"], () => ((ran = true), 0), { out: (s) => out.push(s), err: () => undefined });
    expect([code, ran]).toEqual([0, false]);
    expect(out[0]).toContain("Demo command.");
  });

  it("prints a usage error with a pointer to --help and returns 2", async () => {
    const err: string[] = [];
    const code = await runCommand(cmd, ["x", "--bogus"], () => 0, { out: () => undefined, err: (s) => err.push(s) });
    expect(code).toBe(2);
    expect(err[0]).toBe("error: unknown option --bogus\nRun `npm run demo -- --help` for usage.");
  });

  it("returns main's exit code", async () => {
    expect(await runCommand(cmd, ["x"], (a) => (a.flags.dryRun ? 0 : 7), { out: () => undefined, err: () => undefined })).toBe(7);
  });
});
