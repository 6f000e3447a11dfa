import type { Journal, StateStore } from "../../lib/core/ports/state-store.port";

/** A StateStore in memory (JSON round-trip, like the file store). */
export class MemoryStore implements StateStore {
  readonly docs = new Map<string, string>();
  async read<T>(key: string): Promise<T | undefined> {
    const s = this.docs.get(key);
    return s === undefined ? undefined : (JSON.parse(s) as T);
  }
  async write<T>(key: string, value: T): Promise<void> {
    this.docs.set(key, JSON.stringify(value));
  }
  async remove(key: string): Promise<void> {
    this.docs.delete(key);
  }
}

/** A Journal in memory: every record with its kind, in order. */
export class MemoryJournal implements Journal {
  readonly records: ({ kind: string } & Record<string, unknown>)[] = [];
  async append(kind: string, record: Record<string, unknown>): Promise<void> {
    this.records.push({ kind, ...record });
  }
  async flush(): Promise<void> {}
}
