/** Durable key -> JSON document storage. Writes are atomic: a crash leaves the old or the new document. */
export interface StateStore {
  read<T>(key: string): Promise<T | undefined>;
  write<T>(key: string, value: T): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Append-only journal of records (decisions, orders, fills). A torn last line is ignored on read. */
export interface Journal {
  append(kind: string, record: Record<string, unknown>): Promise<void>;
  flush(): Promise<void>;
}
