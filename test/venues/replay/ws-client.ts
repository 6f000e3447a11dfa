import { createHmac, sign } from "node:crypto";
import WebSocket from "ws";
import type { Bar } from "../../../lib/core/bar";
import { REPLAY_CREDENTIALS, startReplayExchange, type ReplayExchange, type StartReplayOptions } from "../../../lib/venues/replay/index";

/** Plain WebSocket clients written from the Binance docs, for the replay exchange tests. */

export const T0 = Date.UTC(2025, 5, 1); // 2025-06-01
export const MIN = 60_000;

/** A deterministic walk around 100 000 (BTCUSDT-like), OHLC-consistent, with trades and taker volume. */
export function bars(n: number, start = T0 - 50 * MIN): Bar[] {
  const out: Bar[] = [];
  let close = 100_000;
  for (let i = 0; i < n; i++) {
    const open = close;
    close = Math.round((open + ((i * 37) % 11) - 5) * 100) / 100;
    const volume = 5 + (i % 4);
    out.push({ ts: start + i * MIN, open, high: Math.max(open, close) + 3, low: Math.min(open, close) - 3, close, volume, trades: 100 + i, quoteVolume: volume * close, takerBuyVolume: volume / 2 });
  }
  return out;
}

export function startExchange(over: Partial<StartReplayOptions> = {}): Promise<ReplayExchange> {
  return startReplayExchange({ symbols: ["BTCUSDT"], from: T0, to: T0 + 30 * MIN, bars: { BTCUSDT: bars(80) }, warmupBars: 50, autoStart: false, seed: 7, ...over });
}

export function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => (cond() ? resolve() : Date.now() - t0 > ms ? reject(new Error(`timed out waiting for ${what}`)) : void setTimeout(tick, 2));
    tick();
  });
}

type Json = Record<string, any>;

/** A WebSocket that keeps every text frame it receives, parsed. */
export class Client {
  readonly frames: Json[] = [];
  closed: { code: number; reason: string } | undefined;
  private seq = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (d: Buffer) => this.frames.push(JSON.parse(d.toString("utf8")) as Json));
    ws.on("close", (code: number, reason: Buffer) => (this.closed = { code, reason: reason.toString() }));
  }

  static open(url: string): Promise<Client> {
    const ws = new WebSocket(url);
    const c = new Client(ws);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(c));
      ws.once("error", reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** Waits for a frame matching `pred` (already received or coming). */
  async next(pred: (f: Json) => boolean, what = "frame"): Promise<Json> {
    await until(() => this.frames.some(pred), what);
    return this.frames.find(pred)!;
  }

  /** WebSocket API request; resolves with the response carrying the same id. */
  async call(method: string, params?: Json): Promise<Json> {
    const id = `r${++this.seq}`;
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.next((f) => f.id === id, `response to ${method}`);
  }

  events(pred: (e: Json) => boolean = () => true): Json[] {
    return this.frames.filter((f) => f.event !== undefined && pred(f.event as Json));
  }

  close(): void {
    this.ws.close();
  }
}

/** web-socket-api.md "SIGNED request security" step 1: params but signature, sorted, name=value joined by &. */
export function payloadOf(params: Json): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${k}=${typeof params[k] === "string" ? params[k] : JSON.stringify(params[k])}`)
    .join("&");
}

export type KeyKind = "HMAC" | "RSA" | "ED25519";

/** The API key of each kind of the replay's test credentials. */
export const apiKeyOf = (kind: KeyKind): string => (kind === "HMAC" ? REPLAY_CREDENTIALS.apiKey : kind === "RSA" ? REPLAY_CREDENTIALS.rsa.apiKey : REPLAY_CREDENTIALS.ed25519.apiKey);

/** Step 2: HMAC-SHA256 hex, RSASSA-PKCS1-v1_5 SHA-256 base64, Ed25519 base64. */
export function signatureOf(kind: KeyKind, payload: string): string {
  if (kind === "HMAC") return createHmac("sha256", REPLAY_CREDENTIALS.apiSecret).update(payload, "utf8").digest("hex");
  if (kind === "RSA") return sign("sha256", Buffer.from(payload, "utf8"), REPLAY_CREDENTIALS.rsa.privateKey).toString("base64");
  return sign(null, Buffer.from(payload, "utf8"), REPLAY_CREDENTIALS.ed25519.privateKey).toString("base64");
}

/** Params with apiKey, timestamp and signature added (step 3). */
export function signed(kind: KeyKind, params: Json, timestamp: number): Json {
  const p = { ...params, apiKey: apiKeyOf(kind), timestamp };
  return { ...p, signature: signatureOf(kind, payloadOf(p)) };
}
