import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../../lib/cli/args";
import { doctorCommand } from "../../lib/cli/doctor";
import {
  checkBarFiles,
  checkDiskSpace,
  checkJupyter,
  checkNodeVersion,
  checkReferenceFile,
  checkStateWritable,
  checkTfBackend,
  checkTslabKernel,
  formatDoctorTable,
  parquetProblem,
  REFERENCE_FILES,
  runDoctor,
} from "../../lib/infra/doctor";

/** A structurally sound parquet container: magic, payload, footer length, magic. */
function parquetBytes(payload = 64, footer = 16): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32LE(footer);
  return Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(payload, 7), len, Buffer.from("PAR1")]);
}

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), "tradelab-doctor-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), content);
  }
  return root;
}

const season = JSON.stringify({ meta: {}, multipliers: Array.from({ length: 168 }, () => 1) });
const goodData = (): Record<string, string | Buffer> => ({
  "data/bars/venue=binance/symbol=BTCUSDT/timeframe=1m/a.parquet": parquetBytes(),
  "data/bars/venue=us/symbol=SPY/timeframe=5m/b.parquet": parquetBytes(),
  "data/binance_filters.json": '{"symbols":{}}',
  "data/fees/fees_by_symbol.json": '{"default":{"makerBps":10,"takerBps":10}}',
  "data/universe/symbols.json": "[]",
  "data/universe/alpaca_symbols.json": "[]",
  "data/latency/liquidity_latency_seasonality.json": season,
});

describe("doctor checks", () => {
  it("node: passes at or above the minimum and fails below it", () => {
    expect(checkNodeVersion("20.19.0").status).toBe("ok");
    expect(checkNodeVersion("v22.1.3").status).toBe("ok");
    const old = checkNodeVersion("20.18.9");
    expect([old.status, old.critical]).toEqual(["fail", true]);
    expect(old.detail).toMatch(/older than 20\.19\.0/);
  });

  it("parquet: accepts a sound file and names what is wrong with a broken one", () => {
    const root = tree({
      "ok.parquet": parquetBytes(),
      "short.parquet": "PAR1",
      "csv.parquet": "ts,open\n1,2\n3,4\n",
      "lfs.parquet": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12345\n",
      "footer.parquet": parquetBytes(8, 4000),
    });
    expect(parquetProblem(join(root, "ok.parquet"))).toBeNull();
    expect(parquetProblem(join(root, "short.parquet"))).toMatch(/truncated/);
    expect(parquetProblem(join(root, "csv.parquet"))).toMatch(/not a parquet file/);
    expect(parquetProblem(join(root, "lfs.parquet"))).toMatch(/Git LFS pointer/);
    expect(parquetProblem(join(root, "footer.parquet"))).toMatch(/corrupt footer/);
    expect(parquetProblem(join(root, "missing.parquet"))).toBe("ENOENT");
  });

  it("bars: counts files and series, and fails on none or on a corrupt file", () => {
    const root = tree(goodData());
    expect(checkBarFiles(join(root, "data"))).toMatchObject({ status: "ok", detail: expect.stringMatching(/^2 files, 2 series/) });
    expect(checkBarFiles(join(root, "nothing")).status).toBe("fail");
    writeFileSync(join(root, "data/bars/venue=us/symbol=SPY/timeframe=5m/c.parquet"), "garbage!garbage!");
    const bad = checkBarFiles(join(root, "data"));
    expect(bad.status).toBe("fail");
    expect(bad.detail).toMatch(/1 of 3 unreadable: .*c\.parquet: not a parquet file/);
  });

  it("reference files: present and valid JSON; the seasonality file holds 168 multipliers", () => {
    const root = tree({ ...goodData(), "data/universe/symbols.json": "{not json", "data/latency/liquidity_latency_seasonality.json": "[1, 2, 3]" });
    const data = join(root, "data");
    expect(checkReferenceFile(data, "binance_filters.json").status).toBe("ok");
    expect(checkReferenceFile(data, "universe/symbols.json")).toMatchObject({ status: "fail", detail: expect.stringMatching(/invalid JSON/) });
    expect(checkReferenceFile(data, "latency/liquidity_latency_seasonality.json")).toMatchObject({ status: "fail", detail: expect.stringMatching(/168/) });
    expect(checkReferenceFile(join(root, "none"), "fees/fees_by_symbol.json")).toMatchObject({ status: "fail", detail: expect.stringMatching(/missing/) });
  });

  it("jupyter and the tslab kernel are optional: missing means warn", async () => {
    const j = await checkJupyter({ jupyter: "/nonexistent/jupyter", python: "/nonexistent/python3", timeoutMs: 5000 });
    expect([j.status, j.critical]).toEqual(["warn", false]);
    const root = tree({});
    expect(checkTslabKernel(root)).toMatchObject({ status: "warn", critical: false, detail: expect.stringMatching(/kernel:install/) });
    const withKernel = tree({ ".jupyter/share/jupyter/kernels/tslab/kernel.json": JSON.stringify({ argv: ["tslab", "kernel"] }) });
    expect(checkTslabKernel(withKernel).status).toBe("ok");
  });

  it("tfjs: reports the backend that loads", async () => {
    const r = await checkTfBackend();
    expect(r.status).not.toBe("fail");
    expect(r.detail).toMatch(/^(wasm|tensorflow|cpu)/);
  });

  it("disk: compares free space with the minimum", async () => {
    expect((await checkDiskSpace(".", 0)).status).toBe("ok");
    expect((await checkDiskSpace(".", Number.MAX_SAFE_INTEGER)).status).toBe("fail");
    expect((await checkDiskSpace("/nonexistent/path")).status).toBe("fail");
  });

  it("state: creates the folder and proves it takes writes; fails when it cannot", () => {
    const root = tree({ "a-file": "x" });
    expect(checkStateWritable(join(root, "state", "nested")).status).toBe("ok");
    const r = checkStateWritable(join(root, "a-file", "state"));
    expect(r).toMatchObject({ status: "fail", critical: true });
  });
});

describe("runDoctor and the table", () => {
  const quiet = { jupyter: { jupyter: "/nonexistent/jupyter", python: "/nonexistent/python3", timeoutMs: 5000 } };

  it("is ready when only optional checks warn, and prints one row per check", async () => {
    const root = tree(goodData());
    const report = await runDoctor({ root, ...quiet, minFreeBytes: 0 });
    expect(report.ok).toBe(true);
    expect(report.results.map((r) => r.name)).toEqual([
      "node",
      `${join(root, "data")}/bars/**.parquet`,
      ...REFERENCE_FILES.map((f) => join(root, "data", f)),
      "jupyter",
      "tslab kernel",
      "tfjs backend",
      "disk space",
      `${join(root, "state")}/ writable`,
    ]);
    const table = formatDoctorTable(report);
    const lines = table.split("\n");
    expect(lines[0]).toMatch(/^check\s+status\s+detail$/);
    expect(lines.find((l) => l.startsWith("jupyter"))).toMatch(/^jupyter\s+warn\s+not installed/);
    expect(lines.at(-1)).toMatch(/^doctor: \d+ ok, 2 warn, 0 failed; ready$/);
    // status column starts at the same offset on every row
    const col = lines[0]!.indexOf("status");
    for (const l of lines.slice(2, -2)) expect(l.slice(col).split(/\s+/)[0]).toMatch(/^(ok|warn|FAIL)/);
  });

  it("is not ready when a critical check fails, and says which", async () => {
    const root = tree({});
    const report = await runDoctor({ root, ...quiet, skip: ["tf"], minFreeBytes: 0 });
    expect(report.ok).toBe(false);
    const table = formatDoctorTable(report);
    expect(table).toMatch(/bars\/\*\*\.parquet\s+FAIL\s+cannot list/);
    expect(table).toMatch(/NOT ready/);
  });

  it("`npm run doctor` prints the table and exits 0 when ready, 1 when not", () => {
    const tsx = join("node_modules", ".bin", "tsx");
    const r = spawnSync(tsx, ["lib/cli/doctor.ts", "--skip", "jupyter", "--skip", "tf", "--json"], { encoding: "utf8" });
    const report = JSON.parse(r.stdout) as { ok: boolean; results: { name: string }[] };
    expect(r.status).toBe(report.ok ? 0 : 1);
    expect(report.results.map((x) => x.name)).not.toContain("jupyter");
  });

  it("rejects an unknown check name as a usage error", async () => {
    const err: string[] = [];
    const code = await runCommand(doctorCommand, ["--skip", "nope"], () => 0, { out: () => undefined, err: (s) => err.push(s) });
    expect(code).toBe(2);
    expect(err[0]).toMatch(/--skip must be one of node, data, jupyter, kernel, tf, disk, state; got "nope"/);
  });
});
