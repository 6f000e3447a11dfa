import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extractZipEntry, readZipEntries, readZipFiles } from "../../../lib/infra/data/import/zip";
import { fixture, tempDir, writeZip } from "./helpers";

let t: { dir: string; cleanup: () => void };
beforeEach(() => (t = tempDir()));
afterEach(() => t.cleanup());

describe("ZIP central-directory reader", () => {
  it("lists and inflates the member of a real data.binance.vision-style archive", () => {
    const buf = readFileSync(fixture("binance_um_BTCUSDT-1m-2022-09-05_first30.zip"));
    const entries = readZipEntries(buf, "um.zip");
    expect(entries.map((e) => [e.name, e.method, e.encrypted])).toEqual([["BTCUSDT-1m-2022-09-05.csv", 8, false]]);
    const text = extractZipEntry(buf, entries[0]!, "um.zip").toString("utf8");
    expect(text.split("\n")[0]).toBe("open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore");
    expect(text.split("\n")[1]).toBe("1662336000000,19992.70,20000.00,19988.10,19996.80,482.638,1662336059999,9650791.43440,4263,302.950,6057727.57980,0");
    expect(Buffer.byteLength(text)).toBe(entries[0]!.size);
  });

  it("reads stored and deflated members and skips directories", () => {
    const p = join(t.dir, "mixed.zip");
    writeZip(p, [
      { name: "dir/", data: "", store: true },
      { name: "dir/a.csv", data: "1,2\n", store: true },
      { name: "b.csv", data: "x".repeat(10_000) },
    ]);
    const files = readZipFiles(p);
    expect(files.map((f) => [f.name, f.data.length])).toEqual([
      ["dir/a.csv", 4],
      ["b.csv", 10_000],
    ]);
  });

  it("finds the end record behind an archive comment", () => {
    const p = join(t.dir, "c.zip");
    writeZip(p, [{ name: "a.csv", data: "1,2\n" }]);
    const buf = readFileSync(p);
    const comment = Buffer.from("made by a test");
    const withComment = Buffer.concat([buf, comment]);
    withComment.writeUInt16LE(comment.length, buf.length - 2);
    expect(readZipEntries(withComment).map((e) => e.name)).toEqual(["a.csv"]);
  });

  it("refuses a CRC mismatch, an unknown method and encrypted members", () => {
    const p = join(t.dir, "s.zip");
    writeZip(p, [{ name: "a.csv", data: "1,2,3\n", store: true }]);
    const buf = Buffer.from(readFileSync(p));
    buf[30 + "a.csv".length] = "9".charCodeAt(0);
    expect(() => extractZipEntry(buf, readZipEntries(buf, "s.zip")[0]!, "s.zip")).toThrow(/s\.zip!a\.csv: CRC-32 mismatch/);
    const e = { ...readZipEntries(buf)[0]!, method: 12 };
    expect(() => extractZipEntry(buf, e, "s.zip")).toThrow(/unsupported compression method 12/);
    expect(() => extractZipEntry(buf, { ...e, encrypted: true }, "s.zip")).toThrow(/encrypted ZIP entries are not supported/);
  });

  it("refuses a truncated archive and a file that is not a ZIP", () => {
    const buf = readFileSync(fixture("binance_spot_ETHUSDT-1m-2022-08-14_first30.zip"));
    expect(() => readZipEntries(buf.subarray(0, buf.length - 10), "cut.zip")).toThrow(/cut\.zip: not a ZIP archive/);
    expect(() => readZipEntries(Buffer.from("hello"), "h.zip")).toThrow(/h\.zip: not a ZIP archive \(5 bytes\)/);
  });
});
