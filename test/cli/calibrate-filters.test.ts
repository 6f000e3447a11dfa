import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIo } from "../../lib/cli/args";
import { calibrateFiltersMain } from "../../lib/cli/calibrate-filters";
import { loadInstruments } from "../../lib/sim/loaders";
import { API_KEY, API_SECRET } from "../venues/binance/harness";
import { BinanceLoopback } from "../venues/binance/loopback-server";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

let dir: string;
let server: BinanceLoopback;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "calib-filters-"));
  server = await new BinanceLoopback({ clock: { now: () => Date.now() }, apiKey: API_KEY, apiSecret: API_SECRET }).start();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run calibrate:filters", () => {
  it("fetches exchangeInfo through the venue adapter and writes filters the simulator loads, keeping the other symbols", async () => {
    const out = join(dir, "filters.json");
    writeFileSync(out, readFileSync("data/binance_filters.json"));
    const io = capture();
    const code = await calibrateFiltersMain(["--venue", "binance", "--rest-base-url", server.baseUrl, "--symbol", "BTCUSDT", "--out", out], io, {});
    expect(io.stderr).toEqual([]);
    expect(code).toBe(0);
    expect(server.count("GET", "/api/v3/exchangeInfo")).toBe(1);
    expect(io.stdout.join("\n")).toMatch(/BTCUSDT\s+tick 0\.01\s+step 0\.00001\s+minQty 0\.00001\s+minNotional 5/);
    const table = loadInstruments(out);
    expect(table.get("BTCUSDT")).toMatchObject({ tickSize: 0.01, stepSize: 0.00001, minQty: 0.00001, maxQty: 9000, minNotional: 5, maxNotional: 9_000_000, marketMaxQty: 100, applyMinToMarket: true });
    expect(table.get("ETHUSDT")!.stepSize).toBe(0.0001); // kept from the existing file
    expect(JSON.parse(readFileSync(out, "utf8")).meta).toMatchObject({ venue: "binance", refreshed: ["BTCUSDT"], layout: "Binance GET /api/v3/exchangeInfo" });
  });

  it("reports a symbol the venue does not list, and writes nothing", async () => {
    const out = join(dir, "unknown.json");
    const io = capture();
    expect(await calibrateFiltersMain(["--venue", "binance", "--rest-base-url", server.baseUrl, "--symbol", "NOPEUSDT", "--out", out], io, {})).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/exchangeInfo: HTTP 400 code -1121 Invalid symbol\. \[UNKNOWN_SYMBOL\]/);
    expect(existsSync(out)).toBe(false);
  });

  it("reads a saved exchangeInfo payload and rejects a malformed one naming the file, symbol and filter", async () => {
    const info = join(dir, "exchangeInfo.json");
    writeFileSync(info, readFileSync("data/binance_filters.json"));
    const out = join(dir, "from-file.json");
    expect(await calibrateFiltersMain(["--from-file", info, "--symbol", "ETHUSDT", "--out", out, "--replace"], capture(), {})).toBe(0);
    expect([...loadInstruments(out).keys()]).toEqual(["ETHUSDT"]);
    const broken = JSON.parse(readFileSync("data/binance_filters.json", "utf8"));
    broken.symbols[0].filters[1].stepSize = "";
    writeFileSync(info, JSON.stringify(broken));
    const out2 = join(dir, "broken-out.json");
    const io = capture();
    expect(await calibrateFiltersMain(["--from-file", info, "--out", out2], io, {})).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/exchangeInfo\.json\.symbols\[0\]\.filters\[1\]\(LOT_SIZE\)\.stepSize: not a decimal number/);
    expect(existsSync(out2)).toBe(false);
  });

  it("checks the shipped filters file's age against a refresh age", async () => {
    const io = capture();
    const code = await calibrateFiltersMain(["--check", "--max-age-days", "100000"], io, {});
    expect(code).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/data\/binance_filters\.json is .* old \(built .*\), within the 100000-day refresh age/);
  });
});
