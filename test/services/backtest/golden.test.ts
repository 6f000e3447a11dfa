/**
 * Golden backtests: fixed runs on the embedded data with the shipped config, their metrics and a
 * digest of every fill pinned. A change in any model, data file or default moves these numbers: update
 * them in the same commit and say why.
 */
import { describe, expect, it } from "vitest";
import { runBacktestCommand, type BacktestRequest } from "../../../lib/app/build-backtest";

interface Golden {
  req: BacktestRequest;
  digest: string;
  totalReturn: number;
  sharpe: number;
  maxDrawdown: number;
  fees: number;
  slippage: number;
  buyAndHold: number;
}

const GOLDEN: Golden[] = [
  {
    req: { strategy: "sma-cross", symbols: ["BTCUSDT"], from: "2025-06-01", to: "2025-08-01" },
    digest: "3429:8d27a767fc3d7ba5",
    totalReturn: -0.9721665613230268,
    sharpe: -81.37797337486317,
    maxDrawdown: 0.9721665613230268,
    fees: 9244.556715296918,
    slippage: 667.689660633326,
    buyAndHold: 0.10409760389040157,
  },
  {
    req: { strategy: "sma-cross", symbols: ["BTCUSDT"], timeframe: "1h", from: "2025-05-20", to: "2025-08-18" },
    digest: "81:58167db1f18152a1",
    totalReturn: -0.12512987119953067,
    sharpe: -2.3973548467530867,
    maxDrawdown: 0.15393107691431573,
    fees: 749.9771099551198,
    slippage: 221.09143714018046,
    buyAndHold: 0.1078342833007313,
  },
  {
    req: { strategy: "mean-reversion", symbols: ["ETHUSDT"], timeframe: "15m", from: "2025-06-01", to: "2025-07-01" },
    digest: "54:a28f3564170e7fd8",
    totalReturn: -0.019337301488450587,
    sharpe: -0.3577614329112781,
    maxDrawdown: 0.15462262020238893,
    fees: 516.4224389302647,
    slippage: 286.4878619542366,
    buyAndHold: -0.015006114962724304,
  },
  {
    // two symbols in one account: the event-driven engine path
    req: { strategy: "momentum", symbols: ["BTCUSDT", "ETHUSDT"], timeframe: "1h", from: "2025-06-01", to: "2025-08-01" },
    digest: "96:3d13c24e0a80863c",
    totalReturn: 0.05378537179033405,
    sharpe: 0.9717728791053033,
    maxDrawdown: 0.21408868196278286,
    fees: 899.1573375729345,
    slippage: 368.9563379237133,
    buyAndHold: 0.1686644946428384,
  },
];

describe("golden backtests on the embedded data", () => {
  it.each(GOLDEN)("$req.strategy on $req.symbols ($req.timeframe) reproduces its pinned fills and metrics", async (g) => {
    const o = await runBacktestCommand(g.req);
    const m = o.result.metrics;
    expect(o.result.fillsDigest).toBe(g.digest);
    expect(m.totalReturn).toBeCloseTo(g.totalReturn, 9);
    expect(m.sharpe).toBeCloseTo(g.sharpe, 6);
    expect(m.maxDrawdown).toBeCloseTo(g.maxDrawdown, 9);
    expect(m.feesPaid).toBeCloseTo(g.fees, 6);
    expect(m.slippagePaid).toBeCloseTo(g.slippage, 6);
    expect(o.result.benchmarkMetrics!.totalReturn).toBeCloseTo(g.buyAndHold, 9);
  });
});
