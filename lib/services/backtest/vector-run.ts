import type { Fill } from "../../core/fill";
import type { ExecutionModels } from "../../sim/execution-models";
import { VectorKernel } from "../../sim/vector-kernel";
import type { Policy, PolicyContext } from "../strategies/policy";
import type { BacktestRun, BacktestSeries } from "./types";

/**
 * The fast path of a single-symbol backtest: the policy decides on the kernel's own account state
 * after each close, and the sim's VectorKernel executes (the same models and arithmetic as the
 * matching engine; tests prove the two paths give the same fills), over typed arrays with no per-bar
 * allocation apart from the fills. The kernel has no balance locks: an order larger than the free
 * cash is not rejected, so policies that size within their cash (all baselines) match exactly.
 */
export function runVectorised(
  s: BacktestSeries,
  policy: Policy,
  models: ExecutionModels,
  timeframeMs: number,
  initialCash: number,
  onProgress?: (done: number, total: number) => void,
  progressEvery = 1_000_000,
): BacktestRun {
  const b = s.bars;
  const n = b.length;
  const quote = models.quoteAsset(s.symbol);
  const base = models.baseAsset(s.symbol);
  const kernel = new VectorKernel(models.forSymbol(s.symbol, timeframeMs), { initialCash });
  const equity = new Float64Array(n);
  const cash = new Float64Array(n);
  const position = new Float64Array(n);
  const fills: Fill[] = [];
  const { ts, open, high, low, close, volume } = b;
  let lastDecisionEnd = Number.NaN;
  let lastDecisionBar = -1;
  let decisions = 0;
  const ctx: PolicyContext = { i: 0, bars: b, symbol: s.symbol, cash: 0, positionQty: 0, dustQty: models.dustQty(s.symbol), equity: 0 };
  for (let i = 0; i < n; i++) {
    const px = close[i]!;
    const eq = kernel.markBar(ts[i]!, open[i]!, high[i]!, low[i]!, px, volume[i]!, Number.NaN);
    let t = Number.NaN;
    if (i >= policy.warmup) {
      ctx.i = i;
      ctx.cash = kernel.cash;
      ctx.positionQty = kernel.position;
      ctx.equity = eq;
      ctx.fillPrice = kernel.lastFillQty !== 0 ? kernel.lastFillPrice : Number.NaN;
      const q = policy.decide(ctx);
      // target quantity -> fraction of equity, the kernel's unit (it converts back at this close)
      if (q !== null && Number.isFinite(q) && q !== kernel.position) t = eq > 0 ? (q * px) / eq : Number.NaN;
    }
    kernel.decideTarget(t);
    equity[i] = eq;
    position[i] = kernel.position;
    cash[i] = kernel.cash;
    const q = kernel.lastFillQty;
    if (q !== 0) {
      fills.push({
        ts: lastDecisionEnd + kernel.lastLatencyMs,
        symbol: s.symbol,
        clientOrderId: `bt-${s.symbol}-${lastDecisionBar}`,
        side: q > 0 ? "buy" : "sell",
        qty: q > 0 ? q : -q,
        requestedPrice: kernel.lastRequestedPrice,
        price: kernel.lastFillPrice,
        fee: kernel.lastBaseFee !== 0 ? kernel.lastBaseFee : kernel.lastFee,
        feeAsset: kernel.lastBaseFee !== 0 ? base : quote,
        feeFromBase: kernel.lastBaseFee !== 0 || undefined,
        slippageCost: kernel.lastSlippageCost,
        latencyMs: kernel.lastLatencyMs,
        liquidity: "taker",
      });
    }
    if (t === t) {
      decisions++;
      lastDecisionEnd = ts[i]! + timeframeMs;
      lastDecisionBar = i;
    }
    if (onProgress && (i + 1) % progressEvery === 0) onProgress(i + 1, n);
  }
  onProgress?.(n, n);
  return { ts: b.ts, equity, cash, positions: { [s.symbol]: position }, fills, rejections: [], decisions };
}
