import type { StateStore } from "../core/ports/state-store.port";

/** Counters that trip the kill switch when they reach their limit (absent limit = not counted toward a trip). */
export type KillCounter = "restErrors" | "wsErrors" | "rejectedOrders" | "staleIntervals" | "dailyLossBreaches";

export interface KillSwitchConfig {
  /** Limit per counter; absent or 0 = never trips on that counter. */
  limits: Partial<Record<KillCounter, number>>;
  /** Count events over this rolling window, minutes; 0 or absent = since start or the last reset. */
  windowMinutes?: number;
  /** Cancel open orders and flatten positions on trip (flatten is optional; cancel always happens). */
  flattenOnTrip?: boolean;
}

export interface KillSwitchState {
  tripped: boolean;
  reason: string;
  trippedAt: number;
  /** Who tripped it: a counter name, "flag-file", "cli" or "operator". */
  source: string;
  counters: Record<KillCounter, number>;
  /** Event times per counter inside the window (only when a window is configured). */
  events?: Partial<Record<KillCounter, number[]>>;
}

export const KILL_SWITCH_KEY = "kill_switch_state";

const zeroCounters = (): Record<KillCounter, number> => ({ restErrors: 0, wsErrors: 0, rejectedOrders: 0, staleIntervals: 0, dailyLossBreaches: 0 });

/**
 * Trips on counters, a flag file or a command; once tripped it stays tripped across restarts (its state
 * is persisted through the StateStore) until explicitly reset. Listeners run the stop/cancel/flatten steps.
 */
export class KillSwitch {
  private st: KillSwitchState = { tripped: false, reason: "", trippedAt: 0, source: "", counters: zeroCounters() };
  private readonly listeners: ((s: KillSwitchState) => void | Promise<void>)[] = [];

  constructor(
    private readonly cfg: KillSwitchConfig,
    private readonly store?: StateStore,
    private readonly key: string = KILL_SWITCH_KEY,
  ) {}

  /** Loads the persisted state; a switch tripped before a restart is still tripped. */
  async load(): Promise<KillSwitchState> {
    const saved = await this.store?.read<KillSwitchState>(this.key);
    if (saved) this.st = { ...saved, counters: { ...zeroCounters(), ...saved.counters } };
    return this.state;
  }

  get state(): KillSwitchState {
    return { ...this.st, counters: { ...this.st.counters } };
  }

  get tripped(): boolean {
    return this.st.tripped;
  }

  get flattenOnTrip(): boolean {
    return this.cfg.flattenOnTrip ?? false;
  }

  onTrip(fn: (s: KillSwitchState) => void | Promise<void>): void {
    this.listeners.push(fn);
  }

  /** Counts one event; trips when the counter reaches its limit. Returns true when this call tripped it. */
  async count(counter: KillCounter, now: number, by = 1): Promise<boolean> {
    const windowMs = (this.cfg.windowMinutes ?? 0) * 60_000;
    if (windowMs > 0) {
      const events = (this.st.events ??= {});
      const list = (events[counter] ??= []).filter((t) => t > now - windowMs);
      for (let k = 0; k < by; k++) list.push(now);
      events[counter] = list;
      this.st.counters[counter] = list.length;
    } else {
      this.st.counters[counter] += by;
    }
    const limit = this.cfg.limits[counter];
    if (!this.st.tripped && limit !== undefined && limit > 0 && this.st.counters[counter] >= limit) {
      await this.trip(`${counter} reached ${this.st.counters[counter]} (limit ${limit})`, counter, now);
      return true;
    }
    await this.persist();
    return false;
  }

  /** Resets one counter after a healthy interval (e.g. a successful reconnect). */
  async clear(counter: KillCounter): Promise<void> {
    this.st.counters[counter] = 0;
    if (this.st.events) delete this.st.events[counter];
    await this.persist();
  }

  async trip(reason: string, source: string, now: number): Promise<void> {
    if (this.st.tripped) return;
    this.st = { ...this.st, tripped: true, reason, source, trippedAt: now };
    await this.persist();
    for (const fn of this.listeners) await fn(this.state);
  }

  /** Operator reset: clears the trip and all counters. */
  async reset(): Promise<void> {
    this.st = { tripped: false, reason: "", trippedAt: 0, source: "", counters: zeroCounters() };
    await this.persist();
  }

  private async persist(): Promise<void> {
    await this.store?.write(this.key, this.st);
  }
}
