import { loadTrainConfig } from "../config/kinds";
import type { ExecutionConfig } from "../config/schemas/execution";
import type { RiskLimits } from "../risk/risk-guard";
import { CheckpointPolicy, loadCheckpointModel } from "../services/checkpoint-policy";
import type { Policy } from "../services/strategies/policy";
import { ExecutionModels } from "../sim/execution-models";
import { OrderFilters } from "../sim/filters";
import { loadExecutionData } from "../sim/loaders";

/**
 * A checkpoint as a backtest policy (`npm run backtest -- --model checkpoints/x`): the live runner's
 * decision path (streaming features, the env's state features, the deterministic action, the same
 * order sizing through the exchange filters of the config's execution section, spot: no shorting).
 */
export function checkpointBacktestPolicy(modelDir: string, configFile: string): { label: string; create: (symbol: string) => Policy } {
  const model = loadCheckpointModel(modelDir);
  const cfg = loadTrainConfig(configFile);
  const execution = cfg.execution as ExecutionConfig;
  const models = new ExecutionModels(execution, loadExecutionData(execution), 0);
  return {
    label: `checkpoint ${modelDir}`,
    create: (symbol) => {
      const inst = models.instrument(symbol);
      return new CheckpointPolicy(model, {
        filters: execution.filters.enforce && inst !== undefined ? new OrderFilters(inst) : null,
        feeRate: models.fees.rates(symbol).takerBps / 10_000,
        allowShort: false,
        riskLimits: cfg.risk as RiskLimits | undefined,
      });
    },
  };
}
