import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCommand, type CliIo } from "../../lib/cli/args";
import { formatCsv, formatJson, formatTable, queryCommand, runQuery } from "../../lib/cli/query";
import type { QueryResult } from "../../lib/infra/data/types";

function capture(): CliIo & { out: (s: string) => void; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

const flags = { format: "table", maxRows: 200, dataDir: "data", memory: false };

describe("npm run query", () => {
  it("lists BTCUSDT and ETHUSDT 1m bars with their real counts (spot 2025 + the 2022 data.binance.vision days)", async () => {
    const io = capture();
    const code = await runQuery("SELECT symbol, count(*) AS n FROM bars WHERE timeframe='1m' GROUP BY ALL ORDER BY ALL", flags, io);
    expect(code).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/BTCUSDT\s+133588\n/);
    expect(io.stdout.join("\n")).toMatch(/ETHUSDT\s+133588\n/);
    expect(io.stdout[io.stdout.length - 1]).toBe("(4 rows)");
  });

  it("prints csv and json with ISO timestamps", async () => {
    const sql = "SELECT ts, close FROM bars WHERE venue = 'binance' AND symbol = 'BTCUSDT' ORDER BY ts LIMIT 2";
    const csv = capture();
    expect(await runQuery(sql, { ...flags, format: "csv" }, csv)).toBe(0);
    expect(csv.stdout).toEqual(["ts,close", "2025-05-20 00:00:00,105554.32", "2025-05-20 00:01:00,105604.68"]);
    const json = capture();
    expect(await runQuery(sql, { ...flags, format: "json" }, json)).toBe(0);
    expect(JSON.parse(json.stdout.join("\n"))).toEqual([
      { ts: "2025-05-20 00:00:00", close: 105554.32 },
      { ts: "2025-05-20 00:01:00", close: 105604.68 },
    ]);
  });

  it("prints DuckDB's message and returns 1 for a bad query", async () => {
    const io = capture();
    expect(await runQuery("SELECT * FROM no_such_view", flags, io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/^query failed: Catalog Error: Table with name no_such_view does not exist/);
  });

  it("has --help and rejects an unknown format as a usage error", async () => {
    const help = capture();
    expect(await runCommand(queryCommand, ["--help"], () => 0, help)).toBe(0);
    expect(help.stdout.join("\n")).toMatch(/--format/);
    const bad = capture();
    expect(await runCommand(queryCommand, ["SELECT 1", "--format", "xml"], () => 0, bad)).toBe(2);
  });

  it("formats tables with right-aligned numbers, NULL and a truncation note; CSV quotes when needed", () => {
    const r: QueryResult = {
      columns: [
        { name: "s", type: "VARCHAR" },
        { name: "n", type: "BIGINT" },
        { name: "d", type: "DATE" },
      ],
      rows: [
        { s: "a,b", n: 5, d: Date.parse("2025-01-02T00:00:00Z") },
        { s: 'q"x', n: 12345, d: null },
        { s: "z", n: 1, d: null },
      ],
    };
    expect(formatTable(r, 2)).toEqual(["s        n  d", "---  -----  ----------", "a,b      5  2025-01-02", 'q"x  12345  NULL', "(3 rows, 1 not shown: use --max-rows or --format csv)"]);
    expect(formatCsv(r)).toEqual(["s,n,d", '"a,b",5,2025-01-02', '"q""x",12345,', "z,1,"]);
    expect(JSON.parse(formatJson(r))[0]).toEqual({ s: "a,b", n: 5, d: "2025-01-02" });
  });

  it("exits 0 from the real command line and 1 on a bad query", () => {
    const run = (sql: string) => spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "lib/cli/query.ts", sql], { encoding: "utf8", env: { ...process.env, TRADELAB_DATA_DIR: "data" } });
    const ok = run("SELECT symbol, count(*) FROM bars WHERE timeframe='1m' GROUP BY ALL ORDER BY 1");
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/BTCUSDT\s+133588/);
    const bad = run("SELEC 1");
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/Parser Error: syntax error at or near "SELEC"/);
  });
});
