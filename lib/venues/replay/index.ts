import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { timeframeMs, type Bar } from "../../core/bar";
import type { Clock } from "../../core/clock";
import { ConfigError, TradelabError } from "../../core/errors";
import { silentLogger } from "../../infra/http/logger";
import { systemClock } from "../../infra/system-clock";
import { toEpochMs } from "../../infra/data/timeframe";
import { createExecutionModels } from "../../sim/execution-models";
import { loadExecutionData } from "../../sim/loaders";
import { ReplayClock } from "../../sim/replay-clock";
import { SimulatedVenue } from "../../sim/simulated-venue";
import { replayOptionsSchema, type StartReplayOptions } from "./config";
import { ReplayExchangeInfo } from "./exchange-info";
import { ReplayOrders } from "./execution";
import { replayRequestHandler } from "./http";
import { ReplayBars, loadReplayBars } from "./market-data";
import { ReplayPacer } from "./pacer";
import { dec } from "./parse";
import { MarketStreams, UserStreams, attachStreams } from "./ws";

export { REPLAY_CREDENTIALS, replayOptionsSchema } from "./config";
export type { StartReplayOptions, ReplayOptionsInput, ReplayConfig } from "./config";

export interface ReplayProgress {
  /** Bars (steps) replayed so far and in all. */
  processed: number;
  total: number;
  /** Exchange time, ms. */
  simNow: number;
  orders: number;
  trades: number;
}

export interface ReplaySummary extends ReplayProgress {
  /** Wall ms from start to the last bar. */
  wallMs: number;
}

/** A running replay exchange. */
export interface ReplayExchange {
  /** REST base URL (http://127.0.0.1:<port>). */
  baseUrl: string;
  /** WebSocket streams base URL (ws://127.0.0.1:<port>). */
  wsUrl: string;
  port: number;
  /** The exchange's (simulated) clock. In-process clients should use it as their Clock. */
  clock: Clock;
  /** Config for the "replay" venue of the registry: createVenueAdapters("replay", exchange.adapterConfig). */
  adapterConfig: { restBaseUrl: string; wsBaseUrl: string; apiKey: string; apiSecret: string };
  symbols: readonly string[];
  timeframe: string;
  /** First replayed bar (open time) and end (exclusive), ms. */
  from: number;
  to: number;
  /** The simulator behind the exchange: every fill with its requested price, fee, slippage and latency. */
  venue: SimulatedVenue;
  /** Resolves after the last bar has been replayed. */
  done: Promise<ReplaySummary>;
  progress(): ReplayProgress;
  /** Starts or continues pacing. */
  resume(): void;
  pause(): void;
  /** While paused: replays up to n bars at once; resolves with how many were replayed. */
  step(n?: number): Promise<number>;
  /** Disconnects every WebSocket client (fault injection; clients reconnect). */
  dropStreams(): void;
  /** Stops pacing, closes every connection and the server. */
  close(): Promise<void>;
}

function klineEvent(symbol: string, interval: string, tf: number, b: Bar): Record<string, unknown> {
  return {
    e: "kline", E: b.ts + tf, s: symbol,
    k: {
      t: b.ts, T: b.ts + tf - 1, s: symbol, i: interval, f: -1, L: -1, o: dec(b.open), c: dec(b.close), h: dec(b.high), l: dec(b.low), v: dec(b.volume),
      n: b.trades ?? 0, x: true, q: dec(b.quoteVolume ?? 0), V: dec(b.takerBuyVolume ?? 0), Q: dec((b.takerBuyVolume ?? 0) * b.close), B: "0",
    },
  };
}

/**
 * Starts a local exchange on 127.0.0.1 that speaks the Binance spot protocol subset the Binance
 * adapter uses (time, exchangeInfo, klines, account, order new/query/cancel, openOrders, myTrades,
 * listen keys; kline and user-data WebSocket streams), replays real bars from data/ at `speed`, and
 * fills orders with the simulator (fees, slippage, latency, filters) through a SimulatedVenue.
 *
 * Time: the exchange clock starts at `from` and jumps to each bar's close as the bar is replayed.
 * With autoStart "on-subscribe" (the default) pacing begins when the first kline stream connects,
 * so a client can warm up from the klines endpoint first (warmupBars of history before `from`).
 */
export async function startReplayExchange(options: StartReplayOptions): Promise<ReplayExchange> {
  const { clock: wall = systemClock, logger = silentLogger, ...raw } = options;
  const parsed = replayOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0]!;
    throw new ConfigError(`replay exchange: ${i.path.join(".") || "(root)"}: ${i.message}`, { path: `replay.${i.path.join(".")}` });
  }
  const cfg = parsed.data;
  const from = toEpochMs(cfg.from, "replay from");
  const to = toEpochMs(cfg.to, "replay to");
  const tf = timeframeMs(cfg.timeframe);
  if (!(from < to)) throw new ConfigError(`replay exchange: from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`, { path: "replay.from" });
  if (from % tf !== 0) throw new ConfigError(`replay exchange: from must be aligned to ${cfg.timeframe} bars`, { path: "replay.from" });
  const root = cfg.simRoot ?? process.cwd();

  const series = await loadReplayBars(cfg, from, to, tf);
  const bars = new ReplayBars(series, tf, from, to);
  const info = new ReplayExchangeInfo(cfg.sim.filters.file, cfg.symbols, root);
  const models = createExecutionModels(cfg.sim, loadExecutionData(cfg.sim, root), cfg.seed);
  bars.attachExecution(models);
  const warmStart = Math.min(...[...series.values()].map((s) => (s.length ? s.ts[0]! : from)));
  const simClock = new ReplayClock(Math.min(warmStart, from));
  const venue = new SimulatedVenue({ venue: "replay", models, clock: simClock, timeframeMs: tf, balances: cfg.balances });
  // Warm-up bars go through the simulator too: its volatility and volume estimates start informed.
  for (const [symbol, s] of series) for (let i = 0; i < s.length && s.ts[i]! < from; i++) venue.onBar(symbol, { ts: s.ts[i]!, open: s.open[i]!, high: s.high[i]!, low: s.low[i]!, close: s.close[i]!, volume: s.volume[i]! });
  if (simClock.now() < from) simClock.advanceTo(from);

  const market = new MarketStreams();
  const users = new UserStreams(() => wall.now());
  const orders = new ReplayOrders(venue, info, () => simClock.now(), (e) => users.broadcast(e));
  await orders.start();

  const processStep = (ts: number): void => {
    const emitted: [string, Bar][] = [];
    for (const symbol of cfg.symbols) {
      const bar = bars.barAt(symbol, ts);
      if (!bar) continue;
      venue.onBar(symbol, bar);
      emitted.push([symbol, bar]);
    }
    if (simClock.now() < ts + tf) simClock.advanceTo(ts + tf);
    for (const [symbol, bar] of emitted) market.publish(`${symbol.toLowerCase()}@kline_${cfg.timeframe}`, klineEvent(symbol, cfg.timeframe, tf, bar));
    users.sweep(simClock.now());
  };
  const pacer = new ReplayPacer(bars.steps, processStep, { intervalMs: tf / cfg.speed, settleMs: cfg.settleMs, wallNow: () => wall.now(), onPace: (running) => orders.setHolding(running) });

  const server = createServer(
    replayRequestHandler({
      apiKey: cfg.apiKey,
      apiSecret: cfg.apiSecret,
      now: () => simClock.now(),
      timeScale: () => cfg.speed,
      timeframe: cfg.timeframe,
      bars,
      info,
      orders,
      users,
      symbols: cfg.symbols,
      logger,
      wallNow: () => wall.now(),
      onRequest: (phase) => pacer.onRequest(phase),
    }),
  );
  const streams = attachStreams(server, market, users, cfg.pingIntervalMs);
  let manual = false;
  if (cfg.autoStart === "on-subscribe") {
    market.onAttach = () => {
      if (pacer.isPaused && pacer.processed === 0 && !manual) pacer.resume();
    };
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => reject(new TradelabError("VENUE_UNAVAILABLE", `replay exchange cannot listen on 127.0.0.1:${cfg.port}: ${e.message}`, { details: { port: cfg.port } })));
    server.listen(cfg.port, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}`;
  const startedWall = wall.now();
  const progress = (): ReplayProgress => ({ processed: pacer.processed, total: pacer.total, simNow: simClock.now(), ...orders.counts });
  const done = pacer.done.then(() => {
    orders.endOfReplay(); // orders waiting for a bar that will never come are answered as they stand
    return { ...progress(), wallMs: wall.now() - startedWall };
  });
  if (cfg.autoStart === true) pacer.resume();
  logger.info({ baseUrl, symbols: cfg.symbols, timeframe: cfg.timeframe, from: new Date(from).toISOString(), to: new Date(to).toISOString(), bars: bars.steps.length, speed: cfg.speed }, "replay exchange listening");

  return {
    baseUrl,
    wsUrl,
    port,
    clock: simClock,
    adapterConfig: { restBaseUrl: baseUrl, wsBaseUrl: wsUrl, apiKey: cfg.apiKey, apiSecret: cfg.apiSecret },
    symbols: cfg.symbols,
    timeframe: cfg.timeframe,
    from,
    to,
    venue,
    done,
    progress,
    resume: () => {
      manual = false;
      pacer.resume();
    },
    pause: () => {
      manual = true;
      pacer.pause();
    },
    step: async (n = 1) => {
      manual = true;
      pacer.pause();
      const k = pacer.step(n);
      // Let the frames reach the sockets before the caller looks at the client side.
      await new Promise((r) => setImmediate(r));
      return k;
    },
    dropStreams: () => {
      market.dropAll();
      users.dropAll();
    },
    close: async () => {
      pacer.close();
      orders.endOfReplay();
      await new Promise((r) => setImmediate(r)); // the answers just released reach their sockets first
      streams.stop();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
