import type { Fill } from "../../core/fill";
import type { Side } from "../../core/market";
import type { OrderType } from "../../core/order";
import { feeValue, signedQty } from "../../core/fill";
import { applyFillToPosition, flatPosition, unrealizedPnl, type Position } from "../../core/position";
import type { StateStore } from "../../core/ports/state-store.port";
import { TradelabError } from "../../core/errors";
import type { RiskGuardSnapshot } from "../../risk/risk-guard";
import type { PolicyStateSnapshot } from "./policy-state";

/** An order request that got no answer and that the venue could not yet account for (resolved later). */
export interface UnknownOrder {
  clientOrderId: string;
  symbol: string;
  side: Side;
  qty: number;
  type: OrderType;
  /** Venue-synchronised times between which the request left. */
  sentAfter: number;
  sentBefore: number;
  reason: string;
}

/** positions.json: the runner's own view of the account, reconciled with the venue on every start. */
export interface BookState {
  version: 1;
  quoteAsset: string;
  /** Quote balance (cash), moved by every fill and its fee. */
  cash: number;
  positions: Record<string, Position>;
  /** Equity when the book was first opened (PnL reference). */
  startEquity: number | null;
  /** Env-style position state per symbol (entry, bars held, equity peak). */
  policyState: Record<string, PolicyStateSnapshot>;
  /** Risk guard state (day start equity, peak, halt until). */
  risk: RiskGuardSnapshot | null;
  /** Latest fill time seen (reconciliation asks the venue for fills after it). */
  lastFillTs: number;
  /** Keys of the most recent fills (de-duplication across stream, REST and restarts). */
  fillKeys: string[];
  /** Fees paid in assets other than the quote or the traded base, per asset. */
  otherFees: Record<string, number>;
  fills: number;
  feesQuote: number;
  updatedAt: number;
  /** Orders whose outcome is unknown, by client order id (their symbols trade reduce-only until resolved). */
  unknownOrders: Record<string, UnknownOrder>;
}

export const POSITIONS_KEY = "positions";
/** Fill keys kept for de-duplication: far more than can arrive between two persisted states. */
const MAX_KEYS = 500;

export function fillKey(f: Fill): string {
  return f.tradeId !== undefined ? `${f.symbol}:${f.tradeId}` : `${f.symbol}:${f.clientOrderId}:${f.ts}:${f.qty}:${f.price}`;
}

/**
 * Cash, positions and fees from fills, persisted to state/positions.json (atomic writes). Every fill
 * is applied once (keyed by trade id), whichever path it arrives by. Fees in the quote asset come
 * out of cash, fees in the base asset out of the position (as spot venues charge them).
 */
export class AccountBook {
  private st: BookState;
  private readonly keys = new Set<string>();

  constructor(
    private readonly store: StateStore,
    quoteAsset: string,
    private readonly baseOf: (symbol: string) => string,
    private readonly key: string = POSITIONS_KEY,
  ) {
    this.st = emptyBook(quoteAsset);
  }

  /** Loads positions.json; returns false when there was none (a first start). */
  async load(): Promise<boolean> {
    const saved = await this.store.read<BookState>(this.key);
    if (saved === undefined) return false;
    if (saved.version !== 1 || typeof saved.cash !== "number" || typeof saved.positions !== "object") {
      throw new TradelabError("STATE_CORRUPT", `state ${this.key}.json: unknown layout`, { details: { key: this.key } });
    }
    if (saved.quoteAsset !== this.st.quoteAsset) {
      throw new TradelabError("STATE_CORRUPT", `state ${this.key}.json is for quote asset ${saved.quoteAsset}, the runner trades in ${this.st.quoteAsset}: use another state dir`, { details: { key: this.key } });
    }
    this.st = { ...emptyBook(saved.quoteAsset), ...saved };
    this.keys.clear();
    for (const k of this.st.fillKeys) this.keys.add(k);
    return true;
  }

  get state(): Readonly<BookState> {
    return this.st;
  }

  get cash(): number {
    return this.st.cash;
  }

  position(symbol: string): Position {
    return this.st.positions[symbol] ?? flatPosition(symbol);
  }

  qty(symbol: string): number {
    return this.st.positions[symbol]?.qty ?? 0;
  }

  symbols(): string[] {
    return Object.keys(this.st.positions);
  }

  /** Cash + sum(qty x mark). A held symbol without a mark is valued at its average price. */
  equity(marks: Readonly<Record<string, number>>): number {
    let e = this.st.cash;
    for (const p of Object.values(this.st.positions)) {
      if (p.qty === 0) continue;
      const m = marks[p.symbol];
      e += p.qty * (m !== undefined && m > 0 ? m : p.avgPrice);
    }
    return e;
  }

  unrealized(marks: Readonly<Record<string, number>>): number {
    let u = 0;
    for (const p of Object.values(this.st.positions)) {
      const m = marks[p.symbol];
      if (p.qty !== 0 && m !== undefined) u += unrealizedPnl(p, m);
    }
    return u;
  }

  realized(): number {
    return Object.values(this.st.positions).reduce((s, p) => s + p.realizedPnl, 0);
  }

  hasFill(f: Fill): boolean {
    return this.keys.has(fillKey(f));
  }

  /** Applies a fill unless it was applied before; returns whether it was new. */
  applyFill(f: Fill): boolean {
    const k = fillKey(f);
    if (this.keys.has(k)) return false;
    this.keys.add(k);
    this.st.fillKeys.push(k);
    if (this.st.fillKeys.length > MAX_KEYS) this.keys.delete(this.st.fillKeys.shift()!);
    const base = this.baseOf(f.symbol);
    // a fee flagged feeFromBase is already out of the position (applyFillToPosition)
    let p = applyFillToPosition(this.position(f.symbol), f);
    this.st.cash -= signedQty(f.side, f.qty) * f.price;
    if (f.feeFromBase === true) {
      this.st.feesQuote += feeValue(f);
    } else if (f.feeAsset === this.st.quoteAsset) {
      this.st.cash -= f.fee;
      this.st.feesQuote += f.fee;
    } else if (f.feeAsset === base) {
      const q = p.qty - f.fee;
      p = { ...p, qty: Math.abs(q) < 1e-12 ? 0 : q };
      this.st.feesQuote += f.fee * f.price;
    } else {
      this.st.otherFees[f.feeAsset] = (this.st.otherFees[f.feeAsset] ?? 0) + f.fee;
    }
    this.st.positions[f.symbol] = p;
    this.st.fills++;
    if (f.ts > this.st.lastFillTs) this.st.lastFillTs = f.ts;
    return true;
  }

  /** Replaces the cash balance (reconciliation with the venue). */
  setCash(cash: number): void {
    this.st.cash = cash;
  }

  /** Replaces a position's quantity (reconciliation); a new position takes `avgPrice` as its entry. */
  setQty(symbol: string, qty: number, avgPrice: number): void {
    const p = this.position(symbol);
    this.st.positions[symbol] = { ...p, qty, avgPrice: qty === 0 ? 0 : p.qty !== 0 && Math.sign(p.qty) === Math.sign(qty) ? p.avgPrice : avgPrice };
  }

  setStartEquity(e: number): void {
    if (this.st.startEquity === null) this.st.startEquity = e;
  }

  setPolicyState(symbol: string, s: PolicyStateSnapshot): void {
    this.st.policyState[symbol] = s;
  }

  setRisk(r: RiskGuardSnapshot): void {
    this.st.risk = r;
  }

  noteUnknown(u: UnknownOrder): void {
    this.st.unknownOrders[u.clientOrderId] = u;
  }

  clearUnknown(clientOrderId: string): UnknownOrder | undefined {
    const u = this.st.unknownOrders[clientOrderId];
    delete this.st.unknownOrders[clientOrderId];
    return u;
  }

  /** Orders with an unknown outcome (of one symbol when given). */
  unknownOrders(symbol?: string): UnknownOrder[] {
    return Object.values(this.st.unknownOrders).filter((u) => symbol === undefined || u.symbol === symbol);
  }

  async persist(now: number): Promise<void> {
    this.st.updatedAt = now;
    await this.store.write(this.key, this.st);
  }
}

function emptyBook(quoteAsset: string): BookState {
  return { version: 1, quoteAsset, cash: 0, positions: {}, startEquity: null, policyState: {}, risk: null, lastFillTs: 0, fillKeys: [], otherFees: {}, fills: 0, feesQuote: 0, updatedAt: 0, unknownOrders: {} };
}
