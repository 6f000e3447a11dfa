/**
 * Running mean and variance (Chan et al. parallel update), and the reward scaler built on it: rewards
 * are divided by the running standard deviation of the discounted return, so the critics see targets
 * of order one whatever the reward's units (a 1-minute log return is ~1e-4).
 */
export class RunningMeanStd {
  mean = 0;
  var = 1;
  count = 1e-4;

  update(values: ArrayLike<number>, n = values.length): void {
    if (n === 0) return;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += values[i]!;
    const bMean = sum / n;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const d = values[i]! - bMean;
      ss += d * d;
    }
    const bVar = ss / n;
    const total = this.count + n;
    const delta = bMean - this.mean;
    this.mean += (delta * n) / total;
    this.var = (this.var * this.count + bVar * n + (delta * delta * this.count * n) / total) / total;
    this.count = total;
  }

  getState(): { mean: number; var: number; count: number } {
    return { mean: this.mean, var: this.var, count: this.count };
  }

  setState(s: { mean: number; var: number; count: number }): void {
    this.mean = s.mean;
    this.var = s.var;
    this.count = s.count;
  }
}

export interface RewardScalerState {
  returns: number[];
  rms: { mean: number; var: number; count: number };
}

export class RewardScaler {
  private readonly rms = new RunningMeanStd();
  private readonly ret: Float64Array;
  private readonly gamma: number;
  private readonly eps: number;
  readonly enabled: boolean;

  constructor(numEnvs: number, gamma: number, enabled: boolean, eps = 1e-8) {
    this.ret = new Float64Array(numEnvs);
    this.gamma = gamma;
    this.enabled = enabled;
    this.eps = eps;
  }

  /** Updates the statistics with one step of all envs and writes the scaled rewards to `out`. */
  scale(rewards: Float32Array, done: Uint8Array, out: Float32Array | Float64Array): void {
    const n = rewards.length;
    if (!this.enabled) {
      for (let i = 0; i < n; i++) out[i] = rewards[i]!;
      return;
    }
    for (let i = 0; i < n; i++) this.ret[i] = this.ret[i]! * this.gamma + rewards[i]!;
    this.rms.update(this.ret, n);
    const inv = 1 / Math.sqrt(this.rms.var + this.eps);
    for (let i = 0; i < n; i++) {
      out[i] = rewards[i]! * inv;
      if (done[i]) this.ret[i] = 0;
    }
  }

  /** Current divisor applied to rewards (1 when disabled). */
  get std(): number {
    return this.enabled ? Math.sqrt(this.rms.var + this.eps) : 1;
  }

  /** Forgets the in-progress discounted returns (after the envs are reset). */
  resetReturns(): void {
    this.ret.fill(0);
  }

  getState(): RewardScalerState {
    return { returns: Array.from(this.ret), rms: this.rms.getState() };
  }

  setState(s: RewardScalerState): void {
    this.ret.set(s.returns);
    this.rms.setState(s.rms);
  }
}
