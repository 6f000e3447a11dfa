import { ManualClock } from "../../../lib/core/clock";
import type { Bar } from "../../../lib/core/bar";
import type { LogSink } from "../../../lib/infra/http/logger";
import { SeededRng } from "../../../lib/sim/rng";
import type { VenueDeps } from "../../../lib/venues/capabilities";
import { binanceConfigSchema, type BinanceConfigInput } from "../../../lib/venues/binance/config";
import { createBinanceVenue, type BinanceVenue } from "../../../lib/venues/binance/index";
import { TEST_ED25519_PRIVATE_KEY, TEST_ED25519_PUBLIC_KEY, TEST_RSA_PRIVATE_KEY, TEST_RSA_PUBLIC_KEY } from "./keys";
import { BinanceLoopback, type LoopbackOptions } from "./loopback-server";

/** Binance's published example key pair (rest-api.md): illustrative, not a real account. */
export const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
export const API_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
/** The API keys of the docs' RSA and Ed25519 examples (web-socket-api.md), paired with the test keys. */
export const RSA_API_KEY = "CAvIjXy3F44yW6Pou5k8Dy1swsYDWJZLeoK2r8G4cFDnE9nosRppc2eKc1T8TRTQ";
export const ED25519_API_KEY = "4yNzx3yWC5bS6YTwEkSRaC0nRmSQIIStAUOh1b6kqaBrTLIhjCpI5lJH8q8R8WNO";

export type KeyType = "hmac" | "rsa" | "ed25519";

/** The loopback account and the adapter credentials for one key type. */
export function credentials(keyType: KeyType): { account: Pick<LoopbackOptions, "apiKey" | "apiSecret" | "keyType" | "publicKeyPem">; cfg: BinanceConfigInput } {
  if (keyType === "rsa") return { account: { apiKey: RSA_API_KEY, keyType, publicKeyPem: TEST_RSA_PUBLIC_KEY }, cfg: { apiKey: RSA_API_KEY, keyType, apiSecret: TEST_RSA_PRIVATE_KEY } };
  if (keyType === "ed25519") return { account: { apiKey: ED25519_API_KEY, keyType, publicKeyPem: TEST_ED25519_PUBLIC_KEY }, cfg: { apiKey: ED25519_API_KEY, keyType, apiSecret: TEST_ED25519_PRIVATE_KEY } };
  return { account: { apiKey: API_KEY, apiSecret: API_SECRET, keyType }, cfg: { apiKey: API_KEY, apiSecret: API_SECRET } };
}

/** 2024-01-01T00:00:00Z */
export const T0 = 1_704_067_200_000;
export const MIN = 60_000;

export interface LogEntry {
  level: string;
  obj: Record<string, unknown>;
  msg?: string;
}

export function captureLogger(entries: LogEntry[]): LogSink {
  const rec = (level: string) => (obj: Record<string, unknown>, msg?: string) => entries.push({ level, obj, msg });
  return { debug: rec("debug"), info: rec("info"), warn: rec("warn"), error: rec("error") };
}

export interface Harness {
  clock: ManualClock;
  server: BinanceLoopback;
  venue: BinanceVenue;
  deps: VenueDeps;
  sleeps: number[];
  logs: LogEntry[];
  close(): Promise<void>;
}

/**
 * A loopback Binance and an adapter pointed at it, sharing one manual clock. Waits requested by the
 * adapter advance the clock instead of sleeping, so backoff, Retry-After and recvWindow logic run
 * instantly and deterministically.
 */
export async function setup(opts: { bars?: Record<string, Bar[]>; cfg?: BinanceConfigInput; name?: string; now?: number; keyType?: KeyType } = {}): Promise<Harness> {
  const clock = new ManualClock(opts.now ?? T0);
  const creds = credentials(opts.keyType ?? "hmac");
  const server = await new BinanceLoopback({ clock, ...creds.account, bars: opts.bars }).start();
  const sleeps: number[] = [];
  const logs: LogEntry[] = [];
  const deps: VenueDeps = {
    clock,
    logger: captureLogger(logs),
    rng: new SeededRng(42),
    sleep: (ms) => {
      sleeps.push(ms);
      clock.advance(Math.max(0, ms));
      return Promise.resolve();
    },
  };
  const cfg = binanceConfigSchema.parse({
    restBaseUrl: server.baseUrl,
    wsBaseUrl: server.wsUrl,
    wsApiBaseUrl: `${server.wsUrl}/ws-api/v3`,
    ...creds.cfg,
    timeoutMs: 300,
    reconnect: { initialMs: 10, maxMs: 50 },
    ...opts.cfg,
  });
  const venue = createBinanceVenue(opts.name ?? "binance", cfg, deps);
  return { clock, server, venue, deps, sleeps, logs, close: () => server.close() };
}

/** Polls until `cond` holds (real time; the loopback delivers frames asynchronously). */
export function until(cond: () => boolean, what = "condition", ms = 5000): Promise<void> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const tick = (): void => {
      if (cond()) resolve();
      else if (Date.now() - t0 > ms) reject(new Error(`timed out waiting for ${what}`));
      else setTimeout(tick, 5);
    };
    tick();
  });
}
