import { timeframeMs } from "../core/bar";
import { TradelabError, isTradelabError } from "../core/errors";
import type { BarEvent } from "../core/events";
import type { Instrument } from "../core/instrument";
import type { FeeRates } from "../core/ports/exchange-info.port";
import type { Subscription } from "../core/ports/market-data.port";
import { checkBarFiles, checkDiskSpace, checkReferenceFile, checkStateWritable, type CheckResult } from "../infra/doctor-checks";
import { startHealthServer, type HealthServer } from "../infra/health-server";
import { createLoggerFromConfig, type Logger, type LogStream } from "../infra/logger";
import { JsonStateStore } from "../infra/state-store";
import { NoTradeWindows, type NoTradeConfig } from "../risk/no-trade";
import { RiskGuard } from "../risk/risk-guard";
import type { KillSwitch } from "../risk/kill-switch";
import { loadCheckpointModel, type CheckpointModel } from "../services/checkpoint-policy";
import { reconcileWithVenue } from "../services/reconcile";
import { AccountBook } from "../services/signal-runner/account-book";
import { ConformalSizer } from "../services/signal-runner/conformal-sizer";
import { DecisionLedger } from "../services/signal-runner/decision-ledger";
import { SignalRunner } from "../services/signal-runner/runner";
import { loadLiveRunConfig, type LiveConfig, type LiveOverrides } from "./live-config";
import { flagPresent, StaleMonitor, watchFlagFile } from "./live-guards";
import { LiveMetrics, readinessChecks, registerLiveGauges, ResourceMonitor, type ReadyInputs } from "./live-health";
import { createKillSwitch, openJournal, recentIntents, statePaths, syncStateFiles, type StatePaths, type TaggedJournal } from "./live-state";
import { formatSummary, quantile, type LiveSummary } from "./live-summary";
import { openVenue, type LiveVenue } from "./live-venue";

/** What `npm run live` asks for: the config file, command-line overrides and where output goes. */
export interface LiveRequest extends LiveOverrides {
  config: string;
  /** Attach to a replay exchange already running at this URL (venue replay). */
  replayUrl?: string;
  /** Seed of the in-process replay exchange's simulator. Default 0. */
  seed?: number;
  /** Environment for ${VAR} in the config and for keys. Default process.env. */
  env?: Record<string, string | undefined>;
  /** Summary and progress lines. Default stdout. */
  out?: (line: string) => void;
  /** Log lines. Default stdout. */
  logStream?: LogStream;
  /** In-process replay: false leaves the exchange paused for the caller to step (tests). Default: paced. */
  replayAutoStart?: boolean;
}

/** Exit codes of `npm run live` (documented in --help). */
export const EXIT = { ok: 0, error: 1, usage: 2, killSwitch: 3 } as const;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

async function bounded<T>(ms: number, p: Promise<T>): Promise<T | undefined> {
  return Promise.race([p, sleep(ms).then(() => undefined)]);
}

/**
 * The live runner's composition root. `run()` performs the start-up sequence (config, logging with
 * secret masking, start-up checks, kill switch, model with its schema-hash check, venue adapters and
 * a connectivity check, state and reconciliation, health server, warm-up from REST history), then
 * trades on each closed bar until stopped (signal, --max-bars, end of the replay, kill switch or a
 * fatal error), then shuts down cleanly and returns the summary. It never throws.
 */
export class LiveApp {
  private cfg!: LiveConfig;
  private log!: Logger;
  private venue?: LiveVenue;
  private model?: CheckpointModel;
  private runner?: SignalRunner;
  private ks?: KillSwitch;
  private guard?: RiskGuard;
  private journal?: TaggedJournal;
  private health?: HealthServer;
  private monitor?: ResourceMonitor;
  private stale?: StaleMonitor;
  private stopFlagWatch?: () => void;
  private barSub?: Subscription;
  private paths?: StatePaths;
  private flushTimer?: NodeJS.Timeout;
  private execSub?: Subscription;
  private stopReason: string | undefined;
  private exitCode: number = EXIT.ok;
  private error: string | undefined;
  private wake!: () => void;
  private readonly stopped = new Promise<void>((r) => (this.wake = r));
  private barChain: Promise<void> = Promise.resolve();
  private readonly started = Date.now();
  private reconcileDiffs = 0;
  private processed = 0;
  private tradingSince: number | undefined;
  private firstBar = Number.NaN;
  private lastBar = Number.NaN;
  private tfMs = 60_000;
  private refreshGauges: () => void = () => undefined;
  private readonly out: (line: string) => void;
  readonly runId = `${Date.now().toString(36)}-${process.pid}`;

  constructor(private readonly req: LiveRequest) {
    this.out = req.out ?? ((s) => process.stdout.write(`${s}\n`));
  }

  /** Asks the run to end (signal handler, kill switch, tests); the shutdown sequence follows. */
  requestStop(reason: string, exitCode: number = EXIT.ok): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    if (exitCode > this.exitCode) this.exitCode = exitCode;
    this.wake();
  }

  /** The health server's URL once started. */
  get healthUrl(): string | undefined {
    return this.health?.url;
  }

  /** The in-process replay exchange, once started. */
  get replay(): LiveVenue["replay"] {
    return this.venue?.replay;
  }

  /** True from the end of the start-up sequence until a stop is requested. */
  get trading(): boolean {
    return this.tradingSince !== undefined && this.stopReason === undefined;
  }

  /** Live bars fully processed (decision made and the venue's answer to its order in). */
  get barsDone(): number {
    return this.processed;
  }

  get stats(): SignalRunner["stats"] | undefined {
    return this.runner?.stats;
  }

  async run(): Promise<LiveSummary> {
    try {
      await this.startup();
      if (this.stopReason === undefined) await this.stopped;
    } catch (e) {
      this.fail(e);
    }
    return this.shutdown();
  }

  private fail(e: unknown): void {
    const msg = e instanceof Error ? e.message : String(e);
    if (this.error === undefined) this.error = isTradelabError(e) ? `${msg} [${e.code}]` : msg;
    const detail = isTradelabError(e) ? { code: e.code, details: e.details } : { stack: (e as Error)?.stack };
    if (this.log) this.log.fatal({ err: msg, ...detail }, "live runner stopping on an error");
    else process.stderr.write(`error: ${this.error}\n`);
    this.requestStop("error", EXIT.error);
  }

  private step(name: string, fields: Record<string, unknown> = {}): void {
    this.log.info(fields, `startup: ${name}`);
  }

  private async startup(): Promise<void> {
    const env = this.req.env ?? process.env;
    this.cfg = loadLiveRunConfig(this.req.config, this.req, env);
    const cfg = this.cfg;
    this.log = createLoggerFromConfig(cfg.logging, cfg, { name: "live", stream: this.req.logStream, base: { run: this.runId } });
    const ex = cfg.exchange;
    this.tfMs = timeframeMs(ex.timeframe);
    this.step("config loaded", { config: this.req.config, venue: ex.venue, symbols: ex.symbols, timeframe: ex.timeframe, model: cfg.live.modelPath, dryRun: cfg.live.dryRun, maxBars: cfg.live.maxBars });
    const inProcessReplay = ex.venue === "replay" && this.req.replayUrl === undefined;
    const paths = statePaths(cfg, inProcessReplay);
    this.runChecks(inProcessReplay, paths.sessionDir);
    await this.checkDisk();

    // kill switch first: a tripped switch stays halted across restarts until an operator resets it
    const ks = createKillSwitch(cfg);
    await ks.load();
    this.ks = ks;
    if (ks.tripped || flagPresent(cfg.risk.killSwitch.flagFile)) {
      const why = ks.tripped ? `${ks.state.reason} (at ${new Date(ks.state.trippedAt).toISOString()}, by ${ks.state.source})` : `flag file ${cfg.risk.killSwitch.flagFile} present`;
      this.log.error({ reason: why }, "kill switch is tripped: not trading. Inspect with `npm run kill-switch -- status`, clear with `npm run kill-switch -- reset`");
      this.error = `kill switch tripped: ${why}`;
      return this.requestStop("kill-switch", EXIT.killSwitch);
    }

    const wantConformal = cfg.conformal.enabled;
    try {
      this.model = loadCheckpointModel(cfg.live.modelPath, { critics: wantConformal });
    } catch (e) {
      if (this.req.demo && isTradelabError(e) && e.code === "CHECKPOINT_INVALID") {
        throw new TradelabError("CHECKPOINT_INVALID", `${e.message}. The demo needs ${cfg.live.modelPath}: train it with \`npm run train -- --out ${cfg.live.modelPath}\` (or pass --model)`);
      }
      throw e;
    }
    const model = this.model;
    const warmupBars = cfg.live.warmupBars ?? Math.max(model.pipeline.warmup + 1, 5 * model.pipeline.warmup);
    this.step("model loaded; feature schema hash matches this code's pipeline", { dir: model.dir, featureSchemaHash: model.pipeline.hash.slice(0, 16), observation: model.obsSize, warmup: model.pipeline.warmup, longOnly: model.env.longOnly, leverage: model.env.maxPositionFraction });

    this.venue = await openVenue(cfg, { dryRun: cfg.live.dryRun, replayUrl: this.req.replayUrl, speed: cfg.live.speed, seed: this.req.seed ?? 0, warmupBars, logger: this.log, autoStart: this.req.replayAutoStart });
    const venue = this.venue;
    const instruments = new Map<string, Instrument>();
    const fees = new Map<string, FeeRates>();
    for (const i of await venue.exchangeInfo.instruments(ex.symbols)) instruments.set(i.symbol, i);
    for (const s of ex.symbols) fees.set(s, await venue.exchangeInfo.fees(s));
    const drift = await venue.syncClock();
    const quotes = new Set([...instruments.values()].map((i) => i.quoteAsset));
    if (quotes.size !== 1) throw new TradelabError("CONFIG_INVALID", `symbols ${ex.symbols.join(", ")} trade in several quote assets (${[...quotes].join(", ")}); run one runner per quote asset`);
    const quote = [...quotes][0]!;
    this.step("venue connected", { venue: venue.description, driftMs: drift, quote, execution: venue.execution ? "on" : "off (dry run)" });
    if (Math.abs(drift) > cfg.live.health.maxClockDriftMs) this.log.warn({ driftMs: drift, limitMs: cfg.live.health.maxClockDriftMs }, "clock drift to the venue above the readiness limit (signed requests are corrected; check NTP)");

    this.paths = paths;
    const store = new JsonStateStore(paths.sessionDir, { fsync: false });
    const ledger = new DecisionLedger(store);
    await ledger.load();
    if (!inProcessReplay) {
      const adopted = ledger.adoptIntents(recentIntents(paths.journalDir, venue.name, ex.symbols));
      if (adopted > 0) this.log.warn({ intents: adopted }, "journal has decisions newer than ttl_state.json (a crash after sending): their orders are looked up at the venue");
    }
    const book = new AccountBook(store, quote, (s) => instruments.get(s)?.baseAsset ?? s);
    const firstStart = !(await book.load());
    this.journal = openJournal(paths.journalDir, venue.clock, { run: this.runId, venue: venue.name });
    const journal = this.journal;
    this.flushTimer = setInterval(() => void journal.flush(), 1000);
    this.flushTimer.unref();
    const guard = new RiskGuard(cfg.risk);
    this.guard = guard;
    const conformal = this.buildConformal(model);
    const metrics = new LiveMetrics();
    const runner = new SignalRunner({
      model,
      symbols: ex.symbols,
      timeframeMs: this.tfMs,
      clock: venue.clock,
      execution: venue.execution,
      venue: venue.name,
      instruments,
      feeRates: fees,
      allowShort: venue.capabilities.shortSelling,
      guard,
      killSwitch: ks,
      noTrade: new NoTradeWindows(cfg.noTrade as NoTradeConfig),
      allowReducingInNoTrade: cfg.noTrade.allowReducing,
      ledger,
      book,
      journal: this.journal,
      log: this.log.child({ component: "runner" }),
      metrics,
      conformal,
      ttlTimeframes: cfg.live.decisionTtlTimeframes,
      sleep,
    });
    this.runner = runner;
    runner.restore();
    this.step("state loaded", { dir: paths.sessionDir, firstStart, cash: book.cash, positions: Object.fromEntries(book.symbols().map((s) => [s, book.qty(s)])) });

    this.monitor = new ResourceMonitor(() => venue.probe(), cfg.live.stateDir);
    await this.monitor.start();
    const ready: ReadyInputs = { cfg: cfg.live.health, clock: venue.clock, timeframeMs: this.tfMs, runner, guard, killSwitch: ks, monitor: this.monitor };
    this.refreshGauges = registerLiveGauges(metrics, ready, conformal);
    if (cfg.live.health.enabled) {
      this.health = await startHealthServer({ port: cfg.live.health.port, host: cfg.live.health.host, checks: readinessChecks(ready), metrics });
      this.step("health server listening", { url: this.health.url, paths: ["/healthz", "/readyz", "/metrics"] });
    }

    if (venue.execution) {
      this.execSub = await venue.execution.subscribe({
        onFill: (e) => runner.onFill(e.fill),
        onOrder: (e) => runner.onOrder(e.order),
        onConnection: (e) => this.onStreamConnection("user data", e.state, e.reason),
        onError: (e) => this.onStreamError("user data", e),
      });
      const diffs = await reconcileWithVenue({ execution: venue.execution, symbols: ex.symbols, quoteAsset: quote, book, ledger, desk: runner.desk, journal: this.journal, clock: venue.clock, log: this.log.child({ component: "reconcile" }), prefix: "tl", firstStart, timeframeMs: this.tfMs });
      this.reconcileDiffs = diffs.length;
      this.step("reconciled with the venue", { differences: diffs.length, cash: book.cash, positions: Object.fromEntries(ex.symbols.map((s) => [s, book.qty(s)])) });
    } else if (firstStart) {
      book.setCash(model.env.initialCash);
      this.step("dry run: paper account", { cash: model.env.initialCash });
    }

    ks.onTrip((s) => {
      this.log.error({ reason: s.reason, source: s.source }, "KILL SWITCH TRIPPED: no new orders; cancelling open orders and shutting down");
      void this.journal?.append("kill_switch", { reason: s.reason, source: s.source, counters: s.counters });
      guard.setState("halted", `kill switch: ${s.reason}`);
      this.requestStop("kill-switch", EXIT.killSwitch);
    });
    const kc = cfg.risk.killSwitch;
    this.stopFlagWatch = watchFlagFile(ks, kc.flagFile, kc.pollIntervalMs, venue.clock, this.log);
    this.stale = new StaleMonitor(ks, () => Math.max(...ex.symbols.map((s) => runner.lastBarTs(s))) + this.tfMs, venue.clock, this.tfMs, cfg.risk.staleAfterTimeframes, this.log);

    await this.warmUp(warmupBars);
    if (this.stopReason !== undefined) return;
    this.barSub = await venue.marketData.subscribeBars(ex.symbols, ex.timeframe, {
      onBar: (e) => this.onBar(e),
      onConnection: (e) => this.onStreamConnection("market data", e.state, e.reason),
      onError: (e) => this.onStreamError("market data", e),
    });
    this.stale.start(Math.max(50, Math.min(kc.pollIntervalMs, this.tfMs / cfg.live.speed / 2)));
    if (venue.replay) void venue.replay.done.then(() => this.onReplayDone());
    this.tradingSince = Date.now();
    this.step("trading", { symbols: ex.symbols, maxBars: cfg.live.maxBars ?? "unbounded", equity: runner.equity() });
  }

  private runChecks(inProcessReplay: boolean, sessionDir: string): void {
    const checks: CheckResult[] = [checkStateWritable(sessionDir)];
    if (inProcessReplay) checks.push(checkBarFiles("data"), checkReferenceFile("data", "binance_filters.json"), checkReferenceFile("data", "fees/fees_by_symbol.json"));
    for (const c of checks) this.log[c.status === "ok" ? "info" : "warn"]({ check: c.name, status: c.status, detail: c.detail }, "startup check");
    const bad = checks.filter((c) => c.status === "fail" && c.critical);
    if (bad.length > 0) throw new TradelabError("INVALID_ARGUMENT", `start-up checks failed: ${bad.map((c) => `${c.name}: ${c.detail}`).join("; ")} (run npm run doctor)`);
  }

  private async checkDisk(): Promise<void> {
    const c = await checkDiskSpace(this.cfg.live.stateDir, this.cfg.live.health.minFreeDiskBytes);
    this.log[c.status === "ok" ? "info" : "warn"]({ check: c.name, status: c.status, detail: c.detail }, "startup check");
    if (c.status === "fail") throw new TradelabError("INVALID_ARGUMENT", `start-up check failed: ${c.name}: ${c.detail}`);
  }

  private buildConformal(model: CheckpointModel): Map<string, ConformalSizer> {
    const out = new Map<string, ConformalSizer>();
    const cc = this.cfg.conformal;
    if (!cc.enabled) {
      if (cc.sizing.mode !== "off") this.log.warn({ mode: cc.sizing.mode }, "conformal sizing is configured but conformal.enabled is false: sizing stays off");
      return out;
    }
    if (model.conformalState === undefined || model.critics === undefined) {
      this.log.warn({ dir: model.dir }, "conformal: the checkpoint has no conformal.json (calibration state): intervals and sizing stay off");
      return out;
    }
    for (const s of this.cfg.exchange.symbols) out.set(s, ConformalSizer.fromState(model.conformalState, cc, model.critics, model.gamma, `${model.dir}/conformal.json`));
    this.log.info({ method: cc.method, alpha: cc.alpha, sizing: cc.sizing.mode }, "conformal intervals on");
    return out;
  }

  /** Fills the feature windows from REST history so the first live decision sees full windows. */
  private async warmUp(bars: number): Promise<void> {
    const venue = this.venue!;
    const runner = this.runner!;
    const end = Math.floor(venue.clock.now() / this.tfMs) * this.tfMs;
    for (const symbol of this.cfg.exchange.symbols) {
      const hist = await venue.marketData.history({ symbol, timeframe: this.cfg.exchange.timeframe, from: end - bars * this.tfMs, to: end });
      runner.warmUp(symbol, hist);
      this.step("warmed up from history", { symbol, bars: hist.length, last: hist.length ? new Date(hist[hist.length - 1]!.ts).toISOString() : null, ready: runner.ready });
    }
    if (!runner.ready) this.log.warn({ need: this.model!.pipeline.warmup + 1 }, "not enough history for full feature windows: the first decisions wait for more bars");
  }

  private onBar(e: BarEvent): void {
    const arrived = performance.now();
    this.venue!.onBarClose(e.bar.ts + this.tfMs);
    this.barChain = this.barChain.then(async () => {
      if (this.stopReason !== undefined) return;
      const runner = this.runner!;
      const last = runner.lastBarTs(e.symbol);
      if (Number.isFinite(last) && e.bar.ts > last + this.tfMs) await this.fillGap(e.symbol, last + this.tfMs, e.bar.ts);
      await runner.onBar(e.symbol, e.bar, arrived);
      void runner.settled(e.symbol).then(() => this.processed++);
      if (Number.isNaN(this.firstBar)) this.firstBar = e.bar.ts + this.tfMs;
      this.lastBar = e.bar.ts + this.tfMs;
      this.refreshGauges();
      this.progress();
      const max = this.cfg.live.maxBars;
      if (max !== undefined && runner.stats.barsSeen >= max) this.requestStop("max-bars");
    }).catch((err: unknown) => this.fail(err));
  }

  /** Bars between the warm-up and the first streamed bar (or lost in a gap the stream did not backfill). */
  private async fillGap(symbol: string, from: number, to: number): Promise<void> {
    const bars = await this.venue!.marketData.history({ symbol, timeframe: this.cfg.exchange.timeframe, from, to });
    if (bars.length > 0) this.log.info({ symbol, from: new Date(from).toISOString(), bars: bars.length }, "filled a gap before the streamed bar from history");
    for (const b of bars) await this.runner!.onBar(symbol, b);
  }

  private progress(): void {
    const n = this.runner!.stats.barsSeen;
    const max = this.cfg.live.maxBars;
    const every = max !== undefined ? Math.max(1, Math.round(max / 10)) : 60;
    if (n % every !== 0) return;
    const eq = this.runner!.equity();
    const wall = (Date.now() - this.started) / 1000;
    const eta = max !== undefined && n > 0 ? ` ETA ${Math.max(0, Math.round((wall / n) * (max - n)))} s` : "";
    this.log.info({ bars: n, maxBars: max, equity: Number(eq.toFixed(2)), fills: this.runner!.stats.fills }, `progress: ${n}${max !== undefined ? `/${max} bars (${Math.round((n / max) * 100)}%)` : " bars"}${eta}`);
  }

  private onStreamConnection(stream: string, state: string, reason?: string): void {
    if (state === "disconnected" && this.stopReason === undefined) {
      this.log.warn({ stream, reason }, "stream disconnected (reconnecting)");
      void this.ks?.count("wsErrors", this.venue!.clock.now());
    } else if (state === "reconnected") this.log.info({ stream }, "stream reconnected");
  }

  private onStreamError(stream: string, e: Error): void {
    this.log.warn({ stream, err: e.message }, "stream error");
    void this.ks?.count("wsErrors", this.venue!.clock.now());
  }

  private async onReplayDone(): Promise<void> {
    const r = this.venue!.replay!;
    // the last bar may still be on its way through the runner
    const lastStep = r.to - this.tfMs;
    for (let i = 0; i < 100 && this.cfg.exchange.symbols.some((s) => this.runner!.lastBarTs(s) < lastStep); i++) await sleep(20);
    await this.barChain;
    this.requestStop("replay-finished");
  }

  private async shutdown(): Promise<LiveSummary> {
    const sd = this.cfg?.live.shutdown ?? { cancelTimeoutMs: 10_000, flattenOnShutdown: false, flattenTimeoutMs: 30_000, flushTimeoutMs: 5_000 };
    this.stopFlagWatch?.();
    this.stale?.stop();
    this.monitor?.stop();
    clearInterval(this.flushTimer);
    const reason = this.stopReason ?? "stopped";
    if (this.log) this.log.info({ reason }, "shutting down");
    try {
      if (this.barSub) await bounded(sd.flushTimeoutMs, this.barSub.close());
      await bounded(sd.flushTimeoutMs, this.barChain);
      const runner = this.runner;
      if (runner) {
        await runner.stop();
        if (this.venue?.execution && this.execSub) {
          const left = await runner.desk.cancelAll(this.cfg.exchange.symbols, `shutdown: ${reason}`, sd.cancelTimeoutMs);
          if (left.length > 0) this.log.error({ open: left }, "orders still open after the cancel timeout");
          const flatten = sd.flattenOnShutdown || (reason === "kill-switch" && this.ks?.flattenOnTrip === true);
          if (flatten) {
            const f = await runner.desk.flatten(this.cfg.exchange.symbols, runner.markPrices(), "tl", sd.flattenTimeoutMs);
            this.log.warn({ orders: f.sent, flat: f.flat }, "flattened positions");
          }
        }
        await bounded(sd.flushTimeoutMs, runner.persist());
        if (this.paths) syncStateFiles(this.paths.sessionDir);
      }
    } catch (e) {
      this.fail(e);
    }
    const summary = this.summary(reason);
    try {
      await this.journal?.append("shutdown", { ...summary });
      await this.journal?.flush();
      if (this.execSub) await bounded(sd.flushTimeoutMs, this.execSub.close());
      await this.health?.close();
      await this.venue?.close();
      this.journal?.close();
    } catch (e) {
      if (this.log) this.log.error({ err: (e as Error).message }, "error while closing");
    }
    this.out(formatSummary(summary));
    return summary;
  }

  private summary(reason: string): LiveSummary {
    const r = this.runner;
    const st = r?.stats;
    const book = r?.book;
    const marks = r?.markPrices() ?? {};
    const endEquity = r ? r.equity() : Number.NaN;
    const startEquity = book?.state.startEquity ?? endEquity;
    return {
      reason,
      exitCode: this.exitCode,
      venue: this.venue?.description ?? this.cfg?.exchange.venue ?? "-",
      model: this.model?.dir ?? this.cfg?.live.modelPath ?? "-",
      symbols: this.cfg ? [...this.cfg.exchange.symbols] : [],
      dryRun: this.cfg?.live.dryRun ?? false,
      firstBar: this.firstBar,
      lastBar: this.lastBar,
      wallMs: Date.now() - this.started,
      warmupBars: st?.warmupBars ?? 0,
      barsSeen: st?.barsSeen ?? 0,
      decisions: st?.decisions ?? 0,
      outcomes: { ...(st?.outcomes ?? {}) },
      ordersSent: st?.ordersSent ?? 0,
      ordersRejected: st?.ordersRejected ?? 0,
      ordersFailed: st?.ordersFailed ?? 0,
      riskDenied: st?.riskDenied ?? 0,
      fills: st?.fills ?? 0,
      fees: st?.fees ?? 0,
      quoteAsset: book?.state.quoteAsset ?? "",
      startEquity,
      endEquity,
      pnl: endEquity - startEquity,
      realizedPnl: book?.realized() ?? 0,
      unrealizedPnl: book?.unrealized(marks) ?? 0,
      positions: Object.fromEntries((this.cfg?.exchange.symbols ?? []).map((s) => [s, book?.qty(s) ?? 0])),
      openOrdersLeft: r?.desk.orders.open().length ?? 0,
      killSwitch: this.ks?.tripped ? `TRIPPED: ${this.ks.state.reason}` : "armed",
      latencyP50Ms: quantile(st?.decisionLatencyMs ?? [], 0.5),
      latencyP99Ms: quantile(st?.decisionLatencyMs ?? [], 0.99),
      decideP50Ms: quantile(st?.decideLatencyMs ?? [], 0.5),
      decideP99Ms: quantile(st?.decideLatencyMs ?? [], 0.99),
      reconcileDifferences: this.reconcileDiffs,
      ...(this.error !== undefined ? { error: this.error } : {}),
    };
  }
}
