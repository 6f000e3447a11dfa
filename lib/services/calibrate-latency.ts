import { DataError } from "../core/errors";
import type { Seasonality } from "../sim/latency-model";
import { hourOfWeek } from "../sim/time";
import type { JournalLine } from "./calibrate-slippage-journal";
import { quantileSorted, roundSig, sortedFinite } from "./calibration/fit-stats";
import { fitLognormalSpike, type LognormalSpikeFit, type LognormalSpikeParams } from "./calibration/lognormal-spike";
import { type Provenance, provenanceOf } from "./calibration/provenance";

/** p50 / p90 / p99 / p99.9 / max of a sample, ms. */
export interface LatencyQuantiles {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

export function latencyQuantiles(xs: ArrayLike<number>): LatencyQuantiles {
  const s = sortedFinite(xs);
  return { n: s.length, p50: quantileSorted(s, 0.5), p90: quantileSorted(s, 0.9), p99: quantileSorted(s, 0.99), p999: quantileSorted(s, 0.999), max: s.length ? s[s.length - 1]! : Number.NaN };
}

/** Per-order timestamps rebuilt from a journal's order updates and fills. */
export interface OrderTimeline {
  source: string;
  clientOrderId: string[];
  /** When the order was sent (status "submitted"), ms. */
  sent: Float64Array;
  /** First venue acknowledgement (accepted, partially filled or filled), ms; NaN when none. */
  ack: Float64Array;
  /** First fill, ms; NaN when none. */
  fill: Float64Array;
}

const ACK = new Set(["accepted", "partially_filled", "filled"]);

function num(v: unknown): number {
  return typeof v === "number" && Number.isFinite(v) ? v : Number.NaN;
}

/**
 * Order timelines from journal records: `kind: "order"` records (lib/core Order fields: clientOrderId,
 * status, updatedTs) and `kind: "fill"` records (clientOrderId, ts). Rejections never count as an
 * acknowledgement (a simulated or local rejection is not a venue round trip).
 */
export function extractOrderTimelines(lines: readonly JournalLine[], source: string, symbol?: string): OrderTimeline {
  const byId = new Map<string, { sent: number; ack: number; fill: number }>();
  const get = (id: string) => {
    let t = byId.get(id);
    if (t === undefined) byId.set(id, (t = { sent: Number.NaN, ack: Number.NaN, fill: Number.NaN }));
    return t;
  };
  for (const l of lines) {
    const r = l.record;
    if (r["kind"] !== "order" && r["kind"] !== "fill") continue;
    if (symbol !== undefined && r["symbol"] !== undefined && r["symbol"] !== symbol) continue;
    const id = r["clientOrderId"];
    if (typeof id !== "string" || id === "") throw new DataError(`${l.file} line ${l.line}: ${String(r["kind"])} record lacks clientOrderId`, { file: l.file, line: l.line, path: "clientOrderId" });
    if (r["kind"] === "fill") {
      const ts = num(r["ts"]);
      if (Number.isNaN(ts)) throw new DataError(`${l.file} line ${l.line}: fill record lacks ts`, { file: l.file, line: l.line, path: "ts" });
      const t = get(id);
      if (Number.isNaN(t.fill)) t.fill = ts;
      continue;
    }
    const status = r["status"];
    if (typeof status !== "string") throw new DataError(`${l.file} line ${l.line}: order record lacks status`, { file: l.file, line: l.line, path: "status" });
    const ts = Number.isFinite(num(r["updatedTs"])) ? num(r["updatedTs"]) : num(r["ts"]);
    if (Number.isNaN(ts)) throw new DataError(`${l.file} line ${l.line}: order record lacks updatedTs`, { file: l.file, line: l.line, path: "updatedTs" });
    const t = get(id);
    if (status === "submitted" && Number.isNaN(t.sent)) t.sent = ts;
    else if (ACK.has(status) && Number.isNaN(t.ack)) {
      if (!Number.isNaN(t.sent) && ts < t.sent) throw new DataError(`${l.file} line ${l.line}: order ${id} acknowledged at ${ts}, before it was sent (${t.sent})`, { file: l.file, line: l.line });
      t.ack = ts;
    }
  }
  const ids = [...byId.keys()].filter((id) => !Number.isNaN(byId.get(id)!.sent));
  if (ids.length === 0) throw new DataError(`${source}: no sent orders${symbol ? ` of ${symbol}` : ""} (order records with status "submitted")`, { file: source });
  return {
    source,
    clientOrderId: ids,
    sent: Float64Array.from(ids, (id) => byId.get(id)!.sent),
    ack: Float64Array.from(ids, (id) => byId.get(id)!.ack),
    fill: Float64Array.from(ids, (id) => byId.get(id)!.fill),
  };
}

export interface JournalLatencyOptions {
  /** Divide each latency by the hour-of-week multiplier at its send time (the simulator multiplies by it). */
  seasonality?: Seasonality;
  /** Latencies at or above this are retries after a timeout and are left out. Default 5000 (the config's timeoutMs). */
  timeoutMs?: number;
  /** Fit the spike component. Default true. */
  spikes?: boolean;
}

export interface JournalLatencyResult {
  method: "journal";
  fit: LognormalSpikeFit;
  /** Sent -> acknowledged latencies that were fitted (deseasonalised when a seasonality was given), ms. */
  samples: Float64Array;
  sentToAck: LatencyQuantiles;
  ackToFill: LatencyQuantiles;
  sentToFill: LatencyQuantiles;
  orders: number;
  /** Orders without an acknowledgement (rejected locally, cancelled in flight, still open). */
  unacknowledged: number;
  timeouts: number;
  deseasonalised: boolean;
  provenance: Provenance;
}

/**
 * Latency from our own orders: sent -> acknowledged is the delay the simulator's latency model
 * stands for (the time until the venue acts on an order). Fits its lognormal base and jitter and the
 * spike rate and size by maximum likelihood; ack -> fill and sent -> fill are reported alongside.
 */
export function calibrateLatencyFromJournal(t: OrderTimeline, opts: JournalLatencyOptions = {}): JournalLatencyResult {
  const timeout = opts.timeoutMs ?? 5000;
  const entry: number[] = [];
  const ackToFill: number[] = [];
  const sentToFill: number[] = [];
  let unack = 0;
  let timeouts = 0;
  for (let i = 0; i < t.sent.length; i++) {
    const s = t.sent[i]!;
    const a = t.ack[i]!;
    const f = t.fill[i]!;
    if (Number.isFinite(f)) sentToFill.push(f - s);
    if (Number.isFinite(a) && Number.isFinite(f)) ackToFill.push(f - a);
    if (!Number.isFinite(a)) {
      unack++;
      continue;
    }
    const d = a - s;
    if (d >= timeout) {
      timeouts++;
      continue;
    }
    const m = opts.seasonality ? opts.seasonality[hourOfWeek(s)]! : 1;
    entry.push(d / m);
  }
  const positive = entry.filter((d) => d > 0);
  if (positive.length < 10) {
    throw new DataError(`${t.source}: ${positive.length} acknowledged orders with a positive sent -> ack latency; need at least 10`, { file: t.source, orders: t.sent.length });
  }
  const samples = Float64Array.from(positive);
  return {
    method: "journal",
    fit: fitLognormalSpike(samples, { spikes: opts.spikes }),
    samples,
    sentToAck: latencyQuantiles(entry),
    ackToFill: latencyQuantiles(ackToFill),
    sentToFill: latencyQuantiles(sentToFill),
    orders: t.sent.length,
    unacknowledged: unack,
    timeouts,
    deseasonalised: opts.seasonality !== undefined,
    provenance: provenanceOf(t.source, t.sent, [t.ack, t.fill]),
  };
}

/** Timestamps of a recorded stream: trade time (T), event time (E) and local receive time, ms. */
export interface StreamTimes {
  source: string;
  tradeTs: Float64Array;
  eventTs: Float64Array;
  recvTs: Float64Array;
}

export interface StreamLatencyOptions {
  /** Window for the receive-delay floor (minimum of each window, then a straight line through them), ms. Default 30 000. */
  windowMs?: number;
  /**
   * Assumed median one-way latency, ms (measured elsewhere: the journal fit, or a ping). With it, the
   * stream's delays above their floor become absolute latencies and the lognormal is fitted.
   */
  baseMs?: number;
  spikes?: boolean;
}

export interface StreamLatencyResult {
  method: "stream";
  /** E - T: venue-internal delay from match to stream event (one clock, so valid as is), ms. */
  exchangeDelay: LatencyQuantiles & { over100ms: number };
  /** recv - E at its floor, i.e. clock offset plus the fastest transit: not a latency (unsynced clocks). */
  offsetMs: number;
  /** Drift of the recorder clock against the venue, ms per hour (slope of the floor). */
  driftMsPerHour: number;
  /** recv - E above its fitted floor, ms: the variable part of the network delay. */
  relative: LatencyQuantiles;
  /** Robust jitter from consecutive messages: sd((recv_i - recv_j) - (E_i - E_j)) / sqrt 2, ms (offset-free). */
  interArrivalJitterMs: number;
  /** Messages below the fitted floor (clamped to it). */
  belowFloor: number;
  /** Present when baseMs was given: latencies pinned at that median and fitted. */
  fit: LognormalSpikeFit | null;
  samples: Float64Array;
  baseMs: number | null;
  provenance: Provenance;
}

/**
 * Latency from a recorded stream whose local clock was not synced to the venue. recv - E mixes the
 * unknown clock offset, clock drift and the transit delay, so the absolute latency cannot be read
 * off it. What can be measured honestly: the venue-internal E - T delay, the drift (slope of the
 * per-window minimum of recv - E), and the distribution of the delay ABOVE its floor, which is the
 * jitter; consecutive-message differences give an offset-free cross-check of that jitter. Given an
 * assumed median latency (baseMs) the above-floor delays are shifted to it and fitted.
 */
export function calibrateLatencyFromStream(s: StreamTimes, opts: StreamLatencyOptions = {}): StreamLatencyResult {
  const n = s.eventTs.length;
  if (n < 10) throw new DataError(`${s.source}: ${n} stream messages; need at least 10`, { file: s.source });
  const e = new Float64Array(n);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (![s.tradeTs[i], s.eventTs[i], s.recvTs[i]].every((v) => Number.isFinite(v!))) {
      throw new DataError(`${s.source} row ${i + 1}: trade, event or receive time missing`, { file: s.source, row: i + 1 });
    }
    e[i] = s.eventTs[i]! - s.tradeTs[i]!;
    x[i] = s.recvTs[i]! - s.eventTs[i]!;
  }
  const floor = floorLine(s.eventTs, x, opts.windowMs ?? 30_000);
  const r = new Float64Array(n);
  let below = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i]! - (floor.a + floor.b * (s.eventTs[i]! - floor.t0));
    if (v < 0) below++;
    r[i] = Math.max(0, v);
  }
  const diffs: number[] = [];
  for (let i = 1; i < n; i++) if (s.eventTs[i]! > s.eventTs[i - 1]!) diffs.push(x[i]! - x[i - 1]!);
  const sd = sortedFinite(diffs);
  const mad = quantileSorted(sortedFinite(Array.from(sd, (d) => Math.abs(d - quantileSorted(sd, 0.5)))), 0.5);
  const relative = latencyQuantiles(r);
  let fit: LognormalSpikeFit | null = null;
  let samples = new Float64Array(0);
  if (opts.baseMs !== undefined) {
    const shift = opts.baseMs - relative.p50;
    if (!(shift > 0)) {
      throw new DataError(`${s.source}: assumed base latency ${opts.baseMs} ms is not above the median delay over the floor (${relative.p50.toFixed(3)} ms); give a larger --base-ms`, { file: s.source });
    }
    samples = r.map((v) => v + shift);
    fit = fitLognormalSpike(samples, { spikes: opts.spikes });
  }
  const ex = latencyQuantiles(e);
  let over = 0;
  for (let i = 0; i < n; i++) if (e[i]! >= 100) over++;
  return {
    method: "stream",
    exchangeDelay: { ...ex, over100ms: over / n },
    offsetMs: floor.a,
    driftMsPerHour: floor.b * 3_600_000,
    relative,
    interArrivalJitterMs: (1.4826 * mad) / Math.SQRT2,
    belowFloor: below,
    fit,
    samples,
    baseMs: opts.baseMs ?? null,
    provenance: provenanceOf(s.source, s.eventTs, [s.tradeTs, s.recvTs]),
  };
}

/** A line a + b (t - t0) through the per-window minima of x (the fastest messages of each window). */
function floorLine(t: Float64Array, x: Float64Array, windowMs: number): { a: number; b: number; t0: number } {
  const t0 = t[0]!;
  const mins = new Map<number, { t: number; x: number }>();
  for (let i = 0; i < t.length; i++) {
    const w = Math.floor((t[i]! - t0) / windowMs);
    const m = mins.get(w);
    if (m === undefined || x[i]! < m.x) mins.set(w, { t: t[i]! - t0, x: x[i]! });
  }
  const pts = [...mins.values()];
  if (pts.length < 2) return { a: pts[0]!.x, b: 0, t0 };
  const mt = pts.reduce((s, p) => s + p.t, 0) / pts.length;
  const mx = pts.reduce((s, p) => s + p.x, 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const p of pts) {
    sxy += (p.t - mt) * (p.x - mx);
    sxx += (p.t - mt) ** 2;
  }
  const b = sxx > 0 ? sxy / sxx : 0;
  // shift down so the line is a floor: no window minimum lies below it
  let a = mx - b * mt;
  for (const p of pts) a = Math.min(a, p.x - b * p.t);
  return { a, b, t0 };
}

/** The execution.latency keys of a fit, rounded for a config file. */
export function latencyConfigValues(p: LognormalSpikeParams): { baseMs: number; jitter: number; spikeProbability: number; spikeMs: number } {
  return { baseMs: roundSig(p.baseMs, 5), jitter: roundSig(p.jitter, 4), spikeProbability: roundSig(p.spikeProbability, 4), spikeMs: roundSig(p.spikeMs, 5) };
}
