/**
 * Exponential backoff with jitter, shared by the HTTP retry loop and the WebSocket reconnect loop.
 *
 * delay(attempt) = min(maxMs, initialMs * factor^attempt), then jittered:
 * - "full":  uniform in [0, delay]            (AWS "full jitter"; spreads reconnect storms best)
 * - "equal": delay/2 + uniform in [0, delay/2] (never shorter than half the nominal delay)
 * - "none":  delay
 */
export interface BackoffPolicy {
  /** First delay, ms. Default 250. */
  initialMs: number;
  /** Cap on any single delay, ms. Default 30 000. */
  maxMs: number;
  /** Growth per attempt. Default 2. */
  factor: number;
  /** Jitter mode. Default "equal". */
  jitter: "full" | "equal" | "none";
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 30_000, factor: 2, jitter: "equal" };

/** `attempt` counts from 0; `random` returns uniform values in [0, 1). */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`backoff attempt must be a non-negative integer, got ${attempt}`);
  const nominal = Math.min(policy.maxMs, policy.initialMs * Math.pow(policy.factor, attempt));
  switch (policy.jitter) {
    case "none":
      return nominal;
    case "full":
      return Math.floor(random() * nominal);
    case "equal":
      return Math.floor(nominal / 2 + random() * (nominal / 2));
  }
}

/** Resolves after `ms` (0 or less resolves on the next macrotask). Rejects early with the signal's reason when aborted. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Parses an HTTP Retry-After header: delta-seconds ("120") or an HTTP date. Returns ms to wait, or
 * undefined when absent or unparseable. `nowMs` is needed only for the date form.
 */
export function parseRetryAfter(value: string | undefined | null, nowMs: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isFinite(t) ? Math.max(0, t - nowMs) : undefined;
}
