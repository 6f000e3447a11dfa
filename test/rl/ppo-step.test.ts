import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { ppoSchema, type Activation } from "../../lib/config/schemas/ppo";
import { actorCriticLayout, actorCriticSpec, initActorCritic, type ActorCriticLayout } from "../../lib/rl/actor-critic";
import { quantileTaus } from "../../lib/rl/losses";
import { mlpForward, mlpForwardJs, mlpJsWeights, mlpScratch, type MlpLayout } from "../../lib/rl/mlp";
import { ppoGradient, type Minibatch, type PpoCoefficients } from "../../lib/rl/ppo-step";
import { SeededRng } from "../../lib/sim/rng";
import { setupTf } from "./tf-setup";

beforeAll(setupTf);

const B = 16;
const OBS = 5;

/** Plain autodiff reference of the same network and loss (tf.tanh, tf.minimum, tf.maximum: all differentiable). */
function refMlp(m: MlpLayout, theta: tf.Tensor1D, x: tf.Tensor2D): tf.Tensor2D {
  let h = x;
  m.layers.forEach((d, l) => {
    const w = tf.reshape(tf.slice(theta, d.kernelOffset, d.inSize * d.outSize), [d.inSize, d.outSize]) as tf.Tensor2D;
    const z = tf.add(tf.matMul(h, w), tf.slice(theta, d.biasOffset, d.outSize)) as tf.Tensor2D;
    const act: Record<Activation, (t: tf.Tensor2D) => tf.Tensor2D> = { tanh: tf.tanh, relu: tf.relu, elu: tf.elu };
    h = l === m.layers.length - 1 ? z : act[m.activation](z);
  });
  return h;
}

function refTerms(pred: tf.Tensor2D, target: tf.Tensor2D, taus: tf.Tensor1D, kappa: number): tf.Tensor2D {
  const u = tf.sub(tf.expandDims(target, 1), tf.expandDims(pred, 2));
  const a = tf.abs(u);
  const q = tf.minimum(a, kappa);
  const huber = tf.add(tf.mul(tf.square(q), 0.5), tf.mul(tf.sub(a, q), kappa));
  const w = tf.abs(tf.sub(tf.reshape(taus, [1, -1, 1]), tf.step(tf.neg(u))));
  return tf.div(tf.mean(tf.mul(w, huber), 2), kappa) as tf.Tensor2D;
}

function refLoss(layout: ActorCriticLayout, theta: tf.Tensor1D, mb: Minibatch, k: PpoCoefficients, taus: tf.Tensor1D): tf.Scalar {
  const s = layout.spec;
  const mean = refMlp(layout.policy, theta, mb.obs);
  const logStd = tf.clipByValue(tf.slice(theta, layout.logStdOffset, s.actionSize), s.logStdMin, s.logStdMax);
  const z = tf.div(tf.sub(mb.rawActions, mean), tf.exp(logStd));
  const logp = tf.sub(tf.sum(tf.sub(tf.mul(tf.square(z), -0.5), logStd), 1), s.actionSize * 0.5 * Math.log(2 * Math.PI));
  const ratio = tf.exp(tf.sub(logp, mb.oldLogProb));
  const pl = tf.neg(tf.mean(tf.minimum(tf.mul(ratio, mb.advantages), tf.mul(tf.clipByValue(ratio, 1 - k.clip, 1 + k.clip), mb.advantages))));
  const ent = tf.add(tf.sum(logStd), s.actionSize * (0.5 + 0.5 * Math.log(2 * Math.PI)));
  let vl: tf.Tensor = tf.scalar(0);
  layout.critics.forEach((c, ci) => {
    const out = refMlp(c, theta, mb.obs);
    const old = mb.oldCriticOut?.[ci];
    if (!s.distributional) {
      const a = tf.square(tf.sub(out, mb.returns));
      const cl = old && k.valueClip !== null ? tf.square(tf.sub(tf.add(old, tf.clipByValue(tf.sub(out, old), -k.valueClip, k.valueClip)), mb.returns)) : a;
      vl = tf.add(vl, tf.mean(tf.maximum(a, cl)));
    } else {
      const a = refTerms(out, mb.returns, taus, k.huberKappa);
      const t = old && k.valueClip !== null ? tf.maximum(a, refTerms(tf.add(old, tf.clipByValue(tf.sub(out, old), -k.valueClip, k.valueClip)) as tf.Tensor2D, mb.returns, taus, k.huberKappa)) : a;
      vl = tf.add(vl, tf.div(tf.sum(t), B));
    }
  });
  return tf.add(tf.sub(pl, tf.mul(ent, k.entropyCoef)), tf.mul(vl, k.valueCoef)) as tf.Scalar;
}

function batch(rng: SeededRng, layout: ActorCriticLayout, withOld: boolean): Minibatch {
  const r = (n: number, scale = 1): Float32Array => Float32Array.from({ length: n }, () => scale * rng.normal());
  const s = layout.spec;
  return {
    obs: tf.tensor2d(r(B * OBS), [B, OBS]),
    rawActions: tf.tensor2d(r(B * s.actionSize, 0.6), [B, s.actionSize]),
    oldLogProb: tf.tensor1d(r(B, 0.3).map((x) => x - 0.5)),
    advantages: tf.tensor1d(r(B)),
    returns: tf.tensor2d(r(B), [B, 1]),
    oldCriticOut: withOld ? layout.critics.map(() => tf.tensor2d(r(B * s.nQuantiles, 0.5), [B, s.nQuantiles])) : null,
  };
}

const cases = [
  { name: "twin quantile critics, tanh, value clipping, entropy bonus", cfg: { activation: "tanh", nQuantiles: 4, valueClip: 0.2, entropyCoef: 0.01 }, actions: 1 },
  { name: "single quantile critic, relu, 2-d actions, log-std at its clamp", cfg: { activation: "relu", nQuantiles: 3, twinCritics: false, huberKappa: 0.5, logStd: { init: -5, min: -5, max: 1 } }, actions: 2 },
  { name: "scalar critic (PPO baseline), elu, long-only squash, value clipping", cfg: { activation: "elu", distributional: false, longOnly: true, valueClip: 0.1 }, actions: 1 },
] as const;

describe("PPO minibatch gradient (hand-written backward pass)", () => {
  for (const c of cases) {
    it(`equals autodiff of the same loss: ${c.name}`, () => {
      const ppo = ppoSchema.parse({ policyHidden: [8, 6], criticHidden: [7, 5], ...c.cfg });
      const layout = actorCriticLayout(actorCriticSpec(ppo, OBS, c.actions));
      const rng = new SeededRng(11);
      const params = initActorCritic(layout, rng);
      // move the policy head away from its tiny init so ratios leave the clip range for some rows
      for (let i = layout.policy.layers[2]!.kernelOffset; i < layout.policy.end; i++) params[i] = 0.8 * rng.normal();
      const theta = tf.variable(tf.tensor1d(params)) as tf.Variable<tf.Rank.R1>;
      const mb = batch(rng, layout, ppo.valueClip !== null);
      const k = { clip: 0.2, entropyCoef: ppo.entropyCoef, valueCoef: 0.5, valueClip: ppo.valueClip, huberKappa: ppo.huberKappa };
      const taus = tf.tensor1d(quantileTaus(layout.spec.nQuantiles));
      const { got, gotLoss, want, wantLoss } = tf.tidy(() => {
        const r = ppoGradient(layout, theta, mb, k, taus);
        const g = tf.grad((t: tf.Tensor) => refLoss(layout, t as tf.Tensor1D, mb, k, taus));
        return {
          got: Array.from(r.grad.dataSync()),
          gotLoss: r.stats.dataSync()[0]!,
          want: Array.from(g(theta).dataSync()),
          wantLoss: refLoss(layout, theta, mb, k, taus).dataSync()[0]!,
        };
      });
      expect(got.length).toBe(layout.size);
      expect(gotLoss).toBeCloseTo(wantLoss, 4);
      const scale = Math.max(...want.map(Math.abs));
      expect(scale).toBeGreaterThan(1e-3);
      want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThan(2e-4 * Math.max(1, scale)));
      tf.dispose([theta, taus, mb.obs, mb.rawActions, mb.oldLogProb, mb.advantages, mb.returns, ...(mb.oldCriticOut ?? [])]);
    });
  }
});

describe("plain-JS forward", () => {
  it("matches the tf forward pass of the same MLP", () => {
    const ppo = ppoSchema.parse({ policyHidden: [16, 16] });
    const layout = actorCriticLayout(actorCriticSpec(ppo, OBS, 1));
    const params = initActorCritic(layout, new SeededRng(2));
    for (let i = 0; i < layout.policy.end; i++) params[i] = params[i]! * 3; // larger outputs
    const rng = new SeededRng(4);
    const x = Float32Array.from({ length: 10 * OBS }, () => rng.normal());
    for (const m of [layout.policy, layout.critics[0]!]) {
      const out = new Float64Array(10 * m.outSize);
      mlpForwardJs(mlpJsWeights(m, params), Float64Array.from(x), 10, out, mlpScratch(m, 10));
      const want = tf.tidy(() => Array.from(mlpForward(m, tf.tensor1d(params), tf.tensor2d(x, [10, OBS])).out.dataSync()));
      want.forEach((w, i) => expect(out[i]).toBeCloseTo(w, 4));
    }
  });
});
