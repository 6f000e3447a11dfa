import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backtestMain } from "../../lib/cli/backtest";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
};

describe("npm run backtest", () => {
  it("prints the metrics table next to buy-and-hold and writes an offline HTML report", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bt-"));
    const c = capture();
    const report = join(dir, "r.html");
    expect(await backtestMain(["--strategy", "sma-cross", "--symbol", "BTCUSDT", "--timeframe", "1h", "--from", "2025-06-01", "--to", "2025-08-01", "--report", report], c.io, false)).toBe(0);
    const text = c.out.join("\n");
    expect(text).toMatch(/sma-cross on BTCUSDT: 1,464 bars, 2025-06-01T00:00 to 2025-08-01T00:00 UTC/);
    expect(text).toMatch(/metric\s+sma-cross\s+buy & hold/);
    expect(text).toMatch(/Sharpe/);
    expect(text).toContain(`report: ${report}`);
    const html = readFileSync(report, "utf8");
    expect(html).toContain("Equity vs buy &amp; hold");
    expect(html.match(/Plotly\.newPlot/g)!.length).toBeGreaterThanOrEqual(7);
  });

  it("prints JSON with --json", async () => {
    const c = capture();
    expect(await backtestMain(["--strategy", "buy-and-hold", "--symbol", "ETHUSDT", "--timeframe", "1d", "--json"], c.io, false)).toBe(0);
    const j = JSON.parse(c.out.join("\n")) as { label: string; metrics: { trades: number }; benchmark: unknown };
    expect(j.label).toBe("buy-and-hold");
    expect(j.metrics.trades).toBe(1);
  });

  it("fails with a clear message for a symbol without data, and with exit 2 for a bad flag", async () => {
    const c = capture();
    expect(await backtestMain(["--symbol", "DOGEUSDT", "--from", "2025-06-01", "--to", "2025-06-02"], c.io, false)).toBe(1);
    expect(c.err.join("\n")).toMatch(/DOGEUSDT/);
    const d = capture();
    expect(await backtestMain(["--strategy", "magic"], d.io, false)).toBe(2);
    expect(d.err.join("\n")).toMatch(/--strategy must be one of buy-and-hold, sma-cross, momentum, mean-reversion/);
    expect(existsSync("reports/none.html")).toBe(false);
  });
});
