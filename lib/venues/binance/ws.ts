import type { Timeframe } from "../../core/bar";
import { VenueError } from "../../core/errors";
import { ReconnectingWebSocket, type ReconnectingWsHandlers } from "../../infra/ws/reconnecting-ws";
import type { VenueDeps } from "../capabilities";
import type { ResolvedBinanceConfig } from "./config";
import { decode, rawText } from "./parse";
import { combinedEnvelopeSchema, userEnvelopeSchema } from "./schemas";

/** Stream name for closed and updating klines: `btcusdt@kline_1m` (web-socket-streams.md). */
export function klineStreamName(symbol: string, tf: Timeframe): string {
  return `${symbol.toLowerCase()}@kline_${tf}`;
}

/** Combined stream URL: events arrive as { stream, data }. */
export function combinedStreamUrl(wsBaseUrl: string, streams: readonly string[]): string {
  return `${wsBaseUrl.replace(/\/+$/, "")}/stream?streams=${streams.join("/")}`;
}

/** Raw stream URL for a user data stream listen key. */
export function userStreamUrl(wsBaseUrl: string, listenKey: string): string {
  return `${wsBaseUrl.replace(/\/+$/, "")}/ws/${listenKey}`;
}

/** Parses a frame's JSON; malformed JSON is a PARSE_ERROR carrying the raw frame. */
export function parseFrame(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new VenueError("PARSE_ERROR", `binance ${what}: frame is not JSON (${(e as Error).message})`, { details: { venue: "binance", what, raw: rawText(text) } });
  }
}

/** Unwraps a combined-stream envelope; a bare event (raw /ws stream) passes through. */
export function unwrapMarketFrame(frame: unknown): unknown {
  if (frame !== null && typeof frame === "object" && "stream" in frame) return decode(combinedEnvelopeSchema, frame, "stream envelope").data;
  return frame;
}

/** Unwraps a user-data frame: bare events, { stream, data } and the { subscriptionId, event } form. */
export function unwrapUserFrame(frame: unknown): unknown {
  const inner = unwrapMarketFrame(frame);
  if (inner !== null && typeof inner === "object" && "event" in inner && !("e" in inner)) return decode(userEnvelopeSchema, inner, "user data envelope").event;
  return inner;
}

/** True for the `{ result: null, id }` acknowledgements of SUBSCRIBE requests. */
export function isControlReply(frame: unknown): boolean {
  return frame !== null && typeof frame === "object" && "id" in frame && "result" in frame;
}

/** A reconnecting socket configured from the adapter config (backoff, idle timeout, masking). */
export function openBinanceSocket(
  cfg: ResolvedBinanceConfig,
  deps: VenueDeps,
  label: string,
  url: string | (() => Promise<string>),
  handlers: ReconnectingWsHandlers,
  secrets: () => readonly string[],
): ReconnectingWebSocket {
  const rng = deps.rng;
  return new ReconnectingWebSocket({
    url,
    handlers,
    label: `${cfg.venue}:${label}`,
    backoff: { initialMs: cfg.reconnect.initialMs, maxMs: cfg.reconnect.maxMs, factor: 2, jitter: "full" },
    idleTimeoutMs: cfg.wsIdleTimeoutMs,
    // The first connection fails fast (a wrong URL or no network is reported); once up, reconnect forever.
    maxInitialAttempts: cfg.maxRetries + 1,
    connectTimeoutMs: cfg.timeoutMs,
    random: rng ? () => rng.next() : undefined,
    logger: deps.logger,
    secrets,
  });
}
