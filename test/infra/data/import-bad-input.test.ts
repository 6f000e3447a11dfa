import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DataError } from "../../../lib/core/errors";
import { importFiles, type ImportOptions } from "../../../lib/infra/data/import/importer";
import { readZipFiles } from "../../../lib/infra/data/import/zip";
import { fixture, listTree, tempDir } from "./helpers";

let t: { dir: string; cleanup: () => void };
let dataDir: string;
beforeEach(() => {
  t = tempDir();
  dataDir = join(t.dir, "data");
  mkdirSync(dataDir);
});
afterEach(() => t.cleanup());

/** The 30 real spot kline rows of the fixture ZIP, as CSV lines. */
const klineLines = () => readZipFiles(fixture("binance_spot_ETHUSDT-1m-2022-08-14_first30.zip"))[0]!.data.toString("utf8").trimEnd().split("\n");

function writeInput(name: string, lines: string[]): string {
  const p = join(t.dir, name);
  writeFileSync(p, lines.join("\n") + "\n");
  return p;
}

/** Imports and expects a DataError whose message matches; checks that data/ was left exactly as it was. */
async function expectRejected(opts: Omit<ImportOptions, "dataDir">, message: RegExp): Promise<DataError> {
  const before = listTree(dataDir);
  const err = await importFiles({ ...opts, dataDir }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  expect((err as DataError).message).toMatch(message);
  expect(listTree(dataDir)).toEqual(before);
  return err as DataError;
}

const kline = (files: string[], timeframe = "1m") => ({ files, venue: "binance", symbol: "ETHUSDT", timeframe });

describe("importer bad input: clear error naming file and line, exit with nothing written", () => {
  it("rejects a row with the wrong column count", async () => {
    const l = klineLines();
    l[6] = l[6]!.split(",").slice(0, 11).join(",");
    const f = writeInput("cols.csv", l);
    const e = await expectRejected(kline([f]), /cols\.csv line 7: Expected Number of Columns: 12 Found: 11 \(wrong column count\)/);
    expect(e.details).toMatchObject({ line: 7 });
  });

  it("rejects an unparseable number and names its column", async () => {
    const l = klineLines();
    l[11] = l[11]!.replace(/^(\d+),([\d.]+),/, "$1,19x3.5,");
    await expectRejected(kline([writeInput("num.csv", l)]), /num\.csv line 12: column open: Could not convert string "19x3\.5" to 'DOUBLE'/);
  });

  it("rejects a malformed row (unterminated quote)", async () => {
    const l = klineLines();
    l[3] = l[3]!.replace(/,0$/, ',"0');
    await expectRejected(kline([writeInput("quote.csv", l)]), /quote\.csv line 4:/);
  });

  it("rejects timestamps going backwards, with the real line number after a header and blank lines", async () => {
    const l = klineLines();
    [l[8], l[9]] = [l[9]!, l[8]!];
    const f = writeInput("back.csv", ["open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore", "", ...l]);
    await expectRejected(kline([f]), /back\.csv line 12: timestamp goes backwards \(2022-08-14 00:08 after 2022-08-14 00:09\)/);
  });

  it("rejects a duplicate timestamp inside one file", async () => {
    const l = klineLines();
    l[5] = l[4]!;
    await expectRejected(kline([writeInput("dup.csv", l)]), /dup\.csv line 6: duplicate timestamp 2022-08-14 00:04/);
  });

  it("rejects timestamps in seconds (wrong unit for Binance klines)", async () => {
    const l = klineLines().map((r) => {
      const f = r.split(",");
      return [Number(f[0]) / 1000, ...f.slice(1, 6), Math.floor(Number(f[6]) / 1000), ...f.slice(7)].join(",");
    });
    await expectRejected(kline([writeInput("secs.csv", l)]), /secs\.csv line 1: timestamp 1660435200 is in the wrong unit: expected milliseconds or microseconds; it looks like seconds/);
  });

  it("rejects a file that switches from milliseconds to microseconds", async () => {
    const l = klineLines();
    const f = l[20]!.split(",");
    l[20] = [Number(f[0]) * 1000, ...f.slice(1, 6), Number(f[6]) * 1000 + 999, ...f.slice(7)].join(",");
    await expectRejected(kline([writeInput("mixed.csv", l)]), /mixed\.csv line 21: timestamp 1660436400000000 looks like microseconds but the file started in milliseconds \(wrong unit\)/);
  });

  it("rejects --ts-unit that contradicts the data", async () => {
    await expectRejected({ ...kline([writeInput("k.csv", klineLines())]), tsUnit: "us" }, /k\.csv line 1: .*--ts-unit is us but it looks like milliseconds/);
  });

  it("rejects a --timeframe that the kline close times contradict", async () => {
    await expectRejected(kline([writeInput("tf.csv", klineLines())], "5m"), /tf\.csv line 1: close_time - open_time = 59999 ms: these are 1m bars, not 5m \(check --timeframe\)/);
  });

  it("rejects an empty file and a header-only file", async () => {
    await expectRejected(kline([writeInput("empty.csv", [])]), /empty\.csv: (empty file|no data rows)/);
    writeFileSync(join(t.dir, "zero.csv"), "");
    await expectRejected(kline([join(t.dir, "zero.csv")]), /zero\.csv: empty file/);
    const header = "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore";
    await expectRejected(kline([writeInput("header.csv", [header])]), /header\.csv: no data rows/);
  });

  it("rejects NaN prices and non-positive prices", async () => {
    const l = klineLines();
    l[2] = l[2]!.replace(/^(\d+),([\d.]+),/, "$1,nan,");
    await expectRejected(kline([writeInput("nan.csv", l)]), /nan\.csv line 3: non-finite number \(open is nan\)/);
    const m = klineLines();
    m[2] = m[2]!.replace(/^(\d+),([\d.]+),/, "$1,-1,");
    await expectRejected(kline([writeInput("neg.csv", m)]), /neg\.csv line 3: non-positive price or negative quantity/);
  });

  it("rejects an empty value in a required column", async () => {
    const l = klineLines();
    l[9] = l[9]!.replace(/^(\d+),([\d.]+),([\d.]+),/, "$1,$2,,");
    await expectRejected(kline([writeInput("blank.csv", l)]), /blank\.csv line 10: empty value in column high/);
  });

  it("rejects a header-less file whose column count matches no known layout", async () => {
    await expectRejected(kline([writeInput("five.csv", ["1,2,3,4,5", "2,3,4,5,6"])]), /five\.csv: header-less CSV with 5 columns/);
  });

  it("rejects two inputs that disagree about the same bar, naming both", async () => {
    const l = klineLines();
    const a = writeInput("a.csv", l.slice(0, 10));
    const b = l.slice(5, 15);
    b[0] = b[0]!.replace(/^(\d+),([\d.]+),/, "$1,1983.00000000,");
    await expectRejected(kline([a, writeInput("b.csv", b)]), /conflicting rows for time 2022-08-14 00:05: .*a\.csv line 6 and .*b\.csv line 1 hold different values/);
  });

  it("validates every input before writing anything: a bad second file leaves data/ untouched", async () => {
    const good = fixture("binance_spot_ETHUSDT-1m-2022-08-14_first30.zip");
    const l = klineLines();
    l[1] = l[1]!.replace(/,0$/, ",0,extra");
    await expectRejected(kline([good, writeInput("bad.csv", l)]), /bad\.csv line 2: Expected Number of Columns: 12 Found: 13/);
    expect(listTree(dataDir)).toEqual([]);
  });

  it("rejects a corrupt ZIP (CRC mismatch), a truncated ZIP and a file that is not a ZIP", async () => {
    const buf = readFileSync(fixture("binance_spot_ETHUSDT-1m-2022-08-14_first30.zip"));
    const bad = Buffer.from(buf);
    // flip one byte of the compressed data (after the 30-byte local header and the member name)
    const at = 30 + "ETHUSDT-1m-2022-08-14.csv".length + 40;
    bad.writeUInt8(bad.readUInt8(at) ^ 0xff, at);
    writeFileSync(join(t.dir, "crc.zip"), bad);
    await expectRejected(kline([join(t.dir, "crc.zip")]), /crc\.zip!ETHUSDT-1m-2022-08-14\.csv: (CRC-32 mismatch|corrupt deflate data|size mismatch)/);
    writeFileSync(join(t.dir, "cut.zip"), buf.subarray(0, buf.length - 30));
    await expectRejected(kline([join(t.dir, "cut.zip")]), /cut\.zip: not a ZIP archive/);
    writeFileSync(join(t.dir, "text.zip"), "not a zip at all, just text that is long enough to scan");
    await expectRejected(kline([join(t.dir, "text.zip")]), /text\.zip: not a ZIP archive/);
  });

  it("rejects a missing input file", async () => {
    await expectRejected(kline([join(t.dir, "nope.csv")]), /nope\.csv: file not found/);
  });
});
