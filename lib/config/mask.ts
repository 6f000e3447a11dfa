import { isPlainObject } from "./merge";

/** Matched against the LAST word of a key name (see isSecretKey). */
export const SECRET_KEY_PATTERN = /(key|secret|token|password|passphrase)s?$/i;

export const MASK = "***";

/**
 * Whether a key name holds a secret: its last word (camelCase, snake_case or kebab-case; a trailing
 * "id" ignored) ends in key, secret, token, password or passphrase. So apiKey, apiSecret,
 * API_KEY_ID, accessToken and x-mbx-apikey are secrets, while tokenDiscount and keyPath are not.
 */
export function isSecretKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .split(/[\s_\-.]+/)
    .filter((w) => w !== "");
  if (words.length > 1 && /^id$/i.test(words[words.length - 1]!)) words.pop();
  const last = words[words.length - 1];
  return last !== undefined && SECRET_KEY_PATTERN.test(last);
}

/**
 * A copy of `value` in which every non-empty value under a secret-looking key (see
 * SECRET_KEY_PATTERN) is replaced by "***"; mappings and arrays under such a key are masked leaf by
 * leaf. Empty strings, null and undefined stay as they are, so "not set" remains visible.
 */
export function maskSecrets<T>(value: T): T {
  return maskValue(value, false) as T;
}

function maskValue(v: unknown, secret: boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => maskValue(x, secret));
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = maskValue(x, secret || isSecretKey(k));
    return out;
  }
  if (!secret || v === undefined || v === null || v === "") return v;
  return MASK;
}

/** Every non-empty string or number stored under a secret-looking key (to register with the logger). */
export function collectSecretValues(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, secret: boolean): void => {
    if (Array.isArray(v)) for (const x of v) walk(x, secret);
    else if (isPlainObject(v)) for (const [k, x] of Object.entries(v)) walk(x, secret || isSecretKey(k));
    else if (secret && (typeof v === "string" || typeof v === "number") && String(v) !== "") found.add(String(v));
  };
  walk(value, false);
  return [...found];
}
