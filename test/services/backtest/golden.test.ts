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
    digest: "3429:7599566efdcf0a78",
    totalReturn: -0.9720060340645617,
    sharpe: -81.3708654440552,
    maxDrawdown: 0.9720061739396817,
    fees: 9242.933643951403,
    slippage: 667.9588455000003,
    buyAndHold: 0.10399251160320011,
  },
  {
    req: { strategy: "sma-cross", symbols: ["BTCUSDT"], timeframe: "1h", from: "2025-05-20", to: "2025-08-18" },
    digest: "81:444de297950f938b",
    totalReturn: -0.1250255571425707,
    sharpe: -2.3978882528876744,
    maxDrawdown: 0.15379049458695127,
    fees: 749.5436661755001,
    slippage: 220.97891880000353,
    buyAndHold: 0.1077253878113702,
  },
  {
    req: { strategy: "mean-reversion", symbols: ["ETHUSDT"], timeframe: "15m", from: "2025-06-01", to: "2025-07-01" },
    digest: "54:76b178be7264e79a",
    totalReturn: -0.01944846189370042,
    sharpe: -0.3618635371390548,
    maxDrawdown: 0.1545347900739793,
    fees: 516.138324621,
    slippage: 287.44942299999036,
    buyAndHold: -0.014994561106600135,
  },
  {
    // two symbols in one account: the event-driven engine path
    req: { strategy: "momentum", symbols: ["BTCUSDT", "ETHUSDT"], timeframe: "1h", from: "2025-06-01", to: "2025-08-01" },
    digest: "96:c0b2fd716dd53a03",
    totalReturn: 0.053655574070361034,
    sharpe: 0.9704705494348926,
    maxDrawdown: 0.21395727281242505,
    fees: 898.6861012379003,
    slippage: 369.42625369999234,
    buyAndHold: 0.1684942386655799,
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
