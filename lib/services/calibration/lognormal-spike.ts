import { DataError } from "../../core/errors";
import { median, normalCdf, robustSigma, sortedFinite } from "./fit-stats";

/**
 * The simulator's latency law (lib/sim/latency-model.ts): d = baseMs * exp(jitter * Z), plus spikeMs
 * with probability spikeProbability. A two-component mixture: a lognormal, and the same lognormal
 * shifted by spikeMs.
 */
export interface LognormalSpikeParams {
  /** Median of the lognormal part, ms. */
  baseMs: number;
  /** Sigma of log latency. */
  jitter: number;
  spikeProbability: number;
  /** Extra delay of a spike, ms (0 when no spikes were found). */
  spikeMs: number;
}

export interface LognormalSpikeFit extends LognormalSpikeParams {
  n: number;
  logLikelihood: number;
  iterations: number;
  converged: boolean;
  /** Kolmogorov-Smirnov distance between the samples and the fitted mixture. */
  ks: number;
  /** Approximate standard errors from the complete-data information. */
  stdErr: LognormalSpikeParams;
}

export interface LognormalSpikeOptions {
  /** Fit the spike component. Default true. */
  spikes?: boolean;
  /** A spike must lie this many robust sigmas (of log latency) above the median to seed the spike component. Default 4. */
  spikeSeedSigmas?: number;
  maxIterations?: number;
  /** Stop when the log-likelihood improves by less than this (relative). Default 1e-10. */
  tolerance?: number;
}

const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** log density of a lognormal(mu, s) at x > 0. */
function logLn(x: number, mu: number, s: number): number {
  const l = Math.log(x);
  const z = (l - mu) / s;
  return -0.5 * z * z - Math.log(s) - LN_SQRT_2PI - l;
}

/** CDF of the fitted mixture at x. */
export function lognormalSpikeCdf(x: number, p: LognormalSpikeParams): number {
  const mu = Math.log(p.baseMs);
  const base = x > 0 ? normalCdf((Math.log(x) - mu) / p.jitter) : 0;
  if (p.spikeProbability <= 0) return base;
  const spike = x > p.spikeMs ? normalCdf((Math.log(x - p.spikeMs) - mu) / p.jitter) : 0;
  return (1 - p.spikeProbability) * base + p.spikeProbability * spike;
}

/**
 * Maximum-likelihood fit of the lognormal + spike mixture by EM: the E step assigns each sample a
 * probability of being a spike; the M step updates the spike probability and the shared lognormal
 * (mu, sigma) in closed form and the spike size by a golden-section search. Seeded from robust
 * statistics (median and MAD of log latency), so one extreme sample cannot derail it.
 */
export function fitLognormalSpike(samples: ArrayLike<number>, opts: LognormalSpikeOptions = {}): LognormalSpikeFit {
  const x = sortedFinite(samples);
  const n = x.length;
  if (n < 10) throw new DataError(`latency fit needs at least 10 samples, got ${n}`, { n });
  if (!(x[0]! > 0)) throw new DataError(`latency samples must be positive; smallest is ${x[0]} ms`, { min: x[0] });
  const logs = x.map((v) => Math.log(v));
  let mu = median(logs);
  let s = Math.max(robustSigma(logs), 1e-3);
  let p = 0;
  let spike = 0;
  if (opts.spikes ?? true) {
    const cut = mu + (opts.spikeSeedSigmas ?? 4) * s;
    const tail = x.filter((v) => Math.log(v) > cut);
    if (tail.length >= Math.max(3, Math.ceil(1e-4 * n))) {
      p = tail.length / n;
      spike = Math.max(median(tail) - Math.exp(mu), 1e-6);
    }
  }
  const r = new Float64Array(n);
  let ll = Number.NEGATIVE_INFINITY;
  let it = 0;
  let converged = false;
  const maxIt = opts.maxIterations ?? 500;
  const tol = opts.tolerance ?? 1e-10;
  for (; it < maxIt; it++) {
    // E step
    let llNew = 0;
    for (let i = 0; i < n; i++) {
      const a = Math.log(1 - p) + logLn(x[i]!, mu, s);
      if (p > 0 && x[i]! > spike) {
        const b = Math.log(p) + logLn(x[i]! - spike, mu, s);
        const m = Math.max(a, b);
        const lse = m + Math.log(Math.exp(a - m) + Math.exp(b - m));
        r[i] = Math.exp(b - lse);
        llNew += lse;
      } else {
        r[i] = 0;
        llNew += a;
      }
    }
    if (Math.abs(llNew - ll) <= tol * Math.abs(llNew)) {
      ll = llNew;
      converged = true;
      break;
    }
    ll = llNew;
    // M step
    let sr = 0;
    for (let i = 0; i < n; i++) sr += r[i]!;
    if (p > 0) {
      p = Math.min(Math.max(sr / n, 1e-12), 0.5);
      spike = bestSpike(x, r, mu, s, spike);
    }
    let m1 = 0;
    for (let i = 0; i < n; i++) m1 += (1 - r[i]!) * logs[i]! + (r[i]! > 0 ? r[i]! * Math.log(x[i]! - spike) : 0);
    mu = m1 / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const d0 = logs[i]! - mu;
      m2 += (1 - r[i]!) * d0 * d0;
      if (r[i]! > 0) {
        const d1 = Math.log(x[i]! - spike) - mu;
        m2 += r[i]! * d1 * d1;
      }
    }
    s = Math.max(Math.sqrt(m2 / n), 1e-6);
    if (p > 0 && sr < 0.5) {
      // the spike component emptied out: no spikes in these data
      p = 0;
      spike = 0;
    }
  }
  const params: LognormalSpikeParams = { baseMs: Math.exp(mu), jitter: s, spikeProbability: p, spikeMs: spike };
  let nSpike = 0;
  for (let i = 0; i < n; i++) nSpike += r[i]!;
  return {
    ...params,
    n,
    logLikelihood: ll,
    iterations: it,
    converged,
    ks: ksDistance(x, params),
    stdErr: {
      baseMs: (Math.exp(mu) * s) / Math.sqrt(n),
      jitter: s / Math.sqrt(2 * n),
      spikeProbability: Math.sqrt((p * (1 - p)) / n),
      spikeMs: nSpike > 1 ? (Math.exp(mu + (s * s) / 2) * Math.sqrt(Math.exp(s * s) - 1)) / Math.sqrt(nSpike) : Number.NaN,
    },
  };
}

/** M step for the spike size: maximises the spike-weighted log density over (0, smallest spike-weighted sample). */
function bestSpike(x: Float64Array, r: Float64Array, mu: number, s: number, current: number): number {
  let hi = Number.POSITIVE_INFINITY;
  for (let i = 0; i < x.length; i++) if (r[i]! > 1e-9 && x[i]! < hi) hi = x[i]!;
  if (!Number.isFinite(hi)) return current;
  const f = (c: number): number => {
    let v = 0;
    for (let i = 0; i < x.length; i++) if (r[i]! > 1e-9) v += r[i]! * logLn(x[i]! - c, mu, s);
    return v;
  };
  let a = 0;
  let b = hi * (1 - 1e-9);
  const g = (Math.sqrt(5) - 1) / 2;
  let c = b - g * (b - a);
  let d = a + g * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let k = 0; k < 80 && b - a > 1e-9 * Math.max(1, hi); k++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - g * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + g * (b - a);
      fd = f(d);
    }
  }
  return (a + b) / 2;
}

/** Largest gap between the empirical CDF of ascending samples and the mixture CDF. */
export function ksDistance(sorted: Float64Array, p: LognormalSpikeParams): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = lognormalSpikeCdf(sorted[i]!, p);
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  }
  return d;
}
