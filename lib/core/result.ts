import type { TradelabError } from "./errors";

/**
 * An expected outcome: either a value or a coded error. Thrown errors are for broken invariants.
 * Both members name both fields because notebooks compile lib without strictNullChecks, where
 * `if (!r.ok) r.error` would not narrow.
 */
export type Result<T, E = TradelabError> = { ok: true; value: T; error?: undefined } | { ok: false; error: E; value?: undefined };

export function ok<T>(value: T): { ok: true; value: T; error?: undefined } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E; value?: undefined } {
  return { ok: false, error };
}

/** Returns the value or throws the error (for call sites where failure is a broken invariant). */
export function unwrap<T, E>(r: Result<T, E>): T {
  if (r.ok) return r.value;
  throw r.error;
}
