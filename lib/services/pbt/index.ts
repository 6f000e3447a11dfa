export { decisionSeed, memberSeed, memberSpaceSeed, newMember, PopulationRun, type BestCheckpoint, type CheckpointStore, type MemberState, type MemberStatus, type PopulationHooks, type PopulationResult, type PopulationRunOptions } from "./population";
export { pbtRoundSteps, runPbt, type PbtRunOptions } from "./pbt-run";
export { populationReport, type PopulationReport } from "./report";
export { GRID_LIMIT, runSearch, searchRungs, searchTrials, type SearchRunOptions } from "./search-run";
export { populationSummary, verdict, type SummaryPaths } from "./summary";
export { formatDuration, formatValue, memberTable, shortKeys, type TableHeader } from "./table";
export { evaluateCheckpoint, runTrainTrial, type CheckpointEvaluation } from "./trial";
