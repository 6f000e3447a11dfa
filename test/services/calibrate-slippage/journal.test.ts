import { describe, expect, it } from "vitest";
import { calibrateSlippageFromFills, extractFills, type JournalLine } from "../../../lib/services/calibrate-slippage-journal";
import { SeededRng } from "../../../lib/sim/rng";

const line = (record: Record<string, unknown>, n: number): JournalLine => ({ file: "state/journal/2025-06-01.jsonl", line: n, record });

describe("fills-journal slippage calibration", () => {
  it("uses sigma and V from the fill records when present, measures sells' cost with the right sign, and skips maker fills", () => {
    const rng = new SeededRng(2);
    const lines: JournalLine[] = [];
    for (let i = 0; i < 200; i++) {
      const side = i % 2 ? "buy" : "sell";
      const qty = Math.exp(-2 + 4 * rng.next());
      const sigma = 4e-4 * (1 + rng.next());
      const v = 30 + 20 * rng.next();
      const bps = 0.8 + 0.45 * 1e4 * sigma * Math.sqrt(qty / v);
      const req = 60_000 + i;
      const price = side === "buy" ? req * (1 + bps / 1e4) : req * (1 - bps / 1e4);
      lines.push(line({ kind: "fill", ts: 1_750_000_000_000 + i * 60_000, symbol: "BTCUSDT", clientOrderId: `o${i}`, side, qty, price, requestedPrice: req, liquidity: "taker", marketSigma: sigma, marketVolume: v }, i + 1));
    }
    lines.push(line({ kind: "fill", ts: 1, symbol: "BTCUSDT", side: "buy", qty: 1, price: 1, requestedPrice: 1, liquidity: "maker" }, 201));
    lines.push(line({ kind: "fill", ts: 1, symbol: "ETHUSDT", side: "buy", qty: 1, price: 1 }, 202)); // another symbol: ignored, even though malformed
    lines.push(line({ kind: "order", clientOrderId: "o1", status: "filled" }, 203));
    const fills = extractFills(lines, "BTCUSDT", "state/journal");
    expect(fills.ts.length).toBe(200);
    expect(fills.makerFills).toBe(1);
    const r = calibrateSlippageFromFills(fills, undefined);
    expect(r.measured.fromRecord).toBe(200);
    expect(r.params.halfSpreadBps).toBeCloseTo(0.8, 6);
    expect(r.params.k).toBeCloseTo(0.45, 6);
    expect(r.provenance.bars).toBeUndefined();
  });

  it("asks for bars when the records carry no market statistics, and names an empty journal", () => {
    const lines = [1, 2, 3].map((i) => line({ kind: "fill", ts: i, symbol: "X", side: "buy", qty: 1, price: 1.0001, requestedPrice: 1 }, i));
    expect(() => calibrateSlippageFromFills(extractFills(lines, "X", "j"), undefined)).toThrow("j: fills of X carry no marketSigma/marketVolume and no bars cover them");
    expect(() => extractFills(lines, "Y", "j")).toThrow("j: no taker fills of Y");
    expect(() => extractFills([line({ kind: "fill", ts: 1, symbol: "X", side: "hold", qty: 1, price: 1, requestedPrice: 1 }, 9)], "X", "j")).toThrow(/2025-06-01\.jsonl line 9: fill record side: /);
  });
});
