/**
 * What the signal runner needs from the outside besides the domain ports (lib/core/ports): a
 * structured log and a metrics sink. pino's Logger and lib/infra's MetricsRegistry satisfy them, so
 * the service depends on neither.
 */
export interface RunnerLog {
  debug(obj: Record<string, unknown>, msg?: string): void;
  info(obj: Record<string, unknown>, msg?: string): void;
  warn(obj: Record<string, unknown>, msg?: string): void;
  error(obj: Record<string, unknown>, msg?: string): void;
}

export type MetricLabels = Record<string, string>;

export interface RunnerMetrics {
  inc(name: string, help: string, by?: number, labels?: MetricLabels): void;
  set(name: string, help: string, value: number, labels?: MetricLabels): void;
  observe(name: string, help: string, value: number, buckets: number[], labels?: MetricLabels): void;
}

const noop = (): void => undefined;
export const silentRunnerLog: RunnerLog = { debug: noop, info: noop, warn: noop, error: noop };
export const noRunnerMetrics: RunnerMetrics = { inc: noop, set: noop, observe: noop };

/** Decision latency buckets, seconds (50 us .. 1 s). */
export const LATENCY_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
