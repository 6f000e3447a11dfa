import { DataError } from "../core/errors";
import { parseSeasonality } from "../sim/latency-model";
import { hourOfWeek } from "../sim/time";
import { median, roundTo } from "./calibration/fit-stats";
import { type Provenance, provenanceOf } from "./calibration/provenance";

/** Bars for the seasonality: open time, volume and (when the source has it) the number of trades. */
export interface SeasonalityInput {
  source: string;
  ts: Float64Array;
  volume: Float64Array;
  /** Trades per bar; NaN where unknown. */
  trades?: Float64Array;
}

export interface SeasonalityOptions {
  /** Hours of the week with fewer bars are not estimated (filled, see `filledHours`). Default 30. */
  minBarsPerHour?: number;
  /** Per-hour statistic of volume and trade counts. Default "mean". */
  statistic?: "mean" | "median";
  /** Share of bars that must carry a trade count for counts to be used. Default 0.9. */
  minTradeCountCoverage?: number;
}

export interface SeasonalityFit {
  /** 168 multipliers, index 0 = Monday 00:00 UTC, mean 1: quiet hours above 1. */
  multipliers: Float64Array;
  /** Normalised activity per hour (mean 1): volume, combined with trade counts when available. */
  activity: Float64Array;
  volumeProfile: Float64Array;
  /** Null when the bars carry no (or too few) trade counts. */
  tradeCountProfile: Float64Array | null;
  barsPerHour: Int32Array;
  /** Hours without enough bars: given the largest estimated multiplier (the thinnest market seen). */
  filledHours: number[];
  method: string;
  provenance: Provenance;
}

/**
 * Hour-of-week liquidity seasonality: activity_h = (statistic of volume in hour h) / (statistic over
 * all bars), and likewise for trade counts when the bars have them (the two are combined by a
 * geometric mean); multiplier_h = 1 / activity_h, normalised to mean 1. The simulator multiplies
 * latency (and a slippage profile's cost) by it, so thin hours are slower and dearer.
 */
export function fitSeasonality(input: SeasonalityInput, opts: SeasonalityOptions = {}): SeasonalityFit {
  const n = input.ts.length;
  if (n === 0) throw new DataError(`${input.source}: no bars in the requested window`, { file: input.source });
  const minBars = opts.minBarsPerHour ?? 30;
  const stat = opts.statistic ?? "mean";
  const hours: number[][] = Array.from({ length: 168 }, () => []);
  for (let i = 0; i < n; i++) {
    const v = input.volume[i]!;
    if (!Number.isFinite(input.ts[i]!)) throw new DataError(`${input.source} row ${i + 1}: bar time missing`, { file: input.source, row: i + 1 });
    if (!(v >= 0) || !Number.isFinite(v)) throw new DataError(`${input.source} row ${i + 1} (${new Date(input.ts[i]!).toISOString()}): volume ${v} is not a non-negative number`, { file: input.source, row: i + 1 });
    hours[hourOfWeek(input.ts[i]!)]!.push(i);
  }
  const barsPerHour = Int32Array.from(hours, (h) => h.length);
  const covered = hours.map((h) => h.length >= minBars);
  if (!covered.some(Boolean)) {
    throw new DataError(`${input.source}: no hour of the week has ${minBars} bars (${n} bars in all); use a longer window or a smaller minimum`, { file: input.source });
  }
  const volumeProfile = profile(input.volume, hours, covered, stat);
  let countProfile: Float64Array | null = null;
  if (input.trades) {
    let known = 0;
    for (let i = 0; i < n; i++) if (Number.isFinite(input.trades[i]!) && input.trades[i]! >= 0) known++;
    if (known / n >= (opts.minTradeCountCoverage ?? 0.9)) countProfile = profile(input.trades, hours, covered, stat);
  }
  const activity = new Float64Array(168);
  for (let h = 0; h < 168; h++) activity[h] = countProfile ? Math.sqrt(volumeProfile[h]! * countProfile[h]!) : volumeProfile[h]!;
  const raw = new Float64Array(168);
  let maxRaw = 0;
  for (let h = 0; h < 168; h++) {
    if (!covered[h]) continue;
    if (!(activity[h]! > 0)) throw new DataError(`${input.source}: hour-of-week ${h} has no volume in any of its ${barsPerHour[h]} bars`, { file: input.source, hour: h });
    raw[h] = 1 / activity[h]!;
    maxRaw = Math.max(maxRaw, raw[h]!);
  }
  const filledHours: number[] = [];
  for (let h = 0; h < 168; h++) {
    if (!covered[h]) {
      raw[h] = maxRaw;
      filledHours.push(h);
    }
  }
  let m = 0;
  for (let h = 0; h < 168; h++) m += raw[h]!;
  m /= 168;
  const multipliers = raw.map((v) => roundTo(v / m, 6));
  const cols = [input.volume, ...(countProfile && input.trades ? [input.trades] : [])];
  const basis = countProfile ? "volume and trade count (geometric mean)" : "volume";
  return {
    multipliers,
    activity,
    volumeProfile,
    tradeCountProfile: countProfile,
    barsPerHour,
    filledHours,
    method: `multiplier[h] = 1 / activity[h], normalised to mean 1; activity[h] = ${stat}(${basis} in hour-of-week h) / ${stat}(over all bars); index 0 = Monday 00:00 UTC`,
    provenance: provenanceOf(input.source, input.ts, cols),
  };
}

/** Per-hour statistic relative to the statistic over all bars (NaN for uncovered hours). */
function profile(x: Float64Array, hours: readonly number[][], covered: readonly boolean[], stat: "mean" | "median"): Float64Array {
  const all: number[] = [];
  for (const h of hours) for (const i of h) if (Number.isFinite(x[i]!)) all.push(x[i]!);
  const summarise = (vs: number[]) => (stat === "median" ? median(vs) : vs.reduce((a, b) => a + b, 0) / vs.length);
  const overall = summarise(all);
  if (!(overall > 0)) throw new DataError("seasonality: the activity measure is zero over the whole window");
  return Float64Array.from(hours, (h, k) => {
    if (!covered[k]) return Number.NaN;
    const vs = h.map((i) => x[i]!).filter((v) => Number.isFinite(v));
    return vs.length ? summarise(vs) / overall : Number.NaN;
  });
}

/** The seasonality file (data/latency/liquidity_latency_seasonality.json), validated by the simulator's parser. */
export function seasonalityFile(fit: SeasonalityFit, builtAt: string, minBarsPerHour: number): { meta: Record<string, unknown>; multipliers: number[] } {
  const payload = {
    meta: {
      built_at: builtAt,
      source: fit.provenance.source,
      range: { first: fit.provenance.range.first, last: fit.provenance.range.last, bars: fit.provenance.range.rows },
      hash: fit.provenance.hash,
      method: fit.method,
      min_bars_per_hour: minBarsPerHour,
      bars_per_hour: { min: Math.min(...fit.barsPerHour), max: Math.max(...fit.barsPerHour) },
      trade_counts: fit.tradeCountProfile !== null,
      ...(fit.filledHours.length > 0 ? { filled_hours: fit.filledHours } : {}),
    },
    multipliers: Array.from(fit.multipliers),
  };
  parseSeasonality(payload, "calibrated seasonality");
  return payload;
}
