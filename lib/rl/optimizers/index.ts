import type { Rng } from "../../core/rng";
import type { OptimizerConfig } from "../../config/schemas/ppo";
import { AdaptiveUpgd } from "./adaptive-upgd";
import { FlatAdam } from "./adam";
import type { FlatOptimizer } from "./types";

export { FlatAdam } from "./adam";
export { AdaptiveUpgd } from "./adaptive-upgd";
export type { FlatOptimizer, TensorState } from "./types";

/** The optimizer the config names, over `size` flat parameters; `rng` feeds UPGD's noise. */
export function createOptimizer(size: number, cfg: OptimizerConfig, rng: Rng): FlatOptimizer {
  return cfg.kind === "adam" ? new FlatAdam(size, cfg) : new AdaptiveUpgd(size, cfg, rng);
}
