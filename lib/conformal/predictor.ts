import { conformalSchema, type ConformalConfig } from "../config/schemas/conformal";
import { InvariantError } from "../core/errors";
import { CoverageTracker, type CoverageStats } from "./coverage";
import { conformalRank, intervalWidth, type Band } from "./quantile";
import { referenceWidth, sizeTarget, type SizingDecision, type SizingInterval } from "./sizing";
import { SortedWindow } from "./sorted-window";
import { CONFORMAL_STATE_FORMAT, CONFORMAL_STATE_VERSION, decodeQhat, encodeQhat, parseConformalState, type ConformalState } from "./state";

/** A calibrated interval for one forecast. */
export interface ConformalInterval {
  lo: number;
  hi: number;
  /** hi - lo; +Infinity for the whole line, 0 for the empty set. */
  width: number;
  /** Score quantile added to both sides of the forecaster's band. */
  qhat: number;
  /** Miscoverage level used: alpha (split) or alpha_t (adaptive). */
  alpha: number;
}

/** What the live runner's /metrics and backtest reports print. */
export interface ConformalMetrics extends CoverageStats {
  method: ConformalConfig["method"];
  /** 1 - alpha. */
  nominal: number;
  alpha: number;
  /** The miscoverage level the next interval uses. */
  alphaT: number;
  /** The current score quantile (+Infinity while calibrating). */
  qhat: number;
  calibrationSize: number;
  coverageWindow: number;
  /** rollingCoverage - nominal (NaN before the first outcome). */
  rollingCoverageGap: number;
}

/** A forecast band and the q-hat its interval was issued with, waiting for its outcome. */
export interface PendingForecast {
  lo: number;
  hi: number;
  qhat: number;
}

function assertFinite(name: string, v: number): void {
  if (!Number.isFinite(v)) throw new InvariantError(`conformal: ${name} must be finite, got ${v}`, { [name]: v });
}

/**
 * Online conformalised quantile regression over a sliding calibration window.
 *
 * For each forecast band [lo, hi] (e.g. the critic's alpha/2 and 1 - alpha/2 return quantiles),
 * `interval` widens or narrows it by q-hat, the ceil((n + 1)(1 - a))-th smallest of the n scores in the
 * window. `observe` then takes the realised outcome: it scores whether the interval covered it, updates
 * a = alpha_t by adaptive conformal inference (Gibbs & Candes 2021: alpha_{t+1} = alpha_t +
 * gamma (alpha - err_t), method "adaptive"; the split method keeps a = alpha) and, with rolling
 * updates, adds the CQR score max(lo - y, y - hi) to the window. ACI's long-run miscoverage over any T
 * consecutive outcomes is within (1 + 2 gamma) / (gamma T) of alpha, whatever the data.
 *
 * Live use: `forecast(lo, hi)` at each decision, `realise(y)` once the outcome of the forecast made
 * `horizon` bars earlier is known; `toJSON` / `fromJSON` carry everything (window, alpha_t, coverage,
 * pending forecasts) from a checkpoint into the live runner.
 */
export class ConformalPredictor {
  readonly config: Readonly<ConformalConfig>;
  private readonly scores: SortedWindow;
  private tracker: CoverageTracker;
  private alphaT: number;
  private updates = 0;
  /** Forecasts issued by `forecast` whose outcomes are not yet realised, oldest first. */
  private pending: PendingForecast[] = [];

  constructor(config: ConformalConfig) {
    this.config = Object.freeze({ ...config, sizing: Object.freeze({ ...config.sizing }) });
    this.scores = new SortedWindow(config.calibrationWindow);
    this.tracker = new CoverageTracker(config.coverageWindow);
    this.alphaT = config.alpha;
  }

  /** The miscoverage level the next interval uses. */
  get currentAlpha(): number {
    return this.alphaT;
  }

  /** Number of scores in the calibration window. */
  get calibrationSize(): number {
    return this.scores.size;
  }

  /** Number of adaptive updates applied. */
  get updateCount(): number {
    return this.updates;
  }

  /** The current score quantile: +Infinity while the window is too small, -Infinity if alpha_t >= 1. */
  qhat(): number {
    const n = this.scores.size;
    const k = conformalRank(n, this.alphaT);
    if (k > n) return Number.POSITIVE_INFINITY;
    if (k <= 0) return Number.NEGATIVE_INFINITY;
    return this.scores.kth(k);
  }

  /** The calibrated interval for a forecast band [lo, hi]. */
  interval(lo: number, hi: number): ConformalInterval {
    assertFinite("lo", lo);
    assertFinite("hi", hi);
    const q = this.qhat();
    const a = lo - q;
    const b = hi + q;
    return { lo: a, hi: b, width: intervalWidth(a, b), qhat: q, alpha: this.alphaT };
  }

  /** Loads calibration scores from a held-out set (no coverage counted, alpha_t unchanged). */
  calibrate(lo: ArrayLike<number>, hi: ArrayLike<number>, y: ArrayLike<number>): void {
    const n = y.length;
    if (lo.length !== n || hi.length !== n) throw new RangeError(`calibrate: length mismatch lo=${lo.length} hi=${hi.length} y=${n}`);
    for (let i = 0; i < n; i++) {
      assertFinite("lo", lo[i]!);
      assertFinite("hi", hi[i]!);
      assertFinite("y", y[i]!);
      this.scores.push(Math.max(lo[i]! - y[i]!, y[i]! - hi[i]!));
    }
  }

  /**
   * Takes the realised outcome y of the forecast band [lo, hi]. Coverage is judged against `issued`,
   * the interval handed out when the forecast was made (pass it when outcomes arrive later than the
   * next step); by default against the interval the current state gives. Returns whether y was covered.
   */
  observe(lo: number, hi: number, y: number, issued?: Band): boolean {
    assertFinite("lo", lo);
    assertFinite("hi", hi);
    assertFinite("y", y);
    let a: number;
    let b: number;
    if (issued) {
      a = issued.lo;
      b = issued.hi;
    } else {
      const q = this.qhat();
      a = lo - q;
      b = hi + q;
    }
    const covered = y >= a && y <= b;
    this.tracker.record(covered, intervalWidth(a, b));
    if (this.config.method === "adaptive") {
      this.alphaT += this.config.gamma * (this.config.alpha - (covered ? 0 : 1));
      this.updates++;
    }
    if (this.config.calibrationUpdates === "rolling") this.scores.push(Math.max(lo - y, y - hi));
    return covered;
  }

  /**
   * Issues the interval for a forecast band and queues the forecast until its outcome is realised
   * (`realise`, `horizon` bars later). At most `horizon` forecasts may wait: realise the oldest one
   * before issuing more.
   */
  forecast(lo: number, hi: number): ConformalInterval {
    if (this.pending.length >= this.config.horizon) {
      throw new InvariantError(`conformal: ${this.pending.length} forecasts already await outcomes (horizon ${this.config.horizon}); realise the oldest first`);
    }
    const iv = this.interval(lo, hi);
    this.pending.push({ lo, hi, qhat: iv.qhat });
    return iv;
  }

  /** The realised outcome of the oldest queued forecast, judged against the interval it was issued. */
  realise(y: number): boolean {
    const f = this.pending.shift();
    if (!f) throw new InvariantError("conformal: realise() without a pending forecast");
    return this.observe(f.lo, f.hi, y, { lo: f.lo - f.qhat, hi: f.hi + f.qhat });
  }

  /** Number of forecasts awaiting their outcome. */
  get pendingCount(): number {
    return this.pending.length;
  }

  stats(): CoverageStats {
    return this.tracker.stats();
  }

  metrics(): ConformalMetrics {
    const s = this.tracker.stats();
    const nominal = 1 - this.config.alpha;
    return {
      method: this.config.method,
      nominal,
      alpha: this.config.alpha,
      alphaT: this.alphaT,
      qhat: this.qhat(),
      calibrationSize: this.scores.size,
      coverageWindow: this.config.coverageWindow,
      ...s,
      rollingCoverageGap: s.rollingCoverage - nominal,
    };
  }

  /** The reference width the sizing config asks for (NaN until one exists). */
  referenceWidth(): number {
    return referenceWidth(this.config.sizing, this.tracker);
  }

  /** Sizes a target position by the configured mode against this predictor's reference width. */
  size(target: number, iv: SizingInterval): SizingDecision {
    return sizeTarget(target, iv, this.referenceWidth(), this.config.sizing);
  }

  toJSON(): ConformalState {
    return {
      format: CONFORMAL_STATE_FORMAT,
      version: CONFORMAL_STATE_VERSION,
      config: { ...this.config, sizing: { ...this.config.sizing } },
      alphaT: this.alphaT,
      updates: this.updates,
      scores: Array.from(this.scores.values()),
      coverage: this.tracker.toJSON(),
      pending: this.pending.map((f) => ({ lo: f.lo, hi: f.hi, qhat: encodeQhat(f.qhat) })),
    };
  }

  /**
   * Restores a predictor from a saved state (validated; STATE_CORRUPT on bad input). With `config`
   * (e.g. the live config), that config wins: the newest scores that fit its window are kept, and
   * alpha_t is kept only when method and alpha are unchanged.
   */
  static fromJSON(value: unknown, config?: ConformalConfig, source?: string): ConformalPredictor {
    const state = parseConformalState(value, source);
    const cfg = config ? conformalSchema.parse(config) : state.config;
    const p = new ConformalPredictor(cfg);
    const start = Math.max(0, state.scores.length - cfg.calibrationWindow);
    for (let i = start; i < state.scores.length; i++) p.scores.push(state.scores[i]!);
    const sameAlpha = cfg.method === state.config.method && cfg.alpha === state.config.alpha;
    p.alphaT = sameAlpha ? state.alphaT : cfg.alpha;
    p.updates = sameAlpha ? state.updates : 0;
    p.tracker = CoverageTracker.fromJSON(state.coverage, cfg.coverageWindow);
    // forecasts beyond the new horizon would never be realised in order: keep the newest that fit
    const pend = state.pending.slice(Math.max(0, state.pending.length - cfg.horizon));
    p.pending = pend.map((f) => ({ lo: f.lo, hi: f.hi, qhat: decodeQhat(f.qhat) }));
    return p;
  }
}

/** A predictor from a partial config (schema defaults fill the rest). */
export function createConformalPredictor(config: Partial<ConformalConfig> | Record<string, unknown> = {}): ConformalPredictor {
  return new ConformalPredictor(conformalSchema.parse(config));
}
