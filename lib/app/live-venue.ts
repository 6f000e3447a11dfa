import type { ConfigOf } from "../config/kinds";
import { instantToMs } from "../config/schemas/common";
import { timeframeMs } from "../core/bar";
import type { Clock } from "../core/clock";
import { ConfigError, TradelabError } from "../core/errors";
import type { ExchangeInfoPort } from "../core/ports/exchange-info.port";
import type { ExecutionPort } from "../core/ports/execution.port";
import type { MarketDataPort } from "../core/ports/market-data.port";
import { openDataSession, sqlStr } from "../infra/data/index";
import type { Logger } from "../infra/logger";
import { SystemClock } from "../infra/system-clock";
import type { VenueCapabilities } from "../venues/capabilities";
import { createVenueAdapters } from "../venues/registry";
import { REPLAY_CREDENTIALS, startReplayExchange, type ReplayExchange, type StartReplayOptions } from "../venues/replay/index";

type LiveConfig = ConfigOf<"live">;

/** The venue side of a live run: ports, the runner's clock, and the in-process replay exchange when there is one. */
export interface LiveVenue {
  name: string;
  capabilities: VenueCapabilities;
  marketData: MarketDataPort;
  exchangeInfo: ExchangeInfoPort;
  /** Absent in dry runs. */
  execution?: ExecutionPort;
  /** The runner's "now": venue-synchronised wall time, or the replay exchange's time. */
  clock: Clock;
  /** Called with each bar's close time as it arrives (a clock that follows a remote replay uses it). */
  onBarClose(closeTs: number): void;
  /** Re-measures the clock offset (real venues); returns venue - local ms. */
  syncClock(): Promise<number>;
  /** Reachability probe for readiness; resolves with the clock drift (0 for the replay, whose time is simulated). */
  probe(): Promise<number>;
  /** The replay exchange started for this run (in-process replay only). */
  replay?: ReplayExchange;
  /** A short description for logs and the summary. */
  description: string;
  close(): Promise<void>;
}

export interface OpenVenueOptions {
  dryRun: boolean;
  /** Attach to a replay exchange already running at this URL instead of starting one. */
  replayUrl?: string;
  /** Replay speed (in-process exchange; also the rate a remote replay's clock is followed at). */
  speed: number;
  /** Seed of the replay exchange's simulator. */
  seed: number;
  /** Bars of history the replay must serve before its first bar (the runner's warm-up). */
  warmupBars: number;
  logger: Logger;
  /** In-process replay: false starts the exchange paused (the caller steps it). Default: paced from the first subscription. */
  autoStart?: boolean;
}

/**
 * Follows a replay exchange running elsewhere: its time only moves when a bar closes, so "now" is
 * the close of the latest bar plus the wall time since, scaled by the replay speed (time keeps
 * moving if bars stop coming, which is how stale data is noticed).
 */
export class ReplayFollowerClock implements Clock {
  private anchor: number;
  private anchorWall: number;
  constructor(
    start: number,
    private readonly speed: number,
    private readonly wall: () => number = Date.now,
  ) {
    this.anchor = start;
    this.anchorWall = wall();
  }
  now(): number {
    return this.anchor + Math.max(0, this.wall() - this.anchorWall) * this.speed;
  }
  follow(venueTs: number): void {
    this.anchor = venueTs;
    this.anchorWall = this.wall();
  }
}

/** The venue adapter config a live `exchange:` section describes (keys match the adapters' schemas). */
export function adapterConfigOf(ex: LiveConfig["exchange"]): Record<string, unknown> {
  const skip = new Set(["venue", "symbols", "timeframe", "options", "host", "port", "dataVenue", "from", "to", "balances"]);
  const out: Record<string, unknown> = { ...ex.options };
  for (const [k, v] of Object.entries(ex)) if (!skip.has(k) && v !== undefined) out[k] = v;
  return out;
}

async function replayRange(ex: Extract<LiveConfig["exchange"], { venue: "replay" }>, warmupBars: number): Promise<{ from: number; to: number }> {
  const tf = timeframeMs(ex.timeframe);
  if (ex.from !== undefined && ex.to !== undefined) return { from: instantToMs(ex.from), to: instantToMs(ex.to) };
  const session = await openDataSession({ threads: 1 });
  try {
    const sym = ex.symbols[0]!;
    const r = await session.queryColumns(`SELECT min(ts_ms) AS a, max(ts_ms) AS b FROM bars WHERE venue = ${sqlStr(ex.dataVenue)} AND symbol = ${sqlStr(sym)} AND timeframe = ${sqlStr(ex.timeframe)}`);
    const a = r.a?.[0];
    const b = r.b?.[0];
    if (a === undefined || b === undefined || !Number.isFinite(a)) throw new ConfigError(`exchange: no ${ex.dataVenue} ${sym} ${ex.timeframe} bars under data/bars for the replay`, { path: "exchange.symbols" });
    return { from: ex.from !== undefined ? instantToMs(ex.from) : a + warmupBars * tf, to: ex.to !== undefined ? instantToMs(ex.to) : b + tf };
  } finally {
    session.close();
  }
}

async function ping(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v3/ping`);
  if (!res.ok) throw new TradelabError("VENUE_UNAVAILABLE", `replay exchange at ${url}: ping answered HTTP ${res.status}`);
  await res.arrayBuffer();
  return 0;
}

/** The replay's clock jumps a bar at a time: measure its offset once, at start (and after -1021), not periodically. */
const replayAdapterDefaults = { timeSyncIntervalMs: 0 };

async function serverTime(url: string): Promise<number> {
  try {
    const res = await fetch(`${url.replace(/\/$/, "")}/api/v3/time`);
    const body = (await res.json()) as { serverTime?: unknown };
    if (typeof body.serverTime !== "number") throw new Error(`unexpected answer ${JSON.stringify(body).slice(0, 200)}`);
    return body.serverTime;
  } catch (e) {
    throw new TradelabError("VENUE_UNAVAILABLE", `replay exchange at ${url} is not reachable: ${(e as Error).message}`, { details: { url } });
  }
}

/** Starts (or attaches to) the venue and creates its ports. */
export async function openVenue(cfg: LiveConfig, o: OpenVenueOptions): Promise<LiveVenue> {
  const ex = cfg.exchange;
  const log = o.logger.child({ component: "venue" });
  if (ex.venue === "replay") {
    const creds = { apiKey: ex.apiKey ?? REPLAY_CREDENTIALS.apiKey, apiSecret: ex.apiSecret ?? REPLAY_CREDENTIALS.apiSecret };
    if (o.replayUrl !== undefined) {
      const url = o.replayUrl.replace(/\/$/, "");
      const clock = new ReplayFollowerClock(await serverTime(url), o.speed);
      const a = createVenueAdapters("replay", { ...replayAdapterDefaults, ...adapterConfigOf(ex), restBaseUrl: url, wsBaseUrl: url.replace(/^http/, "ws"), ...creds }, { clock, logger: log });
      return {
        name: "replay",
        capabilities: a.capabilities,
        marketData: a.marketData!,
        exchangeInfo: a.exchangeInfo!,
        execution: o.dryRun ? undefined : a.execution,
        clock,
        onBarClose: (t) => clock.follow(t),
        syncClock: async () => (await a.exchangeInfo!.clockDriftMs?.()) ?? 0,
        probe: () => ping(url),
        description: `replay exchange at ${url} (attached, followed at ${o.speed}x)`,
        close: async () => undefined,
      };
    }
    const range = await replayRange(ex, o.warmupBars);
    const replay = await startReplayExchange({
      symbols: [...ex.symbols],
      timeframe: ex.timeframe,
      from: range.from,
      to: range.to,
      speed: o.speed,
      port: ex.port,
      dataVenue: ex.dataVenue,
      warmupBars: Math.max(1000, o.warmupBars),
      sim: cfg.execution as StartReplayOptions["sim"],
      seed: o.seed,
      ...(o.autoStart === false ? { autoStart: false } : {}),
      balances: { ...ex.balances },
      ...creds,
      logger: o.logger.child({ component: "replay" }),
    });
    const a = createVenueAdapters("replay", { ...replayAdapterDefaults, ...adapterConfigOf(ex), ...replay.adapterConfig }, { clock: replay.clock, logger: log });
    return {
      name: "replay",
      capabilities: a.capabilities,
      marketData: a.marketData!,
      exchangeInfo: a.exchangeInfo!,
      execution: o.dryRun ? undefined : a.execution,
      clock: replay.clock,
      onBarClose: () => undefined,
      syncClock: async () => (await a.exchangeInfo!.clockDriftMs?.()) ?? 0,
      probe: () => ping(replay.baseUrl),
      replay,
      description: `replay exchange ${replay.baseUrl} (${new Date(range.from).toISOString().slice(0, 16)} to ${new Date(range.to).toISOString().slice(0, 16)} UTC at ${o.speed}x)`,
      close: () => replay.close(),
    };
  }
  const clock = new SystemClock();
  const syncClock = async (): Promise<number> => {
    const d = (await a.exchangeInfo!.clockDriftMs?.()) ?? 0;
    clock.setOffset(d);
    return d;
  };
  const a = createVenueAdapters(ex.venue, adapterConfigOf(ex), { clock: new SystemClock(), logger: log });
  if (!a.marketData || !a.exchangeInfo) throw new ConfigError(`venue ${ex.venue} provides no market data or exchange info for the live runner`, { path: "exchange.venue" });
  if (!o.dryRun && !a.execution) throw new ConfigError(`venue ${ex.venue} has no order entry: use --dry-run, or a venue with execution`, { path: "exchange.venue" });
  return {
    name: ex.venue,
    capabilities: a.capabilities,
    marketData: a.marketData,
    exchangeInfo: a.exchangeInfo,
    execution: o.dryRun ? undefined : a.execution,
    clock,
    onBarClose: () => undefined,
    syncClock,
    probe: syncClock,
    description: `${ex.venue} (${a.capabilities.realMoney ? "REAL MONEY" : "no real money"})`,
    close: async () => undefined,
  };
}
