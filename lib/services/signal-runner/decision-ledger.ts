import type { Side } from "../../core/market";
import type { StateStore } from "../../core/ports/state-store.port";
import { TradelabError } from "../../core/errors";

/**
 * intent: recorded, order about to be sent (a crash here leaves the venue to tell whether it arrived);
 * sent: the venue acknowledged it; none: nothing to do; blocked: no-trade window; denied: risk guard or
 * kill switch; rejected: the venue said no; failed: the venue could not be reached; expired: the bar
 * was processed after its decision's TTL; dry-run: decided, not sent; unknown: sent, and the venue
 * could not tell yet whether the order exists (resolved by the order desk, never re-sent).
 */
export type DecisionStatus = "intent" | "sent" | "none" | "blocked" | "denied" | "rejected" | "failed" | "expired" | "dry-run" | "unknown";

/** One decision (the latest per symbol is kept in ttl_state.json). */
export interface DecisionRecord {
  symbol: string;
  /** Open time of the bar decided on. */
  barTs: number;
  decidedAt: number;
  /** After this time the decision is void: never sent, never re-sent. */
  expiresAt: number;
  status: DecisionStatus;
  action?: number;
  target?: number;
  clientOrderId?: string;
  side?: Side;
  qty?: number;
  reason?: string;
}

interface LedgerFile {
  version: 1;
  /** Per symbol: open time of the last bar a decision was made (or skipped) for. */
  lastBarTs: Record<string, number>;
  latest: Record<string, DecisionRecord>;
}

export const TTL_STATE_KEY = "ttl_state";

/**
 * Decision TTLs and de-duplication, persisted in state/ttl_state.json. A decision for the bar that
 * closes at c expires at c + ttl x timeframe; a bar at or before the last one decided is never decided
 * again. The runner journals each decision's intent (one append, before its order leaves) and writes
 * this file after the venue answered; a restart rebuilds the latest decisions from both
 * (`adoptIntents`), so it knows every bar that was acted on even after a crash between the two.
 */
export class DecisionLedger {
  private st: LedgerFile = { version: 1, lastBarTs: {}, latest: {} };
  private dirty = false;

  constructor(
    private readonly store: StateStore,
    private readonly key: string = TTL_STATE_KEY,
  ) {}

  async load(): Promise<void> {
    const saved = await this.store.read<LedgerFile>(this.key);
    if (saved === undefined) return;
    if (saved.version !== 1 || typeof saved.lastBarTs !== "object" || typeof saved.latest !== "object") {
      throw new TradelabError("STATE_CORRUPT", `state ${this.key}.json: unknown layout (version ${String(saved.version)})`, { details: { key: this.key } });
    }
    this.st = { version: 1, lastBarTs: { ...saved.lastBarTs }, latest: { ...saved.latest } };
  }

  /**
   * Journaled intents newer than the file (a crash after the order left, before the file was
   * written) become the latest decisions, so the restart asks the venue about them. Returns how many.
   */
  adoptIntents(intents: readonly DecisionRecord[]): number {
    let n = 0;
    for (const rec of intents) {
      if (rec.status !== "intent" || this.actedOn(rec.symbol, rec.barTs)) continue;
      this.st.lastBarTs[rec.symbol] = rec.barTs;
      this.st.latest[rec.symbol] = rec;
      this.dirty = true;
      n++;
    }
    return n;
  }

  /** Open time of the last bar decided for `symbol` (-Infinity when none). */
  lastBarTs(symbol: string): number {
    return this.st.lastBarTs[symbol] ?? Number.NEGATIVE_INFINITY;
  }

  /** True when a decision for this bar (or a later one) was already made. */
  actedOn(symbol: string, barTs: number): boolean {
    return barTs <= this.lastBarTs(symbol);
  }

  latest(symbol: string): DecisionRecord | undefined {
    return this.st.latest[symbol];
  }

  /** Every symbol's latest decision. */
  all(): DecisionRecord[] {
    return Object.values(this.st.latest);
  }

  /** Records a decision (in memory; `flush` writes the file). */
  record(rec: DecisionRecord): void {
    if (this.actedOn(rec.symbol, rec.barTs)) {
      throw new TradelabError("INVARIANT", `decision for ${rec.symbol} bar ${rec.barTs} recorded twice (last ${this.lastBarTs(rec.symbol)})`);
    }
    this.st.lastBarTs[rec.symbol] = rec.barTs;
    this.st.latest[rec.symbol] = rec;
    this.dirty = true;
  }

  /** Updates the latest decision of a symbol (status after the venue answered). */
  update(symbol: string, barTs: number, patch: Partial<Pick<DecisionRecord, "status" | "reason" | "qty">>): void {
    const rec = this.st.latest[symbol];
    if (rec === undefined || rec.barTs !== barTs) return;
    this.st.latest[symbol] = { ...rec, ...patch };
    this.dirty = true;
  }

  /** Writes ttl_state.json (atomically) when something changed. */
  async flush(): Promise<void> {
    if (!this.dirty) return;
    this.dirty = false;
    await this.store.write(this.key, this.st);
  }
}

/** Client order id of the decision on `symbol`'s bar `barTs`: deterministic, so a resend is idempotent at the venue. */
export function decisionClientId(prefix: string, symbol: string, barTs: number): string {
  return `${prefix}-${symbol}-${barTs.toString(36)}`;
}

/** The bar open time encoded in a client order id made by `decisionClientId` (NaN when not one of ours). */
export function barTsOfClientId(prefix: string, clientOrderId: string): number {
  const m = new RegExp(`^${prefix}-[A-Za-z0-9]+-([0-9a-z]+)$`).exec(clientOrderId);
  return m ? Number.parseInt(m[1]!, 36) : Number.NaN;
}
