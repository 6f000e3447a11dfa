/** What a live run did, printed on one screen at shutdown (and returned to callers and tests). */
export interface LiveSummary {
  /** Why the run ended: max-bars, replay-finished, SIGINT, SIGTERM, kill-switch, error. */
  reason: string;
  exitCode: number;
  venue: string;
  model: string;
  symbols: string[];
  dryRun: boolean;
  /** Close time of the first and last live bar (ms UTC; NaN when none). */
  firstBar: number;
  lastBar: number;
  wallMs: number;
  warmupBars: number;
  barsSeen: number;
  decisions: number;
  outcomes: Record<string, number>;
  ordersSent: number;
  ordersRejected: number;
  ordersFailed: number;
  riskDenied: number;
  fills: number;
  fees: number;
  quoteAsset: string;
  startEquity: number;
  endEquity: number;
  pnl: number;
  realizedPnl: number;
  unrealizedPnl: number;
  positions: Record<string, number>;
  openOrdersLeft: number;
  killSwitch: string;
  /** Bar arrival -> order sent, ms (bars that sent an order). */
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Bar arrival -> decision made, ms (every decided bar). */
  decideP50Ms: number;
  decideP99Ms: number;
  reconcileDifferences: number;
  error?: string;
}

/** Quantile of a sample (nearest rank on a sorted copy); NaN when empty. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

const iso = (t: number) => (Number.isFinite(t) ? new Date(t).toISOString().replace("T", " ").slice(0, 16) : "-");
const money = (x: number, q: string) => `${x >= 0 ? "" : "-"}${Math.abs(x).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })} ${q}`;
const ms = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)} ms` : "-");

export function formatSummary(s: LiveSummary): string {
  const pct = s.startEquity > 0 ? ` (${((s.pnl / s.startEquity) * 100).toFixed(2)}%)` : "";
  const outcomes = Object.entries(s.outcomes).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(", ") || "none";
  const pos = Object.entries(s.positions).map(([k, v]) => `${k} ${Number(v.toPrecision(10))}`).join(", ") || "flat";
  const rows: [string, string][] = [
    ["ended", `${s.reason} (exit ${s.exitCode})${s.error ? `: ${s.error}` : ""}`],
    ["venue", `${s.venue}${s.dryRun ? " [dry run: no orders sent]" : ""}`],
    ["model", s.model],
    ["bars", `${s.barsSeen} live (${iso(s.firstBar)} to ${iso(s.lastBar)} UTC) after ${s.warmupBars} warm-up, in ${(s.wallMs / 1000).toFixed(1)} s`],
    ["decisions", `${s.decisions}: ${outcomes}`],
    ["orders", `${s.ordersSent} sent, ${s.ordersRejected} rejected, ${s.ordersFailed} failed, ${s.riskDenied} denied by the risk guard`],
    ["fills", `${s.fills}, fees ${money(s.fees, s.quoteAsset)}`],
    ["PnL", `${money(s.pnl, s.quoteAsset)}${pct}: equity ${money(s.startEquity, s.quoteAsset)} -> ${money(s.endEquity, s.quoteAsset)}; realised ${money(s.realizedPnl, s.quoteAsset)}, unrealised ${money(s.unrealizedPnl, s.quoteAsset)}`],
    ["position", `${pos}${s.openOrdersLeft > 0 ? `; ${s.openOrdersLeft} order(s) still open` : ""}`],
    ["latency", `bar -> decision p50 ${ms(s.decideP50Ms)}, p99 ${ms(s.decideP99Ms)}; bar -> order sent p50 ${ms(s.latencyP50Ms)}, p99 ${ms(s.latencyP99Ms)}`],
    ["reconcile", `${s.reconcileDifferences} difference(s) at start`],
    ["kill switch", s.killSwitch],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return ["", `live run summary (${s.symbols.join(", ")})`, ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`), ""].join("\n");
}
