import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { killSwitchMain } from "../../lib/cli/kill-switch";
import { KillSwitch } from "../../lib/risk/kill-switch";
import { JsonStateStore } from "../../lib/infra/state-store";

function setup() {
  const dir = mkdtempSync(join(tmpdir(), "ks-"));
  const cfg = join(dir, "live.yaml");
  writeFileSync(cfg, `kind: live\nexchange:\n  venue: replay\n  symbols: [BTCUSDT]\nrisk:\n  killSwitch:\n    flagFile: ${dir}/kill.flag\n    stateFile: ${dir}/ks_state.json\n`);
  const lines: string[] = [];
  const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
  return { dir, cfg, lines, io };
}

describe("npm run kill-switch", () => {
  it("trips with a flag file and persisted state, reports it, and resets both", async () => {
    const { dir, cfg, lines, io } = setup();
    expect(await killSwitchMain("status", cfg, "", io)).toBe(0);
    expect(lines[0]).toBe("kill switch: armed (not tripped)");
    expect(await killSwitchMain("trip", cfg, "exchange incident", io, () => 1_700_000_000_000)).toBe(0);
    expect(existsSync(join(dir, "kill.flag"))).toBe(true);
    // a runner starting now sees the trip through the same state file
    const ks = new KillSwitch({ limits: {} }, new JsonStateStore(dir), "ks_state");
    expect(await ks.load()).toMatchObject({ tripped: true, reason: "exchange incident", source: "cli", trippedAt: 1_700_000_000_000 });
    lines.length = 0;
    expect(await killSwitchMain("status", cfg, "", io)).toBe(3);
    expect(lines.join("\n")).toContain("reason: exchange incident");
    expect(await killSwitchMain("reset", cfg, "", io)).toBe(0);
    expect(existsSync(join(dir, "kill.flag"))).toBe(false);
    expect((await new KillSwitch({ limits: {} }, new JsonStateStore(dir), "ks_state").load()).tripped).toBe(false);
  });

  it("rejects an unknown action", async () => {
    const { cfg, io } = setup();
    await expect(killSwitchMain("explode", cfg, "", io)).rejects.toThrow(/status, trip or reset/);
  });
});
