import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../lib/cli/args";
import { referenceMain } from "../../lib/cli/calibrate-fees";
import { loadFeeTable } from "../../lib/sim/loaders";
import { API_KEY, API_SECRET } from "../venues/binance/harness";
import { BinanceLoopback } from "../venues/binance/loopback-server";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

const CREDS = { BINANCE_API_KEY: API_KEY, BINANCE_API_SECRET: API_SECRET };
let dir: string;
let server: BinanceLoopback;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "calib-fees-"));
  // the adapter signs with the system clock, so the loopback checks timestamps against it too
  server = await new BinanceLoopback({ clock: { now: () => Date.now() }, apiKey: API_KEY, apiSecret: API_SECRET }).start();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run calibrate:fees", () => {
  it("fetches the account's commission rates from a Binance-compatible server and writes them atomically, keeping the other symbols", async () => {
    const out = join(dir, "fees.json");
    writeFileSync(out, readFileSync("data/fees/fees_by_symbol.json"));
    const io = capture();
    const code = await referenceMain("fees", ["--venue", "binance", "--rest-base-url", server.baseUrl, "--symbol", "BTCUSDT", "--symbol", "ETHUSDT", "--out", out], io, CREDS);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(server.count("GET", "/api/v3/account")).toBeGreaterThan(0);
    expect(io.stdout.join("\n")).toMatch(/BTCUSDT\s+maker\s+15 bps\s+taker\s+15 bps/);
    const table = loadFeeTable(out);
    expect(table["BTCUSDT"]).toEqual({ makerBps: 15, takerBps: 15 });
    expect(table["SPY"]).toEqual({ makerBps: 0, takerBps: 0 });
    const meta = JSON.parse(readFileSync(out, "utf8")).meta;
    expect(meta).toMatchObject({ source: "binance exchange-info adapter", venue: "binance", refreshed: ["BTCUSDT", "ETHUSDT"] });
    expect(Date.parse(meta.built_at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("refuses to fetch fees without credentials instead of writing the adapter's defaults", async () => {
    const out = join(dir, "nocreds.json");
    const io = capture();
    expect(await referenceMain("fees", ["--venue", "binance", "--rest-base-url", server.baseUrl, "--symbol", "BTCUSDT", "--out", out], io, {})).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/need API credentials/);
    expect(existsSync(out)).toBe(false);
  });

  it("reads a Binance tradeFee file, and rejects one in the wrong unit naming the file and key, writing nothing", async () => {
    const good = join(dir, "tradeFee.json");
    writeFileSync(good, JSON.stringify([{ symbol: "BTCUSDT", makerCommission: "0.00075", takerCommission: "0.00075" }]));
    const out = join(dir, "from-file.json");
    expect(await referenceMain("fees", ["--from-file", good, "--out", out], capture())).toBe(0);
    expect(loadFeeTable(out)["BTCUSDT"]).toEqual({ makerBps: 7.5, takerBps: 7.5 });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify([{ symbol: "BTCUSDT", makerCommission: "7.5", takerCommission: "7.5" }]));
    const out2 = join(dir, "bad-out.json");
    const io = capture();
    expect(await referenceMain("fees", ["--from-file", bad, "--out", out2], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/bad\.json: symbols\.BTCUSDT\.makerBps: 75000 bps is outside \[-100, 1000\]/);
    expect(existsSync(out2)).toBe(false);
  });

  it("checks the file's age: exit 0 when fresh, 3 when older than the refresh age", async () => {
    const f = join(dir, "aged.json");
    writeFileSync(f, JSON.stringify({ meta: { built_at: new Date(Date.now() - 40 * 86_400_000).toISOString() }, symbols: {} }));
    const io = capture();
    expect(await referenceMain("fees", ["--check", "--out", f], io)).toBe(3);
    expect(io.stdout.join("\n")).toMatch(/40\.0 days old .*older than the 30-day refresh age: refresh it/);
    expect(await referenceMain("fees", ["--check", "--out", f, "--max-age-days", "60"], capture())).toBe(0);
  });

  it("asks for exactly one source", async () => {
    const io = capture();
    expect(await referenceMain("fees", ["--symbol", "BTCUSDT"], io)).toBe(2);
    expect(io.stderr.join("\n")).toMatch(/give exactly one of --venue or --from-file/);
  });
});
