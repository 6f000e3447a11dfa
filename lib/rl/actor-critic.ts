import type { Rng } from "../core/rng";
import type { DeepReadonly } from "../config/freeze";
import type { Activation, PpoConfig } from "../config/schemas/ppo";
import { initMlp, mlpLayout, type MlpLayout } from "./mlp";

/** The `ppo:` config as the (frozen) loader returns it. */
export type PpoSettings = DeepReadonly<PpoConfig>;

/** How the Gaussian sample is mapped into the env's action range. */
export type Squash = "tanh" | "sigmoid";

/** Everything that fixes the shape of the networks (stored in checkpoints). */
export interface ActorCriticSpec {
  obsSize: number;
  actionSize: number;
  policyHidden: number[];
  criticHidden: number[];
  activation: Activation;
  /** tanh -> [-1, 1]; sigmoid -> [0, 1] (long-only). */
  squash: Squash;
  /** Outputs per critic: the number of quantiles, or 1 for a scalar critic. */
  nQuantiles: number;
  /** 1 or 2 independent critic networks. */
  numCritics: number;
  /** Quantile critics with the quantile Huber loss (true) or a scalar critic with squared error. */
  distributional: boolean;
  logStdInit: number;
  logStdMin: number;
  logStdMax: number;
}

/**
 * All parameters in one flat float32 vector, in this order: policy MLP (obs -> action mean),
 * log-std (one per action dimension), then each critic MLP (obs -> quantiles). One vector keeps the
 * optimizer, the gradient clipping and the variance scaler to a handful of tensor ops per step.
 */
export interface ActorCriticLayout {
  spec: ActorCriticSpec;
  policy: MlpLayout;
  logStdOffset: number;
  critics: MlpLayout[];
  size: number;
}

export function actorCriticSpec(ppo: PpoSettings, obsSize: number, actionSize: number): ActorCriticSpec {
  return {
    obsSize,
    actionSize,
    policyHidden: [...ppo.policyHidden],
    criticHidden: [...ppo.criticHidden],
    activation: ppo.activation,
    squash: ppo.longOnly ? "sigmoid" : "tanh",
    nQuantiles: ppo.distributional ? ppo.nQuantiles : 1,
    numCritics: ppo.distributional && ppo.twinCritics ? 2 : 1,
    distributional: ppo.distributional,
    logStdInit: ppo.logStd.init,
    logStdMin: ppo.logStd.min,
    logStdMax: ppo.logStd.max,
  };
}

export function actorCriticLayout(spec: ActorCriticSpec): ActorCriticLayout {
  const policy = mlpLayout("policy", spec.obsSize, spec.policyHidden, spec.actionSize, spec.activation, 0);
  const logStdOffset = policy.end;
  let offset = logStdOffset + spec.actionSize;
  const critics: MlpLayout[] = [];
  for (let c = 0; c < spec.numCritics; c++) {
    const m = mlpLayout(`critic${c}`, spec.obsSize, spec.criticHidden, spec.nQuantiles, spec.activation, offset);
    critics.push(m);
    offset = m.end;
  }
  return { spec, policy, logStdOffset, critics, size: offset };
}

/** Fresh parameters: orthogonal kernels (policy head gain 0.01, critic heads 1), log-std at its init. */
export function initActorCritic(layout: ActorCriticLayout, rng: Rng): Float32Array {
  const params = new Float32Array(layout.size);
  initMlp(layout.policy, params, rng, 0.01);
  params.fill(layout.spec.logStdInit, layout.logStdOffset, layout.logStdOffset + layout.spec.actionSize);
  for (const c of layout.critics) initMlp(c, params, rng, 1);
  return params;
}

/** Checks that two specs describe the same networks (e.g. a checkpoint and a config). */
export function sameShape(a: ActorCriticSpec, b: ActorCriticSpec): boolean {
  return (
    a.obsSize === b.obsSize &&
    a.actionSize === b.actionSize &&
    a.activation === b.activation &&
    a.squash === b.squash &&
    a.nQuantiles === b.nQuantiles &&
    a.numCritics === b.numCritics &&
    a.distributional === b.distributional &&
    a.policyHidden.join() === b.policyHidden.join() &&
    a.criticHidden.join() === b.criticHidden.join()
  );
}
