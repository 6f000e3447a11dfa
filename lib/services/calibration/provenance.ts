import { createHash } from "node:crypto";

/** Where calibrated parameters came from: written into every output file's `meta`. */
export interface Provenance {
  /** What was read (dataset, partition or file). */
  source: string;
  /** First and last timestamp used (ISO, UTC) and how many rows. */
  range: { first: string; last: string; rows: number };
  /** sha256 over the exact input values (see contentHash). */
  hash: string;
}

/**
 * sha256 over the raw little-endian bytes of the input columns, in order, each prefixed by its
 * length: the same numbers give the same hash on any machine, and any change to an input value,
 * its order or its column changes it.
 */
export function contentHash(columns: readonly Float64Array[]): string {
  const h = createHash("sha256");
  const len = new Float64Array(1);
  for (const c of columns) {
    len[0] = c.length;
    h.update(new Uint8Array(len.buffer));
    h.update(new Uint8Array(c.buffer, c.byteOffset, c.byteLength));
  }
  return `sha256:${h.digest("hex")}`;
}

export function isoUtc(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : "n/a";
}

/** Provenance of a set of timestamped columns. */
export function provenanceOf(source: string, ts: Float64Array, columns: readonly Float64Array[]): Provenance {
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < ts.length; i++) {
    if (ts[i]! < first) first = ts[i]!;
    if (ts[i]! > last) last = ts[i]!;
  }
  return { source, range: { first: isoUtc(first), last: isoUtc(last), rows: ts.length }, hash: contentHash([ts, ...columns]) };
}
