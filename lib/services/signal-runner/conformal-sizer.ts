import type { ConformalConfig } from "../../config/schemas/conformal";
import { ConformalPredictor, type ConformalInterval, type ConformalMetrics } from "../../conformal/predictor";
import { HeldSizing, type SizingDecision } from "../../conformal/sizing";
import type { ActorCriticLayout } from "../../rl/actor-critic";
import { mlpForwardJs, mlpJsWeights, mlpScratch, type MlpJsWeights, type MlpScratch } from "../../rl/mlp";

interface PendingOutcome {
  lastEquity: number;
  /** Discounted sum of the rewards realised so far. */
  acc: number;
  /** gamma^k after k realised rewards. */
  disc: number;
  k: number;
}

/**
 * Uncertainty-aware sizing from the checkpoint's critics. The forecast for a decision is the band
 * between the pessimistic critic's quantiles nearest alpha/2 and 1 - alpha/2 of the return-to-go
 * (the quantity the critics were trained on); its realised outcome, `horizon` bars later, is the
 * discounted sum of the rewards (log equity growth) over those bars plus gamma^horizon times the
 * critic's mean value then, the same bootstrapped target the critics learn. The ConformalPredictor
 * turns the band into a calibrated interval and sizes the target by the configured mode.
 */
export class ConformalSizer {
  private readonly nets: { w: MlpJsWeights; s: MlpScratch }[];
  private readonly q: Float64Array[];
  private readonly x: Float64Array;
  private readonly pending: PendingOutcome[] = [];
  private readonly nq: number;
  private readonly loIdx: number;
  private readonly hiIdx: number;
  lastInterval: ConformalInterval | null = null;
  private readonly held: HeldSizing;

  constructor(
    readonly predictor: ConformalPredictor,
    critics: { layout: ActorCriticLayout; params: Float32Array },
    private readonly gamma: number,
  ) {
    const { layout, params } = critics;
    this.nets = layout.critics.map((c) => ({ w: mlpJsWeights(c, params), s: mlpScratch(c, 1) }));
    this.nq = layout.spec.nQuantiles;
    this.q = layout.critics.map(() => new Float64Array(this.nq));
    this.x = new Float64Array(layout.spec.obsSize);
    const a = predictor.config.alpha;
    this.loIdx = Math.min(this.nq - 1, Math.max(0, Math.floor((a / 2) * this.nq)));
    this.hiIdx = this.nq - 1 - this.loIdx;
    this.held = new HeldSizing(predictor.config.sizing.resizeThreshold ?? 0);
  }

  /** A sizer from a saved predictor state and the live conformal config (the config wins). */
  static fromState(state: unknown, config: ConformalConfig, critics: { layout: ActorCriticLayout; params: Float32Array }, gamma: number, source: string): ConformalSizer {
    // forecasts the saved state still waits on belong to the calibration data, not to this run
    const fresh = state !== null && typeof state === "object" ? { ...(state as Record<string, unknown>), pending: [] } : state;
    return new ConformalSizer(ConformalPredictor.fromJSON(fresh, config, source), critics, gamma);
  }

  /** The pessimistic critic's band [lo, hi] and its mean value for one observation. */
  private band(obs: Float32Array): { lo: number; hi: number; mean: number } {
    for (let i = 0; i < this.x.length; i++) this.x[i] = obs[i]!;
    let best = 0;
    let bestMean = Number.POSITIVE_INFINITY;
    this.nets.forEach((n, c) => {
      const out = this.q[c]!;
      mlpForwardJs(n.w, this.x, 1, out, n.s);
      let m = 0;
      for (let k = 0; k < this.nq; k++) m += out[k]!;
      m /= this.nq;
      if (m < bestMean) [bestMean, best] = [m, c];
    });
    const sorted = Float64Array.from(this.q[best]!).sort();
    return { lo: sorted[this.loIdx]!, hi: sorted[this.hiIdx]!, mean: bestMean };
  }

  /** One ready bar: realises the outcomes that are due, then issues this bar's interval. */
  step(obs: Float32Array, equity: number): ConformalInterval {
    const { lo, hi, mean } = this.band(obs);
    const h = this.predictor.config.horizon;
    for (const p of this.pending) {
      p.acc += p.disc * Math.log(equity / p.lastEquity);
      p.disc *= this.gamma;
      p.k++;
      p.lastEquity = equity;
    }
    while (this.pending.length > 0 && this.pending[0]!.k >= h) {
      const p = this.pending.shift()!;
      this.predictor.realise(p.acc + p.disc * mean);
    }
    const iv = this.predictor.forecast(lo, hi);
    this.pending.push({ lastEquity: equity, acc: 0, disc: 1, k: 0 });
    this.lastInterval = iv;
    return iv;
  }

  /** Sizes the target by the interval; the scale is held while the target stays put (see HeldSizing). */
  size(target: number, iv: ConformalInterval): SizingDecision {
    return this.held.size(target, () => this.predictor.size(target, iv));
  }

  metrics(): ConformalMetrics {
    return this.predictor.metrics();
  }
}
