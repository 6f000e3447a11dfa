import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import {
  clippedQuantileHuberLossAndGrad,
  clippedSurrogate,
  cvarOfQuantiles,
  quantileHuberLoss,
  quantileHuberLossAndGrad,
  quantileTaus,
  squaredErrorLossAndGrad,
} from "../../lib/rl/losses";
import { SeededRng } from "../../lib/sim/rng";
import { setupTf } from "./tf-setup";

beforeAll(setupTf);

/** Reference quantile Huber loss in float64: mean over batch and targets, sum over quantiles. */
function refLoss(pred: number[][], target: number[][], taus: number[], kappa: number): number {
  let total = 0;
  pred.forEach((row, b) => {
    row.forEach((theta, i) => {
      let s = 0;
      for (const tj of target[b]!) {
        const u = tj - theta;
        const huber = Math.abs(u) <= kappa ? 0.5 * u * u : kappa * (Math.abs(u) - 0.5 * kappa);
        s += (Math.abs(taus[i]! - (u < 0 ? 1 : 0)) * huber) / kappa;
      }
      total += s / target[b]!.length;
    });
  });
  return total / pred.length;
}

const pred = [
  [-0.7, 0.1, 0.4, 2.5],
  [1.2, -1.9, 0.05, 0.3],
];
const target = [
  [0.2, -0.4, 3.1],
  [0.9, 0.0, -2.2],
];

describe("quantile Huber loss", () => {
  const taus = Array.from(quantileTaus(4));

  it("uses quantile midpoints tau_i = (i + 0.5) / N", () => {
    expect(taus).toEqual([0.125, 0.375, 0.625, 0.875]);
  });

  it("matches a float64 reference for kappa 1 and kappa 0.5", () => {
    for (const kappa of [1, 0.5]) {
      const v = tf.tidy(() => quantileHuberLoss(tf.tensor2d(pred), tf.tensor2d(target), tf.tensor1d(taus), kappa).dataSync()[0]!);
      expect(v).toBeCloseTo(refLoss(pred, target, taus, kappa), 5);
      const w = tf.tidy(() => quantileHuberLossAndGrad(tf.tensor2d(pred), tf.tensor2d(target), tf.tensor1d(taus), kappa).loss.dataSync()[0]!);
      expect(w).toBeCloseTo(v, 6);
    }
  });

  it("has an autodiff gradient (no comparison-op gradients) equal to the analytic one and to central differences", () => {
    const kappa = 1;
    const auto = tf.tidy(() => {
      const g = tf.grad((p: tf.Tensor) => quantileHuberLoss(p as tf.Tensor2D, tf.tensor2d(target), tf.tensor1d(taus), kappa));
      return Array.from(g(tf.tensor2d(pred)).dataSync());
    });
    const analytic = tf.tidy(() => Array.from(quantileHuberLossAndGrad(tf.tensor2d(pred), tf.tensor2d(target), tf.tensor1d(taus), kappa).grad.dataSync()));
    const h = 1e-5;
    const numeric: number[] = [];
    pred.forEach((row, b) =>
      row.forEach((_, i) => {
        const up = pred.map((r) => [...r]);
        const dn = pred.map((r) => [...r]);
        up[b]![i]! += h;
        dn[b]![i]! -= h;
        numeric.push((refLoss(up, target, taus, kappa) - refLoss(dn, target, taus, kappa)) / (2 * h));
      }),
    );
    for (let k = 0; k < numeric.length; k++) {
      expect(auto[k]).toBeCloseTo(numeric[k]!, 4);
      expect(analytic[k]).toBeCloseTo(numeric[k]!, 4);
    }
  });

  /** Fits n free quantile values to Exp(1) samples with Adam; returns the learned values. */
  function fitExponential(n: number, kappa: number): Float32Array {
    const taus = tf.tensor1d(quantileTaus(n));
    const rng = new SeededRng(3);
    const theta = tf.variable(tf.fill([1, n], 0.5));
    for (const [lr, steps] of [[0.05, 400], [0.005, 400]] as const) {
      const opt = tf.train.adam(lr);
      for (let step = 0; step < steps; step++) {
        const samples = new Float32Array(512);
        for (let i = 0; i < samples.length; i++) samples[i] = -Math.log(1 - rng.next());
        tf.tidy(() => {
          const t = tf.tensor2d(samples, [1, samples.length]);
          opt.minimize(() => quantileHuberLoss(theta as tf.Tensor2D, t, taus, kappa));
        });
      }
      opt.dispose();
    }
    const out = Float32Array.from(theta.dataSync());
    theta.dispose();
    taus.dispose();
    return out;
  }

  it("regresses onto the quantiles of a known distribution (Exp(1): F^-1(tau) = -ln(1 - tau)) as kappa -> 0", () => {
    const n = 8;
    const taus = quantileTaus(n);
    const learned = fitExponential(n, 0.02);
    for (let i = 0; i < n; i++) expect(Math.abs(learned[i]! + Math.log(1 - taus[i]!))).toBeLessThan(0.08);
  });

  it("with kappa 1 converges to the root of its expected gradient (Huber quantiles of Exp(1))", () => {
    const n = 8;
    const taus = quantileTaus(n);
    const learned = fitExponential(n, 1);
    // expected gradient E[|tau - 1{x < theta}| clip(x - theta, -1, 1)] under Exp(1), by quadrature
    const expectedGrad = (theta: number, tau: number): number => {
      let s = 0;
      const dx = 1e-3;
      for (let x = dx / 2; x < 40; x += dx) {
        const u = x - theta;
        s += Math.abs(tau - (u < 0 ? 1 : 0)) * Math.max(-1, Math.min(1, u)) * Math.exp(-x) * dx;
      }
      return s;
    };
    for (let i = 0; i < n; i++) {
      let lo = 0;
      let hi = 10;
      for (let it = 0; it < 40; it++) {
        const mid = 0.5 * (lo + hi);
        if (expectedGrad(mid, taus[i]!) > 0) lo = mid;
        else hi = mid;
      }
      expect(Math.abs(learned[i]! - 0.5 * (lo + hi))).toBeLessThan(0.06);
    }
  });

  it("value-clipped form keeps the larger loss per quantile and its gradient matches central differences", () => {
    const old = [
      [-0.5, 0.0, 0.5, 2.0],
      [1.0, -1.0, 0.0, 0.5],
    ];
    const clip = 0.3;
    const t1 = target.map((r) => [r[0]!]);
    const lossAt = (p: number[][]): number =>
      tf.tidy(() => clippedQuantileHuberLossAndGrad(tf.tensor2d(p), tf.tensor2d(old), tf.tensor2d(t1), tf.tensor1d(taus), 1, clip).loss.dataSync()[0]!);
    const analytic = tf.tidy(() => Array.from(clippedQuantileHuberLossAndGrad(tf.tensor2d(pred), tf.tensor2d(old), tf.tensor2d(t1), tf.tensor1d(taus), 1, clip).grad.dataSync()));
    const h = 1e-3;
    let k = 0;
    pred.forEach((row, b) =>
      row.forEach((_, i) => {
        const up = pred.map((r) => [...r]);
        const dn = pred.map((r) => [...r]);
        up[b]![i]! += h;
        dn[b]![i]! -= h;
        expect(analytic[k++]).toBeCloseTo((lossAt(up) - lossAt(dn)) / (2 * h), 3);
      }),
    );
  });
});

describe("PPO clipped surrogate", () => {
  const logp = [0.1, -0.3, 0.5, -0.05, 0.0];
  const old = [0.0, 0.0, 0.0, 0.0, 0.0];
  const adv = [1.0, -2.0, 0.5, -1.0, 3.0];

  it("gives -mean(min(rA, clip(r)A)) and the approximate KL", () => {
    const r = tf.tidy(() => {
      const s = clippedSurrogate(tf.tensor1d(logp), tf.tensor1d(old), tf.tensor1d(adv), 0.2);
      return { loss: s.loss.dataSync()[0]!, kl: s.approxKl.dataSync()[0]!, cf: s.clipFraction.dataSync()[0]! };
    });
    let want = 0;
    let kl = 0;
    let clipped = 0;
    logp.forEach((l, i) => {
      const ratio = Math.exp(l - old[i]!);
      want += Math.min(ratio * adv[i]!, Math.min(1.2, Math.max(0.8, ratio)) * adv[i]!);
      kl += ratio - 1 - (l - old[i]!);
      if (Math.abs(ratio - 1) > 0.2) clipped += 1;
    });
    expect(r.loss).toBeCloseTo(-want / logp.length, 6);
    expect(r.kl).toBeCloseTo(kl / logp.length, 6);
    expect(r.cf).toBeCloseTo(clipped / logp.length, 6);
  });

  it("has a gradient wrt log-probabilities equal to autodiff of the same objective", () => {
    const auto = tf.tidy(() => {
      const f = (l: tf.Tensor): tf.Scalar => {
        const ratio = tf.exp(tf.sub(l, tf.tensor1d(old)));
        const a = tf.tensor1d(adv);
        return tf.neg(tf.mean(tf.minimum(tf.mul(ratio, a), tf.mul(tf.clipByValue(ratio, 0.8, 1.2), a)))) as tf.Scalar;
      };
      return Array.from(tf.grad(f)(tf.tensor1d(logp)).dataSync());
    });
    const analytic = tf.tidy(() => Array.from(clippedSurrogate(tf.tensor1d(logp), tf.tensor1d(old), tf.tensor1d(adv), 0.2).dLogProb.dataSync()));
    analytic.forEach((g, i) => expect(g).toBeCloseTo(auto[i]!, 6));
    expect(Math.abs(analytic[2]!)).toBe(0); // ratio e^0.5 > 1.2 with a positive advantage: clipped, no gradient
  });
});

describe("squared error critic loss", () => {
  it("is mean squared error with gradient 2 (V - T) / B", () => {
    const r = tf.tidy(() => {
      const s = squaredErrorLossAndGrad(tf.tensor2d([[1], [3]]), tf.tensor2d([[0], [1]]), null, null);
      return { loss: s.loss.dataSync()[0]!, grad: Array.from(s.grad.dataSync()) };
    });
    expect(r.loss).toBeCloseTo(2.5, 6);
    expect(r.grad).toEqual([1, 2]);
  });
});

describe("CVaR of quantiles", () => {
  it("averages the lowest alpha fraction, counting a partial quantile", () => {
    expect(cvarOfQuantiles(Float64Array.from([4, 1, 3, 2]), 0.5)).toBeCloseTo(1.5, 12);
    expect(cvarOfQuantiles(Float64Array.from([4, 1, 3, 2]), 0.375)).toBeCloseTo((1 + 0.5 * 2) / 1.5, 12);
    expect(cvarOfQuantiles(Float64Array.from([4, 1, 3, 2]), 1)).toBeCloseTo(2.5, 12);
  });
});
