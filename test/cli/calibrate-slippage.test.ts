import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { calibrateSlippageMain } from "../../lib/cli/calibrate-slippage";
import type { CliIo } from "../../lib/cli/args";
import { openDuck } from "../../lib/infra/data/duck";
import { loadSlippageProfile } from "../../lib/sim/loaders";

const BOOK = "data/book/venue=binance/symbol=BTCUSDT/kind=top10_1s";
const TRADES = "data/trades/venue=binance/symbol=BTCUSDT/kind=trade";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (s) => stdout.push(s), err: (s) => stderr.push(s) };
}

let dir: string;

/** A data folder with the real BTCUSDT trades and a book file rewritten by `select` (over the real one). */
async function dataDirWithBook(name: string, select: string): Promise<string> {
  const root = join(dir, name);
  mkdirSync(join(root, "book/venue=binance/symbol=BTCUSDT/kind=top10_1s"), { recursive: true });
  cpSync(TRADES, join(root, "trades/venue=binance/symbol=BTCUSDT/kind=trade"), { recursive: true });
  const duck = await openDuck();
  try {
    await duck.con.run(`CREATE VIEW src AS SELECT * FROM read_parquet('${BOOK}/*.parquet')`);
    await duck.con.run(`COPY (${select}) TO '${join(root, "book/venue=binance/symbol=BTCUSDT/kind=top10_1s/book.parquet")}' (FORMAT parquet)`);
  } finally {
    duck.close();
  }
  return root;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "calib-slip-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run calibrate:slippage", () => {
  it("prints its help", async () => {
    const io = capture();
    expect(await calibrateSlippageMain(["--help"], io)).toBe(0);
    expect(io.stdout.join("\n")).toMatch(/Usage: npm run calibrate:slippage -- \[options\][\s\S]*--report <out.html>/);
  });

  it("fits the embedded BTCUSDT book, prints parameters and fit quality, and writes a profile the simulator loads and a report", async () => {
    const out = join(dir, "profile.json");
    const report = join(dir, "slippage.html");
    const io = capture();
    expect(await calibrateSlippageMain(["--symbol", "BTCUSDT", "--out", out, "--report", report], io)).toBe(0);
    const text = io.stdout.join("\n");
    expect(text).toMatch(/BTCUSDT: slippage fit \(book-walk\)/);
    expect(text).toMatch(/halfSpreadBps\s+\d/);
    expect(text).toMatch(/R\^2 of the bucket means \(average cost curve\)\s+0\.9/);
    expect(text).toMatch(/real taker orders \(out of sample\)\s+\d+ rebuilt from the trades/);
    expect(text).toContain(`profile written: ${out}`);
    const p = loadSlippageProfile(out);
    expect(p.symbols["BTCUSDT"]!.k).toBeGreaterThan(0);
    expect(p.meta!["symbols"]).toHaveProperty("BTCUSDT.provenance.book.hash");
    const html = readFileSync(report, "utf8");
    expect(html).toContain("Plotly");
    expect(html).toContain("residuals (measured - fitted) by notional bucket");
  });

  it("names the file of a book without a required column, and writes nothing", async () => {
    const data = await dataDirWithBook("nocol", "SELECT * EXCLUDE (ask_qty_1) FROM src");
    const out = join(dir, "nocol.json");
    const io = capture();
    expect(await calibrateSlippageMain(["--symbol", "BTCUSDT", "--data-dir", data, "--out", out, "--report", join(dir, "nocol.html")], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/book\.parquet: book file lacks column\(s\) ask_qty_1/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(dir, "nocol.html"))).toBe(false);
  });

  it("names the row and time of a crossed book, and writes nothing", async () => {
    const data = await dataDirWithBook("crossed", "SELECT * REPLACE (CASE WHEN ts = (SELECT ts FROM src ORDER BY ts LIMIT 1 OFFSET 300) THEN ask_px_1 + 5 ELSE bid_px_1 END AS bid_px_1) FROM src");
    const out = join(dir, "crossed.json");
    const io = capture();
    expect(await calibrateSlippageMain(["--symbol", "BTCUSDT", "--data-dir", data, "--out", out], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/book\.parquet row 301 \(2024-08-0[89]T[0-9:.]+Z\): crossed book: best bid [0-9.]+ >= best ask [0-9.]+ \[DATA_INVALID\]/);
    expect(existsSync(out)).toBe(false);
  });

  it("reports an empty window clearly, and writes nothing", async () => {
    const out = join(dir, "empty.json");
    const io = capture();
    expect(await calibrateSlippageMain(["--symbol", "BTCUSDT", "--from", "2030-01-01", "--out", out], io)).toBe(1);
    expect(io.stderr.join("\n")).toMatch(/binance_BTCUSDT_book_top10_1s_20240808\.parquet: no book snapshots of BTCUSDT in the requested window/);
    expect(existsSync(out)).toBe(false);
  });
});
