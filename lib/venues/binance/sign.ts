import { createHmac, createPrivateKey, sign as cryptoSign, type KeyObject } from "node:crypto";
import { ConfigError } from "../../core/errors";
import { encodeQuery, type QueryValue } from "../../infra/http/client";

/** The API key types Binance accepts (faqs/api_key_types.md). */
export const BINANCE_KEY_TYPES = ["hmac", "rsa", "ed25519"] as const;
export type BinanceKeyType = (typeof BINANCE_KEY_TYPES)[number];

/** Signs a payload with one API key's secret. `sign` never logs and never throws for valid keys. */
export interface RequestSigner {
  readonly keyType: BinanceKeyType;
  sign(payload: string): string;
}

/**
 * HMAC-SHA256 of the payload with the secret key, lower-case hex (rest-api.md "SIGNED Endpoint
 * Examples"). The payload is the percent-encoded query string exactly as sent.
 */
export function signPayload(secretKey: string, payload: string): string {
  return createHmac("sha256", secretKey).update(payload, "utf8").digest("hex");
}

/**
 * A signer for one key. HMAC: hex HMAC-SHA256 with the secret. RSA: RSASSA-PKCS1-v1_5 with SHA-256,
 * base64. Ed25519: the Ed25519 signature, base64. `key` is the HMAC secret or a PEM private key
 * (PKCS#8, optionally encrypted with `passphrase`). A PEM whose algorithm does not match `keyType`
 * is a ConfigError naming both.
 */
export function createSigner(keyType: BinanceKeyType, key: string, passphrase?: string, where = "apiSecret"): RequestSigner {
  if (keyType === "hmac") return { keyType, sign: (payload) => signPayload(key, payload) };
  let k: KeyObject;
  try {
    k = createPrivateKey(passphrase === undefined ? { key, format: "pem" } : { key, format: "pem", passphrase });
  } catch (e) {
    // The crypto message never contains the key material; it says what was wrong (bad PEM, bad passphrase).
    throw new ConfigError(`${where}: not a readable ${keyType} PEM private key (${(e as Error).message})`, { path: where });
  }
  const actual = k.asymmetricKeyType;
  if (actual !== keyType) throw new ConfigError(`${where}: keyType is ${keyType} but the private key is ${actual ?? "unknown"}`, { path: "keyType" });
  if (keyType === "rsa") return { keyType, sign: (payload) => cryptoSign("sha256", Buffer.from(payload, "utf8"), k).toString("base64") };
  return { keyType, sign: (payload) => cryptoSign(null, Buffer.from(payload, "utf8"), k).toString("base64") };
}

/**
 * REST: encodes params (in the given order), appends recvWindow and timestamp, and signs the
 * percent-encoded string (rest-api.md: percent-encode before signing). Returns the full query
 * string including `&signature=` (itself percent-encoded: base64 carries + / =).
 */
export function signedQuery(params: Record<string, QueryValue>, signer: RequestSigner | string, timestamp: number, recvWindowMs: number): string {
  const s = typeof signer === "string" ? createSigner("hmac", signer) : signer;
  const payload = encodeQuery({ ...params, recvWindow: recvWindowMs, timestamp });
  return `${payload}&signature=${encodeURIComponent(s.sign(payload))}`;
}

/**
 * WebSocket API signature payload (web-socket-api.md "SIGNED request example"): every param except
 * `signature`, sorted by name, as `name=value` joined by `&`, values as UTF-8 text with no
 * percent-encoding.
 */
export function wsApiPayload(params: Readonly<Record<string, string | number | boolean>>): string {
  return Object.keys(params)
    .filter((k) => k !== "signature")
    .sort()
    .map((k) => `${k}=${String(params[k])}`)
    .join("&");
}

/** Returns params plus `signature` over wsApiPayload(params). */
export function signWsApiParams<P extends Record<string, string | number | boolean>>(params: P, signer: RequestSigner): P & { signature: string } {
  return { ...params, signature: signer.sign(wsApiPayload(params)) };
}
