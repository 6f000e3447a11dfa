import type { ConformalMetrics } from "./predictor";

/** Options for rendering conformal metrics in the Prometheus text exposition format. */
export interface PrometheusOptions {
  /** Metric name prefix. Default "tradelab_conformal". */
  prefix?: string;
  /** Labels added to every sample, e.g. { symbol: "BTCUSDT" }. */
  labels?: Record<string, string>;
}

type Kind = "gauge" | "counter";
const SERIES: [keyof ConformalMetrics, string, Kind, string][] = [
  ["nominal", "nominal_coverage", "gauge", "Target coverage 1 - alpha."],
  ["alphaT", "alpha_t", "gauge", "Miscoverage level used for the next interval (adaptive alpha_t)."],
  ["qhat", "qhat", "gauge", "Current conformity score quantile added to both sides of the band."],
  ["calibrationSize", "calibration_size", "gauge", "Scores in the calibration window."],
  ["rollingCount", "rolling_count", "gauge", "Outcomes in the rolling coverage window."],
  ["rollingCoverage", "rolling_coverage", "gauge", "Empirical coverage over the rolling window."],
  ["rollingCoverageGap", "rolling_coverage_gap", "gauge", "Rolling coverage minus nominal coverage."],
  ["rollingMeanWidth", "rolling_mean_width", "gauge", "Mean width of finite intervals in the rolling window."],
  ["rollingMedianWidth", "rolling_median_width", "gauge", "Median width of finite intervals in the rolling window."],
  ["rollingInfinite", "rolling_infinite", "gauge", "Unbounded intervals in the rolling window."],
  ["totalCount", "outcomes_total", "counter", "Outcomes observed."],
  ["totalCovered", "covered_total", "counter", "Outcomes inside their interval."],
  ["totalInfinite", "infinite_total", "counter", "Unbounded intervals issued."],
  ["totalCoverage", "coverage", "gauge", "Empirical coverage since start."],
  ["totalMeanWidth", "mean_width", "gauge", "Mean width of finite intervals since start."],
];

function fmt(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(v);
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** Renders a metrics snapshot as Prometheus text lines (HELP, TYPE, sample), newline-terminated. */
export function conformalMetricsText(m: ConformalMetrics, opts: PrometheusOptions = {}): string {
  const prefix = opts.prefix ?? "tradelab_conformal";
  const labels = { method: m.method, ...(opts.labels ?? {}) };
  const lbl = "{" + Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",") + "}";
  let out = "";
  for (const [key, name, kind, help] of SERIES) {
    const full = `${prefix}_${name}`;
    out += `# HELP ${full} ${help}\n# TYPE ${full} ${kind}\n${full}${lbl} ${fmt(m[key] as number)}\n`;
  }
  return out;
}

/** One-line human summary, e.g. for logs and the end-of-run summary. */
export function formatConformalMetrics(m: ConformalMetrics): string {
  const pct = (v: number) => (Number.isNaN(v) ? "n/a" : `${(v * 100).toFixed(2)}%`);
  const num = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : fmt(v));
  return (
    `conformal ${m.method}: coverage ${pct(m.totalCoverage)} (rolling ${pct(m.rollingCoverage)} over ${m.rollingCount}) ` +
    `vs nominal ${pct(m.nominal)}, alpha_t ${num(m.alphaT)}, mean width ${num(m.totalMeanWidth)}, ` +
    `outcomes ${m.totalCount}, unbounded ${m.totalInfinite}`
  );
}
