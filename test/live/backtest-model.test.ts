import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backtestMain } from "../../lib/cli/backtest";
import { fixtureDir } from "./harness";

let root = "";
let model = "";
beforeAll(async () => {
  ({ root, model } = await fixtureDir("btmodel", { seed: 2 }));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("npm run backtest -- --model", () => {
  it("backtests a checkpoint through the simulator next to buy-and-hold, reproducibly", async () => {
    const run = async () => {
      const out: string[] = [];
      const code = await backtestMain(["--model", model, "--symbol", "BTCUSDT", "--from", "2025-08-16", "--to", "2025-08-17", "--json"], { out: (s) => out.push(s), err: (s) => out.push(s) }, false);
      expect(code, out.join("\n")).toBe(0);
      return JSON.parse(out.filter((l) => l.startsWith("{")).join("\n")) as { label: string; fillsDigest: string; bars: number; benchmark: unknown };
    };
    const a = await run();
    expect(a.label).toBe(`checkpoint ${model}`);
    expect(a.bars).toBe(1440);
    expect(Number(a.fillsDigest.split(":")[0])).toBeGreaterThan(100);
    expect(a.benchmark).toBeDefined();
    expect((await run()).fillsDigest).toBe(a.fillsDigest);
  });
});
