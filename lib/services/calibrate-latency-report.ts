import { hourOfWeekHeatmap, linesFigure, residualsFigure, scatterFitFigure } from "../plot/charts";
import type { JournalLatencyResult, LatencyQuantiles, StreamLatencyResult } from "./calibrate-latency";
import type { SeasonalityFit } from "./calibrate-latency-seasonality";
import { logSpace, quantileSorted, sortedFinite } from "./calibration/fit-stats";
import { lognormalSpikeCdf, type LognormalSpikeFit } from "./calibration/lognormal-spike";
import { type CalibrationBlock, fmt, type TitledFigure, withSe } from "./calibration/report-blocks";

export const quantileText = (q: LatencyQuantiles) => `n ${q.n}: p50 ${fmt(q.p50, 2)}, p90 ${fmt(q.p90, 2)}, p99 ${fmt(q.p99, 2)}, p99.9 ${fmt(q.p999, 2)}, max ${fmt(q.max, 2)} ms`;

function fitRows(f: LognormalSpikeFit): [string, string][] {
  return [
    ["baseMs (lognormal median)", withSe(f.baseMs, f.stdErr.baseMs, 3)],
    ["jitter (sigma of log latency)", withSe(f.jitter, f.stdErr.jitter, 4)],
    ["spikeProbability", withSe(f.spikeProbability, f.stdErr.spikeProbability, 5)],
    ["spikeMs", withSe(f.spikeMs, f.stdErr.spikeMs, 2)],
    ["samples / log-likelihood", `${f.n} / ${fmt(f.logLikelihood, 2)}`],
    ["KS distance (fit vs samples)", fmt(f.ks, 4)],
    ["EM iterations", `${f.iterations}${f.converged ? "" : " (not converged)"}`],
  ];
}

export function journalLatencyRows(r: JournalLatencyResult): [string, string][] {
  return [
    ...fitRows(r.fit),
    ["sent -> ack", quantileText(r.sentToAck)],
    ["ack -> fill", quantileText(r.ackToFill)],
    ["sent -> fill", quantileText(r.sentToFill)],
    ["orders / unacknowledged / timeouts left out", `${r.orders} / ${r.unacknowledged} / ${r.timeouts}`],
    ["deseasonalised by the hour-of-week multipliers", r.deseasonalised ? "yes" : "no"],
  ];
}

export function streamLatencyRows(r: StreamLatencyResult): [string, string][] {
  const rows: [string, string][] = [
    ["venue-internal delay E - T", `${quantileText(r.exchangeDelay)}; ${(100 * r.exchangeDelay.over100ms).toFixed(3)} % >= 100 ms`],
    ["recv - E floor (clock offset + fastest transit; NOT a latency)", `${fmt(r.offsetMs, 3)} ms`],
    ["recorder clock drift vs venue", `${fmt(r.driftMsPerHour, 3)} ms/hour`],
    ["delay above the floor (jitter)", quantileText(r.relative)],
    ["inter-arrival jitter (offset-free cross-check)", `${fmt(r.interArrivalJitterMs, 3)} ms`],
    ["messages below the floor (clamped)", String(r.belowFloor)],
  ];
  if (r.fit) rows.push(["assumed median latency (pins the level)", `${fmt(r.baseMs!, 2)} ms`], ...fitRows(r.fit));
  else rows.push(["lognormal fit", "not made: the absolute level is unknown with an unsynced clock (give --base-ms or a journal)"]);
  return rows;
}

/** Empirical CDF with the fitted mixture over it, and CDF residuals by latency quantile bucket. */
export function latencyFitFigures(label: string, samples: Float64Array, fit: LognormalSpikeFit): TitledFigure[] {
  const s = sortedFinite(samples);
  const n = s.length;
  const m = Math.min(n, 600);
  const px: number[] = [];
  const py: number[] = [];
  for (let j = 0; j < m; j++) {
    const i = Math.min(n - 1, Math.round((j * (n - 1)) / Math.max(1, m - 1)));
    px.push(s[i]!);
    py.push((i + 1) / n);
  }
  const grid = logSpace(Math.max(s[0]!, 1e-3), s[n - 1]!, 200);
  const cdf = scatterFitFigure(
    `${label}: latency CDF, samples vs fitted lognormal + spikes`,
    { x: px, y: py, label: "empirical CDF" },
    { x: grid, y: grid.map((x) => lognormalSpikeCdf(x, fit)), label: `fit: base ${fmt(fit.baseMs, 2)} ms, jitter ${fmt(fit.jitter, 3)}, spikes ${fmt(100 * fit.spikeProbability, 2)} % x ${fmt(fit.spikeMs, 1)} ms` },
    { x: "latency (ms, log)", y: "cumulative probability", logX: true },
  );
  const qs = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1];
  const labels: string[] = [];
  const mean: number[] = [];
  const std: number[] = [];
  for (let b = 0; b < qs.length - 1; b++) {
    const lo = Math.floor(qs[b]! * n);
    const hi = Math.max(lo + 1, Math.floor(qs[b + 1]! * n));
    const d: number[] = [];
    for (let i = lo; i < Math.min(hi, n); i++) d.push((i + 0.5) / n - lognormalSpikeCdf(s[i]!, fit));
    const mu = d.reduce((a, v) => a + v, 0) / d.length;
    labels.push(`p${qs[b]! * 100}-p${qs[b + 1]! * 100} (${fmt(quantileSorted(s, qs[b]!), 1)}-${fmt(quantileSorted(s, qs[b + 1]!), 1)} ms)`);
    mean.push(mu);
    std.push(Math.sqrt(d.reduce((a, v) => a + (v - mu) ** 2, 0) / Math.max(1, d.length - 1)));
  }
  return [
    { title: "Latency fit", figure: cdf },
    { title: "CDF residuals by latency bucket", figure: residualsFigure(`${label}: empirical - fitted CDF by quantile bucket`, labels, mean, std, "CDF residual") },
  ];
}

export function seasonalityFigures(fit: SeasonalityFit): TitledFigure[] {
  const hours = Array.from({ length: 168 }, (_, h) => h);
  const series: Record<string, ArrayLike<number>> = { multiplier: fit.multipliers, "volume (relative)": fit.volumeProfile };
  if (fit.tradeCountProfile) series["trade count (relative)"] = fit.tradeCountProfile;
  return [
    { title: "Seasonality heatmap", figure: hourOfWeekHeatmap("Liquidity/latency multiplier by hour of week (UTC)", fit.multipliers) },
    { title: "Seasonality profile", figure: linesFigure("Hour-of-week profile (0 = Monday 00:00 UTC)", hours, series, { x: "hour of week", y: "relative to mean" }) },
  ];
}

export function seasonalityRows(fit: SeasonalityFit): [string, string][] {
  let lo = 0;
  let hi = 0;
  for (let h = 0; h < 168; h++) {
    if (fit.multipliers[h]! < fit.multipliers[lo]!) lo = h;
    if (fit.multipliers[h]! > fit.multipliers[hi]!) hi = h;
  }
  const day = (h: number) => `${["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][Math.floor(h / 24)]} ${h % 24}:00`;
  return [
    ["source", fit.provenance.source],
    ["range", `${fit.provenance.range.first} to ${fit.provenance.range.last} (${fit.provenance.range.rows} bars)`],
    ["basis", fit.tradeCountProfile ? "volume and trade counts" : "volume (no trade counts in these bars)"],
    ["bars per hour of week (min / max)", `${Math.min(...fit.barsPerHour)} / ${Math.max(...fit.barsPerHour)}`],
    ["busiest hour (lowest multiplier)", `${day(lo)} UTC: ${fmt(fit.multipliers[lo]!, 3)}`],
    ["quietest hour (highest multiplier)", `${day(hi)} UTC: ${fmt(fit.multipliers[hi]!, 3)}`],
    ["hours filled (too few bars)", fit.filledHours.length ? fit.filledHours.join(", ") : "none"],
    ["hash", fit.provenance.hash],
  ];
}

export interface LatencyReportInput {
  journal?: JournalLatencyResult;
  stream?: StreamLatencyResult;
  seasonality?: SeasonalityFit;
  notes?: readonly string[];
}

export function latencyReportBlocks(r: LatencyReportInput): CalibrationBlock[] {
  const blocks: CalibrationBlock[] = (r.notes ?? []).map((text) => ({ kind: "text", text }));
  const table = (rows: [string, string][]) => ({ kind: "table" as const, header: ["quantity", "value"], rows });
  if (r.journal) {
    blocks.push({ kind: "heading", text: "Order latency from the journal (sent -> acknowledged)" }, table(journalLatencyRows(r.journal)));
    for (const f of latencyFitFigures("journal", r.journal.samples, r.journal.fit)) blocks.push({ kind: "figure", figure: f.figure });
  }
  if (r.stream) {
    blocks.push({ kind: "heading", text: `Recorded stream timestamps (${r.stream.provenance.source})` }, table(streamLatencyRows(r.stream)));
    if (r.stream.fit) for (const f of latencyFitFigures("stream", r.stream.samples, r.stream.fit)) blocks.push({ kind: "figure", figure: f.figure });
  }
  if (r.seasonality) {
    blocks.push({ kind: "heading", text: "Hour-of-week seasonality" }, table(seasonalityRows(r.seasonality)));
    for (const f of seasonalityFigures(r.seasonality)) blocks.push({ kind: "figure", figure: f.figure });
  }
  return blocks;
}
