import { readFileSync } from "node:fs";
import { crc32, inflateRawSync } from "node:zlib";
import { DataError } from "../../../core/errors";

/** One file inside a ZIP archive, from its central directory. */
export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  encrypted: boolean;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const MAX32 = 0xffffffff;

function fail(file: string, msg: string): DataError {
  return new DataError(`${file}: ${msg}`, { file });
}

function u64(buf: Buffer, off: number): number {
  const v = buf.readBigUInt64LE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError("ZIP64 offset beyond 2^53");
  return Number(v);
}

/** Finds the end-of-central-directory record (it ends the file, followed by an optional comment of up to 64 KiB). */
function findEocd(buf: Buffer, file: string): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === EOCD && i + 22 + buf.readUInt16LE(i + 20) === buf.length) return i;
  }
  throw fail(file, "not a ZIP archive (no end-of-central-directory record)");
}

/** Reads the central directory: names, sizes, methods and offsets of every entry (ZIP64 aware). */
export function readZipEntries(buf: Buffer, file = "archive"): ZipEntry[] {
  if (buf.length < 22) throw fail(file, `not a ZIP archive (${buf.length} bytes)`);
  const eocd = findEocd(buf, file);
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === MAX32 || cdOffset === MAX32) {
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== EOCD64_LOCATOR) throw fail(file, "ZIP64 archive without its end-of-central-directory locator");
    const e64 = u64(buf, loc + 8);
    if (e64 + 56 > buf.length || buf.readUInt32LE(e64) !== EOCD64) throw fail(file, "corrupt ZIP64 end-of-central-directory record");
    count = u64(buf, e64 + 32);
    cdSize = u64(buf, e64 + 40);
    cdOffset = u64(buf, e64 + 48);
  }
  if (cdOffset + cdSize > buf.length) throw fail(file, "truncated ZIP archive (central directory beyond end of file)");
  const entries: ZipEntry[] = [];
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw fail(file, `corrupt central directory at entry ${i + 1}`);
    const flags = buf.readUInt16LE(p + 8);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const e: ZipEntry = {
      name: buf.toString(flags & 0x800 ? "utf8" : "latin1", p + 46, p + 46 + nameLen),
      method: buf.readUInt16LE(p + 10),
      crc32: buf.readUInt32LE(p + 16),
      compressedSize: buf.readUInt32LE(p + 20),
      size: buf.readUInt32LE(p + 24),
      localHeaderOffset: buf.readUInt32LE(p + 42),
      encrypted: (flags & 1) === 1,
    };
    // ZIP64 extra field (id 1) holds the 64-bit values whose 32-bit slots are 0xFFFFFFFF, in this order
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = buf.readUInt16LE(x);
      const len = buf.readUInt16LE(x + 2);
      if (id === 1) {
        let q = x + 4;
        if (e.size === MAX32) (e.size = u64(buf, q)), (q += 8);
        if (e.compressedSize === MAX32) (e.compressedSize = u64(buf, q)), (q += 8);
        if (e.localHeaderOffset === MAX32) e.localHeaderOffset = u64(buf, q);
      }
      x += 4 + len;
    }
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** Inflates one entry and checks its size and CRC-32. */
export function extractZipEntry(buf: Buffer, e: ZipEntry, file = "archive"): Buffer {
  const where = `${file}!${e.name}`;
  if (e.encrypted) throw fail(where, "encrypted ZIP entries are not supported");
  const h = e.localHeaderOffset;
  if (h + 30 > buf.length || buf.readUInt32LE(h) !== LOCAL) throw fail(where, "corrupt local file header");
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const end = start + e.compressedSize;
  if (end > buf.length) throw fail(where, "truncated entry data");
  const raw = buf.subarray(start, end);
  let out: Buffer;
  if (e.method === 0) out = Buffer.from(raw);
  else if (e.method === 8) {
    try {
      out = inflateRawSync(raw);
    } catch (err) {
      throw fail(where, `corrupt deflate data (${err instanceof Error ? err.message : String(err)})`);
    }
  } else throw fail(where, `unsupported compression method ${e.method} (only stored and deflate)`);
  if (out.length !== e.size) throw fail(where, `size mismatch: ${out.length} bytes inflated, ${e.size} expected`);
  if (crc32(out) !== e.crc32) throw fail(where, "CRC-32 mismatch: the archive is corrupt");
  return out;
}

/** Every file entry of a ZIP archive on disk (directories skipped), inflated. */
export function readZipFiles(path: string): { name: string; data: Buffer }[] {
  const buf = readFileSync(path);
  return readZipEntries(buf, path)
    .filter((e) => !e.name.endsWith("/"))
    .map((e) => ({ name: e.name, data: extractZipEntry(buf, e, path) }));
}
