import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../lib/cli/args";
import { checkConfigFiles, configCheckCommand } from "../../lib/cli/config-check";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) }, out, err };
}

function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "tradelab-cc-"));
  for (const [n, t] of Object.entries(files)) writeFileSync(join(dir, n), t);
  return dir;
}

const shipped = ["configs/config_train.yaml", "configs/config_live.yaml", "configs/risk.yaml", "configs/examples/example_live_stocks.yaml"];

describe("config:check", () => {
  it("prints ok for each valid file and returns 0", () => {
    const c = capture();
    expect(checkConfigFiles(shipped, false, c.io, {})).toBe(0);
    for (const f of shipped) expect(c.out.some((l) => l.startsWith(`ok ${f} (`))).toBe(true);
    expect(c.out.at(-1)).toBe(`config:check: ${shipped.length} ok, 0 failed`);
  });

  it("prints each problem with file, line and key path and returns 1 when any file is invalid", () => {
    const dir = tempFiles({
      "bad.yaml": "kind: risk\nrisk:\n  maxPositionQty: many\n  maxOrdersPerMinut: 3\n",
      "cycle-a.yaml": "imports: [cycle-b.yaml]\nkind: risk\n",
      "cycle-b.yaml": "imports: [cycle-a.yaml]\n",
    });
    const c = capture();
    const files = ["configs/risk.yaml", join(dir, "bad.yaml"), join(dir, "cycle-a.yaml")];
    expect(checkConfigFiles(files, false, c.io, {})).toBe(1);
    const text = c.out.join("\n");
    expect(text).toContain("ok configs/risk.yaml");
    expect(text).toContain(`FAIL ${join(dir, "bad.yaml")}`);
    expect(text).toMatch(/bad\.yaml:3: risk\.maxPositionQty: expected a number, got string "many"/);
    expect(text).toMatch(/bad\.yaml:4: risk\.maxOrdersPerMinut: unknown key \(did you mean "maxOrdersPerMinute"\?\)/);
    expect(text).toMatch(/import cycle: .*cycle-a\.yaml -> .*cycle-b\.yaml -> .*cycle-a\.yaml \[CONFIG_IMPORT_CYCLE\]/);
    expect(c.out.at(-1)).toBe("config:check: 1 ok, 2 failed");
  });

  it("--print shows the resolved config with secrets masked", async () => {
    const dir = tempFiles({ "ex.yaml": 'kind: exchange\nexchange:\n  venue: binance\n  symbols: [BTCUSDT]\n  apiKey: "${CC_TEST_KEY:-}"\n' });
    const env = { CC_TEST_KEY: "do-not-print-me" };
    const c = capture();
    const code = await runCommand(configCheckCommand, [join(dir, "ex.yaml"), "--print"], (a, io) => checkConfigFiles(a.positionals, a.flags.print, io, env), c.io);
    expect(code).toBe(0);
    const text = c.out.join("\n");
    expect(text).toContain('apiKey: "***"');
    expect(text).toContain("timeframe: 1m");
    expect(text).not.toContain("do-not-print-me");
  });

  it("needs at least one file (usage error, exit 2)", async () => {
    const c = capture();
    expect(await runCommand(configCheckCommand, [], () => 0, c.io)).toBe(2);
    expect(c.err.join("\n")).toMatch(/missing files.*\n.*--help/);
  });

  it("runs as `npm run config:check` with exit 0 for the shipped files and 1 for a bad one", () => {
    const dir = tempFiles({ "bad.yaml": "kind: fees\nexecution:\n  fees:\n    takerBps: ten\n" });
    const tsx = join("node_modules", ".bin", "tsx");
    const good = spawnSync(tsx, ["lib/cli/config-check.ts", "configs/fees.yaml", "configs/exchange.yaml"], { encoding: "utf8" });
    expect(good.status).toBe(0);
    expect(good.stdout).toContain("ok configs/fees.yaml (fees)");
    const bad = spawnSync(tsx, ["lib/cli/config-check.ts", join(dir, "bad.yaml")], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/bad\.yaml:4: execution\.fees\.takerBps: expected a number, got string "ten"/);
    const help = spawnSync(tsx, ["lib/cli/config-check.ts", "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: npm run config:check -- <files...> [options]");
  });
});
