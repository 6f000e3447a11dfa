import { readFileSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { totalmem } from "node:os";
import type { HealthConfig } from "../config/schemas/live";
import type { Clock } from "../core/clock";
import { conformalMetricsText } from "../conformal/metrics";
import type { ReadyCheck } from "../infra/health-server";
import { MetricsRegistry } from "../infra/metrics";
import type { KillSwitch } from "../risk/kill-switch";
import type { RiskGuard } from "../risk/risk-guard";
import type { SignalRunner } from "../services/signal-runner/runner";
import type { ConformalSizer } from "../services/signal-runner/conformal-sizer";

/** The registry behind /metrics, plus text blocks rendered on each scrape (conformal coverage). */
export class LiveMetrics extends MetricsRegistry {
  private readonly extras: (() => string)[] = [];
  addText(fn: () => string): void {
    this.extras.push(fn);
  }
  override render(): string {
    return super.render() + this.extras.map((f) => f()).join("");
  }
}

/** Memory available to this process: the cgroup limit when there is one, else physical memory. */
function memoryLimit(): number {
  for (const f of ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]) {
    try {
      const v = Number(readFileSync(f, "utf8").trim());
      if (Number.isFinite(v) && v > 0 && v < totalmem()) return v;
    } catch {
      // no cgroup file: fall through to physical memory
    }
  }
  return totalmem();
}

/**
 * Slow facts the readiness checks read (checks must answer without I/O): venue reachability and
 * clock drift (probed every `probeMs`), free disk, CPU and memory use of this process.
 */
export class ResourceMonitor {
  venueOk = false;
  venueDetail = "not probed yet";
  driftMs = 0;
  freeDisk = Number.NaN;
  diskDetail = "not measured yet";
  cpuFraction = 0;
  memFraction = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastCpu = process.cpuUsage();
  private lastWall = performance.now();
  private readonly memLimit = memoryLimit();

  constructor(
    private readonly probeVenue: () => Promise<number>,
    private readonly dir: string,
    private readonly probeMs = 15_000,
  ) {}

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.probeMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    try {
      this.driftMs = await this.probeVenue();
      this.venueOk = true;
      this.venueDetail = "answered";
    } catch (e) {
      this.venueOk = false;
      this.venueDetail = (e as Error).message;
    }
    try {
      const s = await statfs(this.dir);
      this.freeDisk = Number(s.bavail) * Number(s.bsize);
      this.diskDetail = `${(this.freeDisk / 1073741824).toFixed(1)} GiB free`;
    } catch (e) {
      this.freeDisk = 0;
      this.diskDetail = `cannot stat ${this.dir}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
    }
    const cpu = process.cpuUsage(this.lastCpu);
    const wall = performance.now() - this.lastWall;
    this.cpuFraction = wall > 0 ? (cpu.user + cpu.system) / 1000 / wall : 0;
    this.lastCpu = process.cpuUsage();
    this.lastWall = performance.now();
    this.memFraction = process.memoryUsage().rss / this.memLimit;
  }
}

export interface ReadyInputs {
  cfg: HealthConfig;
  clock: Clock;
  timeframeMs: number;
  runner: SignalRunner;
  guard: RiskGuard;
  killSwitch: KillSwitch;
  monitor: ResourceMonitor;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The readiness table of the design: each check answers from memory. */
export function readinessChecks(r: ReadyInputs): ReadyCheck[] {
  const c = r.cfg;
  return [
    { name: "venue reachable", check: () => ({ ok: r.monitor.venueOk, detail: r.monitor.venueDetail }) },
    {
      name: "market data age",
      check: () => {
        const closes = Object.values(r.runner.health().lastBarClose);
        if (closes.length === 0 || closes.some((t) => !Number.isFinite(t))) return { ok: false, detail: "no bar yet" };
        // the next bar is due one timeframe after the latest close: age counts from then
        const age = r.clock.now() - (Math.min(...closes) + r.timeframeMs);
        return { ok: age < c.maxDataAgeMs, detail: `next bar overdue by ${Math.max(0, Math.round(age / 1000))} s (limit ${c.maxDataAgeMs / 1000} s)` };
      },
    },
    {
      name: "pending orders",
      check: () => {
        const h = r.runner.health();
        return { ok: h.oldestOpenOrderMs < c.maxPendingOrderAgeMs, detail: `${h.openOrders} open, oldest ${Math.round(h.oldestOpenOrderMs / 1000)} s (limit ${c.maxPendingOrderAgeMs / 1000} s)` };
      },
    },
    { name: "features finite", check: () => ({ ok: r.runner.health().featuresFinite, detail: r.runner.health().featuresFinite ? "no NaN in the latest observation" : "NaN or infinite value in the latest observation" }) },
    { name: "risk limits", check: () => ({ ok: r.guard.state === "active", detail: r.guard.state === "active" ? "active" : `${r.guard.state}: ${r.guard.stateReason}` }) },
    { name: "kill switch", check: () => ({ ok: !r.killSwitch.tripped, detail: r.killSwitch.tripped ? `TRIPPED: ${r.killSwitch.state.reason}` : "armed" }) },
    { name: "clock drift", check: () => ({ ok: Math.abs(r.monitor.driftMs) < c.maxClockDriftMs, detail: `${r.monitor.driftMs} ms (limit ${c.maxClockDriftMs} ms)` }) },
    { name: "disk", check: () => ({ ok: !(r.monitor.freeDisk < c.minFreeDiskBytes), detail: r.monitor.diskDetail }) },
    { name: "memory", check: () => ({ ok: r.monitor.memFraction < c.maxMemoryFraction, detail: `rss ${pct(r.monitor.memFraction)} of the memory limit (limit ${pct(c.maxMemoryFraction)})` }) },
    { name: "cpu", check: () => ({ ok: r.monitor.cpuFraction < c.maxCpuFraction, detail: `${pct(r.monitor.cpuFraction)} of one core (limit ${pct(c.maxCpuFraction)})` }) },
  ];
}

/** Gauges refreshed on each bar (data age, guard state, kill switch) and the conformal coverage block. */
export function registerLiveGauges(m: LiveMetrics, r: ReadyInputs, conformal: ReadonlyMap<string, ConformalSizer>): () => void {
  for (const [symbol, s] of conformal) m.addText(() => conformalMetricsText(s.metrics(), { labels: { symbol } }));
  return () => {
    const closes = r.runner.health().lastBarClose;
    for (const [symbol, t] of Object.entries(closes)) if (Number.isFinite(t)) m.set("tradelab_data_age_seconds", "Runner time minus the latest bar's close.", (r.clock.now() - t) / 1000, { symbol });
    m.set("tradelab_trading_state", "Risk guard state: 0 active, 1 reducing, 2 halted.", r.guard.state === "active" ? 0 : r.guard.state === "reducing" ? 1 : 2);
    m.set("tradelab_kill_switch_tripped", "1 when the kill switch is tripped.", r.killSwitch.tripped ? 1 : 0);
    m.set("tradelab_open_orders", "Orders open at the venue.", r.runner.health().openOrders);
    const mem = process.memoryUsage();
    m.set("process_resident_memory_bytes", "Resident memory of the runner process.", mem.rss);
    m.set("nodejs_heap_used_bytes", "V8 heap in use.", mem.heapUsed);
  };
}
