import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { adamSchema, adaptiveUpgdSchema, vgsSchema } from "../../lib/config/schemas/ppo";
import { AdaptiveUpgd, FlatAdam } from "../../lib/rl/optimizers";
import { VarianceGradientScaler } from "../../lib/rl/vgs";
import { SeededRng } from "../../lib/sim/rng";
import { setupTf } from "./tf-setup";

beforeAll(setupTf);

const grads = [
  [0.2, -0.1],
  [-0.4, 0.3],
  [0.1, 0.05],
  [0.3, -0.2],
];

function run(opt: { step(p: tf.Variable<tf.Rank.R1>, g: tf.Tensor1D, lr: number): void }, w0: number[], lr: number): number[] {
  const p = tf.variable(tf.tensor1d(w0)) as tf.Variable<tf.Rank.R1>;
  for (const g of grads) tf.tidy(() => opt.step(p, tf.tensor1d(g), lr));
  const out = Array.from(p.dataSync());
  p.dispose();
  return out;
}

describe("AdaptiveUPGD", () => {
  for (const secondOrder of [false, true]) {
    it(`follows its update formula on a 2-parameter example (secondOrder ${secondOrder}, configured values honoured)`, () => {
      const cfg = adaptiveUpgdSchema.parse({ kind: "adaptiveUpgd", beta1: 0.8, beta2: 0.95, eps: 1e-4, utilityBeta: 0.7, noiseStd: 0.05, weightDecay: 0.01, secondOrder });
      const lr = 0.1;
      const w0 = [0.5, -1.0];
      const got = run(new AdaptiveUpgd(2, cfg, new SeededRng(5)), w0, lr);

      const noise = new SeededRng(5);
      const w = [...w0];
      const m = [0, 0];
      const v = [0, 0];
      const u = [0, 0];
      grads.forEach((g, k) => {
        const t = k + 1;
        const uHat = [0, 0];
        for (let i = 0; i < 2; i++) {
          m[i] = cfg.beta1 * m[i]! + (1 - cfg.beta1) * g[i]!;
          v[i] = cfg.beta2 * v[i]! + (1 - cfg.beta2) * g[i]! ** 2;
          const inst = -g[i]! * w[i]! + (secondOrder ? 0.5 * (g[i]! * w[i]!) ** 2 : 0);
          u[i] = cfg.utilityBeta * u[i]! + (1 - cfg.utilityBeta) * inst;
          uHat[i] = u[i]! / (1 - cfg.utilityBeta ** t);
        }
        const eta = Math.max(uHat[0]!, uHat[1]!, 1e-12);
        const z = [cfg.noiseStd * noise.normal(), cfg.noiseStd * noise.normal()];
        for (let i = 0; i < 2; i++) {
          const s = 1 / (1 + Math.exp(-uHat[i]! / eta));
          const adam = m[i]! / (1 - cfg.beta1 ** t) / (Math.sqrt(v[i]! / (1 - cfg.beta2 ** t)) + cfg.eps);
          w[i] = w[i]! - lr * (adam + z[i]!) * (1 - s) - lr * cfg.weightDecay * w[i]!;
        }
      });
      got.forEach((x, i) => expect(x).toBeCloseTo(w[i]!, 5));
    });
  }

  it("restores its state so the next step is identical", () => {
    const cfg = adaptiveUpgdSchema.parse({ kind: "adaptiveUpgd", noiseStd: 0 });
    const a = new AdaptiveUpgd(2, cfg, new SeededRng(1));
    const p = tf.variable(tf.tensor1d([0.3, 0.7])) as tf.Variable<tf.Rank.R1>;
    tf.tidy(() => a.step(p, tf.tensor1d([0.1, -0.2]), 0.01));
    const b = new AdaptiveUpgd(2, cfg, new SeededRng(1));
    b.setState(a.getState());
    const q = tf.variable(p.clone()) as tf.Variable<tf.Rank.R1>;
    tf.tidy(() => a.step(p, tf.tensor1d([0.3, 0.1]), 0.01));
    tf.tidy(() => b.step(q, tf.tensor1d([0.3, 0.1]), 0.01));
    expect(Array.from(q.dataSync())).toEqual(Array.from(p.dataSync()));
    tf.dispose([p, q]);
    a.dispose();
    b.dispose();
  });
});

describe("Adam", () => {
  it("matches tf.train.adam", () => {
    const cfg = adamSchema.parse({ kind: "adam", beta1: 0.85, beta2: 0.99, eps: 1e-6 });
    const got = run(new FlatAdam(2, cfg), [0.5, -1.0], 0.05);
    const p = tf.variable(tf.tensor1d([0.5, -1.0]));
    const ref = tf.train.adam(0.05, 0.85, 0.99, 1e-6);
    for (const g of grads) tf.tidy(() => ref.applyGradients([{ name: p.name, tensor: tf.tensor1d(g) }]));
    const want = Array.from(p.dataSync());
    got.forEach((x, i) => expect(x).toBeCloseTo(want[i]!, 6));
    p.dispose();
    ref.dispose();
  });
});

describe("variance gradient scaler", () => {
  const seq = [
    [0.5, -1.0, 2.0, 0.0],
    [0.7, 1.0, 2.0, 0.1],
    [0.3, -1.0, 2.0, -0.1],
    [0.6, 1.0, 2.0, 0.05],
  ];

  it("tracks the elementwise variance E[g^2] - E[g]^2 of recorded gradients (bias-corrected EMAs)", () => {
    const cfg = vgsSchema.parse({ beta: 0.9, alpha: 2, floor: 0.2 });
    const vgs = new VarianceGradientScaler(4, cfg);
    const scaled: number[][] = [];
    for (const g of seq) scaled.push(tf.tidy(() => Array.from(vgs.apply(tf.tensor1d(g)).dataSync())));
    const m = [0, 0, 0, 0];
    const s = [0, 0, 0, 0];
    let lastScale: number[] = [];
    seq.forEach((g, k) => {
      const c = 1 - cfg.beta ** (k + 1);
      lastScale = g.map((x, i) => {
        m[i] = cfg.beta * m[i]! + (1 - cfg.beta) * x;
        s[i] = cfg.beta * s[i]! + (1 - cfg.beta) * x * x;
        const variance = Math.max(0, s[i]! / c - (m[i]! / c) ** 2);
        return Math.max(cfg.floor, 1 / (1 + (cfg.alpha * variance) / (s[i]! / c + cfg.eps)));
      });
    });
    const c = 1 - cfg.beta ** seq.length;
    const direct = m.map((mi, i) => Math.max(0, s[i]! / c - (mi / c) ** 2));
    const got = vgs.variance();
    direct.forEach((d, i) => expect(got[i]).toBeCloseTo(d, 5));
    // element 2 never changes: zero variance, unscaled. Element 1 flips sign: large variance, scaled down.
    expect(got[2]).toBeCloseTo(0, 6);
    expect(got[1]).toBeGreaterThan(0.5);
    seq[seq.length - 1]!.forEach((g, i) => expect(scaled[scaled.length - 1]![i]).toBeCloseTo(g * lastScale[i]!, 5));
    vgs.dispose();
  });

  it("is not the tensor-averaged variance (which would be ~tensor-size times smaller)", () => {
    const vgs = new VarianceGradientScaler(4, vgsSchema.parse({ beta: 0.9 }));
    for (const g of seq) tf.tidy(() => vgs.apply(tf.tensor1d(g)));
    const elementwise = vgs.variance().reduce((a, b) => a + b, 0) / 4;
    // the flawed version: EMA of the tensor mean, squared, against the EMA of the mean square
    let mBar = 0;
    let sBar = 0;
    seq.forEach((g) => {
      mBar = 0.9 * mBar + 0.1 * (g.reduce((a, b) => a + b, 0) / 4);
      sBar = 0.9 * sBar + 0.1 * (g.reduce((a, b) => a + b * b, 0) / 4);
    });
    expect(Math.abs(elementwise - (sBar - mBar * mBar) / (1 - 0.9 ** 4))).toBeGreaterThan(0.1);
    vgs.dispose();
  });

  it("saves and restores its statistics", () => {
    const cfg = vgsSchema.parse({});
    const a = new VarianceGradientScaler(4, cfg);
    for (const g of seq.slice(0, 2)) tf.tidy(() => a.apply(tf.tensor1d(g)));
    const b = new VarianceGradientScaler(4, cfg);
    b.setState(a.getState());
    const ga = tf.tidy(() => Array.from(a.apply(tf.tensor1d(seq[2]!)).dataSync()));
    const gb = tf.tidy(() => Array.from(b.apply(tf.tensor1d(seq[2]!)).dataSync()));
    expect(gb).toEqual(ga);
    a.dispose();
    b.dispose();
  });
});
