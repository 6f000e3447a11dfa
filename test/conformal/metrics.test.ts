import { describe, expect, it } from "vitest";
import { conformalMetricsText, formatConformalMetrics } from "../../lib/conformal/metrics";
import { createConformalPredictor } from "../../lib/conformal/predictor";

describe("conformal metrics", () => {
  it("snapshots coverage, width and calibration state", () => {
    const p = createConformalPredictor({ method: "split", alpha: 0.2, calibrationWindow: 10, coverageWindow: 4 });
    for (let i = 0; i < 6; i++) p.observe(-1, 1, i % 2 === 0 ? 0 : 3);
    const m = p.metrics();
    expect(m).toMatchObject({ method: "split", nominal: 0.8, alpha: 0.2, alphaT: 0.2, calibrationSize: 6, coverageWindow: 4, totalCount: 6, rollingCount: 4 });
    // scores: -1, 2, -1, 2, -1, 2 -> k = ceil(7 * 0.8) = 6 -> q-hat 2
    expect(m.qhat).toBe(2);
    expect(m.rollingCoverageGap).toBeCloseTo(m.rollingCoverage - 0.8, 15);
  });

  it("renders Prometheus text with labels, NaN and +Inf", () => {
    const p = createConformalPredictor({ alpha: 0.1 });
    const text = conformalMetricsText(p.metrics(), { labels: { symbol: 'BTC"USDT' } });
    expect(text).toContain('# TYPE tradelab_conformal_outcomes_total counter\n');
    expect(text).toContain('tradelab_conformal_qhat{method="adaptive",symbol="BTC\\"USDT"} +Inf\n');
    expect(text).toContain('tradelab_conformal_rolling_coverage{method="adaptive",symbol="BTC\\"USDT"} NaN\n');
    for (const line of text.trimEnd().split("\n")) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+\{[^}]*\} (NaN|[+-]Inf|-?[\d.e+-]+))$/);
  });

  it("prints a one-line summary", () => {
    const p = createConformalPredictor({ alpha: 0.1 });
    for (let i = 0; i < 20; i++) p.observe(-1, 1, 0);
    expect(formatConformalMetrics(p.metrics())).toMatch(/^conformal adaptive: coverage 100\.00% \(rolling 100\.00% over 20\) vs nominal 90\.00%/);
  });
});
