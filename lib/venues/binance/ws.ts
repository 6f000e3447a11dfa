import type { Timeframe } from "../../core/bar";
import { VenueError } from "../../core/errors";
import { ReconnectingWebSocket, type ReconnectingWsHandlers } from "../../infra/ws/reconnecting-ws";
import type { VenueDeps } from "../capabilities";
import type { ResolvedBinanceConfig } from "./config";
import { decode, rawText } from "./parse";
import { combinedEnvelopeSchema } from "./schemas";

/** Stream name for closed and updating klines: `btcusdt@kline_1m` (web-socket-streams.md). */
export function klineStreamName(symbol: string, tf: Timeframe): string {
  return `${symbol.toLowerCase()}@kline_${tf}`;
}

/** Combined stream URL: events arrive as { stream, data }. */
export function combinedStreamUrl(wsBaseUrl: string, streams: readonly string[]): string {
  return `${wsBaseUrl.replace(/\/+$/, "")}/stream?streams=${streams.join("/")}`;
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

/** The event type (`e`) of an unwrapped event, when it has one. */
export function eventType(frame: unknown): string | undefined {
  const e = frame !== null && typeof frame === "object" ? (frame as { e?: unknown }).e : undefined;
  return typeof e === "string" ? e : undefined;
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
  opts: { maxConnectionAgeMs?: number } = {},
): ReconnectingWebSocket {
  const rng = deps.rng;
  return new ReconnectingWebSocket({
    url,
    handlers,
    label: `${cfg.venue}:${label}`,
    backoff: { initialMs: cfg.reconnect.initialMs, maxMs: cfg.reconnect.maxMs, factor: 2, jitter: "full" },
    idleTimeoutMs: cfg.wsIdleTimeoutMs,
    // Binance closes every connection at 24 h: switch before that, on our schedule.
    maxConnectionAgeMs: opts.maxConnectionAgeMs ?? cfg.wsMaxConnectionAgeMs,
    // The first connection fails fast (a wrong URL or no network is reported); once up, reconnect forever.
    maxInitialAttempts: cfg.maxRetries + 1,
    connectTimeoutMs: cfg.timeoutMs,
    random: rng ? () => rng.next() : undefined,
    logger: deps.logger,
    secrets,
  });
}
