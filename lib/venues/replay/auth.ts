import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { wire, type WireError } from "./errors";

export type Security = "NONE" | "API_KEY" | "SIGNED";

export interface AuthContext {
  apiKey: string;
  apiSecret: string;
  /** Exchange (simulated) time, ms. */
  now(): number;
  /**
   * Simulated ms per wall ms. recvWindow is a wall-clock allowance for the network; at speed N the
   * exchange's clock moves N times faster, so the allowance in exchange time is recvWindow * N.
   */
  timeScale(): number;
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

/**
 * Checks a request as Binance does (rest-api.md "Endpoint security type", "SIGNED Endpoint security",
 * "Timing security"): the X-MBX-APIKEY header, the HMAC-SHA256 signature of query + body, and
 * `timestamp < serverTime + 1000 && serverTime - timestamp <= recvWindow` (scaled to the replay speed).
 */
export function authenticate(req: IncomingMessage, rawQuery: string, body: string, params: Record<string, string>, sec: Security, ctx: AuthContext): WireError | undefined {
  if (sec === "NONE") return undefined;
  const key = req.headers["x-mbx-apikey"];
  if (typeof key !== "string" || key.length === 0) return { status: 401, code: -2014, msg: "API-key format invalid." };
  if (key !== ctx.apiKey) return wire.badApiKey();
  if (sec === "API_KEY") return undefined;
  const { payload, signature } = splitSignature(rawQuery, body);
  if (!signature) return wire.mandatory("signature");
  const expected = Buffer.from(createHmac("sha256", ctx.apiSecret).update(payload, "utf8").digest("hex"));
  const given = Buffer.from(signature.toLowerCase());
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return wire.badSignature();
  if (params.timestamp === undefined || !/^\d+$/.test(params.timestamp)) return wire.mandatory("timestamp");
  const recvWindow = params.recvWindow === undefined ? 5000 : Number(params.recvWindow);
  if (!(recvWindow > 0 && recvWindow <= 60_000)) return { status: 400, code: -1131, msg: "recvWindow must be less than 60000" };
  const ts = Number(params.timestamp);
  const now = ctx.now();
  const scale = Math.max(1, ctx.timeScale());
  if (ts >= now + 1000 * scale) return wire.ahead(ts - now);
  if (now - ts > recvWindow * scale) return wire.outsideWindow();
  return undefined;
}
