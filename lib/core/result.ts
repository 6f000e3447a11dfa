import type { TradelabError } from "./errors";

/** An expected outcome: either a value or a coded error. Thrown errors are for broken invariants. */
export type Result<T, E = TradelabError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}

/** Returns the value or throws the error (for call sites where failure is a broken invariant). */
export function unwrap<T, E>(r: Result<T, E>): T {
  if (r.ok) return r.value;
  throw r.error;
}
