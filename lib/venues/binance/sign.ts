import { createHmac } from "node:crypto";
import { encodeQuery, type QueryValue } from "../../infra/http/client";

/**
 * HMAC-SHA256 of the payload with the secret key, lower-case hex (rest-api.md "SIGNED Endpoint
 * Examples"). The payload is the percent-encoded query string exactly as sent.
 */
export function signPayload(secretKey: string, payload: string): string {
  return createHmac("sha256", secretKey).update(payload, "utf8").digest("hex");
}

/**
 * Encodes params (in the given order), appends recvWindow and timestamp, and signs. Returns the full
 * query string including `&signature=`. Non-ASCII values are percent-encoded before signing, as the
 * documentation requires.
 */
export function signedQuery(params: Record<string, QueryValue>, secretKey: string, timestamp: number, recvWindowMs: number): string {
  const payload = encodeQuery({ ...params, recvWindow: recvWindowMs, timestamp });
  return `${payload}&signature=${signPayload(secretKey, payload)}`;
}
