import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { StateStore } from "../core/ports/state-store.port";
import { TradelabError } from "../core/errors";
import { writeJsonAtomic } from "./fs-atomic";

const KEY = /^[a-z0-9_][a-z0-9_.-]*$/i;

/**
 * One JSON file per key under a folder (state/positions.json, ...). Writes are atomic (temp, fsync,
 * rename): after a crash at any point each file holds the old or the new document. A file that does not
 * parse is corrupt state and stops the caller loudly (STATE_CORRUPT) rather than being silently replaced.
 */
export class JsonStateStore implements StateStore {
  /** `fsync: false` keeps writes atomic (temp + rename) but skips the disk flush: safe against a killed process, not a power cut. */
  constructor(
    readonly dir: string,
    private readonly opts: { fsync?: boolean } = {},
  ) {
    mkdirSync(dir, { recursive: true });
  }

  path(key: string): string {
    if (!KEY.test(key)) throw new TradelabError("INVALID_ARGUMENT", `state key "${key}" must be a plain file name`);
    return join(this.dir, `${key}.json`);
  }

  async read<T>(key: string): Promise<T | undefined> {
    const p = this.path(key);
    if (!existsSync(p)) return undefined;
    const text = readFileSync(p, "utf8");
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new TradelabError("STATE_CORRUPT", `state file ${p} is not valid JSON: ${(e as Error).message}`, { details: { file: p }, cause: e });
    }
  }

  async write<T>(key: string, value: T): Promise<void> {
    writeJsonAtomic(this.path(key), value, this.opts);
  }

  async remove(key: string): Promise<void> {
    rmSync(this.path(key), { force: true });
  }
}
