export { fullBudgetRung, halvingRungs, promote, type HalvingOptions, type Rung } from "./halving";
export type { ExploreChange, HistoryRecord, TrialExecutor, TrialProgress, TrialReport, TrialSpec } from "./protocol";
export { decideExploitExplore, explore, median, rankMembers, truncationSelection, type ExploitPair, type ExploreOptions, type MemberScore, type PbtDecision, type PbtSchedulerOptions } from "./scheduler";
export {
  clampToRange,
  gridHyperparameters,
  gridValues,
  hyperparametersOf,
  perturbValue,
  rangeBounds,
  sampleHyperparameters,
  sampleValue,
  withHyperparameters,
  type HyperparameterSpace,
  type Hyperparameters,
  type Range,
} from "./space";
