import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

let counter = 0;

/**
 * Writes a file so that readers (and a crash at any point) see either the old content or the new,
 * never a torn file: write a temp file in the same folder, fsync it, rename over the target, fsync the folder.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: { fsync?: boolean } = {}): void {
  const sync = opts.fsync ?? true;
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${counter++}.tmp`);
  let fd = -1;
  try {
    fd = openSync(tmp, "w", 0o644);
    const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (sync) fsyncSync(fd); // without it the rename is still atomic for readers and a killed process, not a power cut
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (e) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  if (sync) fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // some filesystems refuse fsync on directories; the rename itself is still atomic
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

export function writeJsonAtomic(path: string, value: unknown, opts: { fsync?: boolean } = {}): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n", opts);
}
