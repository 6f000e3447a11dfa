import { maskSecret } from "./secret";

/** Query parameter and header names whose values are credentials or signatures. Matched case-insensitively. */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = [
  "signature",
  "apikey",
  "api_key",
  "apisecret",
  "api_secret",
  "secret",
  "secretkey",
  "listenkey",
  "token",
  "access_token",
  "password",
  "authorization",
  "x-mbx-apikey",
  "apca-api-key-id",
  "apca-api-secret-key",
];

function isSensitive(name: string, extra: readonly string[]): boolean {
  const n = name.toLowerCase();
  return DEFAULT_SENSITIVE_KEYS.includes(n) || extra.some((k) => k.toLowerCase() === n);
}

/** Masks sensitive query parameters of a URL (absolute or path-only) and sensitive path segments listed in `secrets`. */
export function redactUrl(url: string, extraKeys: readonly string[] = [], secrets: readonly string[] = []): string {
  const q = url.indexOf("?");
  let path = q < 0 ? url : url.slice(0, q);
  const query = q < 0 ? "" : url.slice(q + 1);
  path = redactText(path, secrets);
  if (!query) return path;
  const parts = query.split("&").map((kv) => {
    const eq = kv.indexOf("=");
    if (eq < 0) return kv;
    const k = kv.slice(0, eq);
    return isSensitive(decodeURIComponent(k), extraKeys) ? `${k}=${maskSecret(kv.slice(eq + 1))}` : kv;
  });
  return `${path}?${redactText(parts.join("&"), secrets)}`;
}

/** Copies headers with sensitive values masked. */
export function redactHeaders(headers: Record<string, string>, extraKeys: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) out[k] = isSensitive(k, extraKeys) ? maskSecret(v) : v;
  return out;
}

/** Replaces every occurrence of each secret value (longer than 3 characters) in `text` with its mask. */
export function redactText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length > 3 && out.includes(s)) out = out.split(s).join(maskSecret(s));
  }
  return out;
}
