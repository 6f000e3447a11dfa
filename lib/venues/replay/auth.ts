import { createHmac, createPublicKey, timingSafeEqual, verify, type KeyObject } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ConfigError } from "../../core/errors";
import { wire, type WireError } from "./errors";

export type Security = "NONE" | "API_KEY" | "SIGNED";

/** An RSA or Ed25519 API key of the account: Binance keeps the public key and verifies with it. */
export interface PublicApiKey {
  apiKey: string;
  type: "RSA" | "ED25519";
  key: KeyObject;
}

/** A key the account accepts, whatever its type. */
export type AccountKey = { apiKey: string; type: "HMAC"; secret: string } | PublicApiKey;

export interface AuthContext {
  /** The HMAC key and secret. */
  apiKey: string;
  apiSecret: string;
  /** RSA and Ed25519 keys (none when absent). */
  publicKeys?: readonly PublicApiKey[];
  /** Exchange (simulated) time, ms. */
  now(): number;
  /**
   * Simulated ms per wall ms. recvWindow is a wall-clock allowance for the network; at speed N the
   * exchange's clock moves N times faster, so the allowance in exchange time is recvWindow * N.
   */
  timeScale(): number;
}

/** Config entries { apiKey, publicKey PEM } -> verification keys; the type is read from the key. */
export function loadPublicKeys(entries: readonly { apiKey: string; publicKey: string }[], path = "replay.publicKeys"): PublicApiKey[] {
  return entries.map((e, i) => {
    let key: KeyObject;
    try {
      key = createPublicKey(e.publicKey);
    } catch (x) {
      throw new ConfigError(`replay exchange: ${path}.${i}.publicKey is not a PEM public key (${(x as Error).message})`, { path: `${path}.${i}.publicKey` });
    }
    const t = key.asymmetricKeyType;
    if (t !== "rsa" && t !== "ed25519") throw new ConfigError(`replay exchange: ${path}.${i}.publicKey is a ${t} key; Binance API keys are RSA or Ed25519`, { path: `${path}.${i}.publicKey` });
    return { apiKey: e.apiKey, type: t === "rsa" ? "RSA" : "ED25519", key };
  });
}

export function findKey(ctx: AuthContext, apiKey: string): AccountKey | undefined {
  if (apiKey === ctx.apiKey) return { apiKey, type: "HMAC", secret: ctx.apiSecret };
  return ctx.publicKeys?.find((k) => k.apiKey === apiKey);
}

/**
 * Verifies a signature of `payload` (UTF-8) as Binance does for each key type (rest-api.md and
 * web-socket-api.md "SIGNED request example"): HMAC-SHA256 as hex, case-insensitive; RSA
 * (RSASSA-PKCS1-v1_5 with SHA-256) and Ed25519 as base64, case-sensitive.
 */
export function verifySignature(key: AccountKey, payload: string, signature: string): boolean {
  if (key.type === "HMAC") {
    const expected = Buffer.from(createHmac("sha256", key.secret).update(payload, "utf8").digest("hex"));
    const given = Buffer.from(signature.toLowerCase());
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
  const sig = Buffer.from(signature, "base64");
  // Node decodes base64 leniently (skips stray characters): only the canonical text of the bytes counts.
  if (sig.length === 0 || sig.toString("base64") !== signature) return false;
  try {
    return verify(key.type === "RSA" ? "sha256" : null, Buffer.from(payload, "utf8"), key.key, sig);
  } catch {
    return false;
  }
}

/**
 * The WebSocket API signature payload (web-socket-api.md "SIGNED request security", step 1): every
 * param except `signature`, sorted by name, as name=value joined by &, values not percent-encoded.
 */
export function wsSignaturePayload(params: Record<string, unknown>): string {
  return Object.keys(params)
    .filter((k) => k !== "signature")
    .sort()
    .map((k) => `${k}=${paramText(params[k])}`)
    .join("&");
}

/** A JSON param value as text: strings as they are, numbers and booleans as JSON writes them, lists as JSON. */
export function paramText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * Timing security (rest-api.md / web-socket-api.md): `timestamp` (ms, or µs when that long) and
 * `recvWindow` (ms, up to three decimals, at most 60 000, default 5000);
 * `timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow`, both scaled to the replay speed.
 */
export function checkTiming(timestamp: string | undefined, recvWindow: string | undefined, ctx: AuthContext): WireError | undefined {
  if (timestamp === undefined || !/^\d+$/.test(timestamp)) return wire.mandatory("timestamp");
  if (recvWindow !== undefined && !/^\d+(\.\d{1,3})?$/.test(recvWindow)) return wire.mandatory("recvWindow");
  const window = recvWindow === undefined ? 5000 : Number(recvWindow);
  if (!(window > 0 && window <= 60_000)) return { status: 400, code: -1131, msg: "recvWindow must be less than 60000" };
  let ts = Number(timestamp);
  if (ts >= 1e14) ts /= 1000; // microseconds
  const now = ctx.now();
  const scale = Math.max(1, ctx.timeScale());
  if (ts >= now + 1000 * scale) return wire.ahead(Math.round(ts - now));
  if (now - ts > window * scale) return wire.outsideWindow();
  return undefined;
}

/** Splits `signature=...` out of the query or the body; the signed payload is query + body without it. */
function splitSignature(query: string, body: string): { payload: string; signature: string } {
  const take = (s: string): { rest: string; sig?: string } => {
    const parts = s.split("&");
    const i = parts.findIndex((p) => p.startsWith("signature="));
    if (i < 0) return { rest: s };
    const sig = parts[i]!.slice("signature=".length);
    parts.splice(i, 1);
    return { rest: parts.join("&"), sig };
  };
  const q = take(query);
  if (q.sig !== undefined) return { payload: q.rest + body, signature: q.sig };
  const b = take(body);
  return { payload: query + b.rest, signature: b.sig ?? "" };
}

function decodeSignature(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Checks a REST request as Binance does (rest-api.md "Endpoint security type", "SIGNED Endpoint
 * security", "Timing security"): the X-MBX-APIKEY header names a key of the account, the signature
 * (HMAC, RSA or Ed25519, by the key's type) covers query + body as sent, and the timestamp is fresh.
 */
export function authenticate(req: IncomingMessage, rawQuery: string, body: string, params: Record<string, string>, sec: Security, ctx: AuthContext): WireError | undefined {
  if (sec === "NONE") return undefined;
  const header = req.headers["x-mbx-apikey"];
  if (typeof header !== "string" || header.length === 0) return { status: 401, code: -2014, msg: "API-key format invalid." };
  const key = findKey(ctx, header);
  if (!key) return wire.badApiKey();
  if (sec === "API_KEY") return undefined;
  const { payload, signature } = splitSignature(rawQuery, body);
  if (!signature) return wire.mandatory("signature");
  if (!verifySignature(key, payload, decodeSignature(signature))) return wire.badSignature();
  return checkTiming(params.timestamp, params.recvWindow, ctx);
}
