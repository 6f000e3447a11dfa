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
    digest: "3429:c824625d0e7c4233",
    totalReturn: -0.9721717071219967,
    sharpe: -81.38094667573216,
    maxDrawdown: 0.9721717071219967,
    fees: 9244.215518519999,
    slippage: 668.0951601999977,
    buyAndHold: 0.104097599243,
  },
  {
    req: { strategy: "sma-cross", symbols: ["BTCUSDT"], timeframe: "1h", from: "2025-05-20", to: "2025-08-18" },
    digest: "81:c1f5e09c09ed4904",
    totalReturn: -0.1251344967929996,
    sharpe: -2.3974793657783806,
    maxDrawdown: 0.15393418313545404,
    fees: 749.9679157299998,
    slippage: 221.1224052000016,
    buyAndHold: 0.10783421246199998,
  },
  {
    req: { strategy: "mean-reversion", symbols: ["ETHUSDT"], timeframe: "15m", from: "2025-06-01", to: "2025-07-01" },
    digest: "54:91010f931f09eb2b",
    totalReturn: -0.01944956817700072,
    sharpe: -0.36108137765912685,
    maxDrawdown: 0.15467228048029413,
    fees: 516.39689277,
    slippage: 287.55968699999045,
    buyAndHold: -0.015008579425000113,
  },
  {
    // two symbols in one account: the event-driven engine path
    req: { strategy: "momentum", symbols: ["BTCUSDT", "ETHUSDT"], timeframe: "1h", from: "2025-06-01", to: "2025-08-01" },
    digest: "96:71448d29e4e892cd",
    totalReturn: 0.05370025316300042,
    sharpe: 0.9705848305409466,
    maxDrawdown: 0.2141295336567104,
    fees: 899.13680177,
    slippage: 369.6375552999908,
    buyAndHold: 0.16866364717000004,
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
