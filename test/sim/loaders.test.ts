import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { executionSchema } from "../../lib/config/schemas/execution";
import { ExecutionModels } from "../../lib/sim/execution-models";
import { loadExecutionData, loadFeeTable, loadSeasonality, loadSlippageProfile, parseFeeTable } from "../../lib/sim/loaders";

const dir = mkdtempSync(join(tmpdir(), "tradelab-sim-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, body: string) => {
  const p = join(dir, name);
  writeFileSync(p, body);
  return p;
};

describe("loading the execution data files", () => {
  it("loads the shipped fee table, filters and seasonality for the default config", () => {
    const cfg = executionSchema.parse({ latency: { seasonalityFile: "data/latency/liquidity_latency_seasonality.json" } });
    const data = loadExecutionData(cfg);
    expect(data.feeTable?.["BTCUSDT"]).toEqual({ makerBps: 10, takerBps: 10 });
    expect([...data.instruments!.keys()].sort()).toEqual(["BTCUSDT", "ETHUSDT"]);
    expect(data.seasonality).toHaveLength(168);
    expect(data.profile).toBeUndefined();
    const m = new ExecutionModels(cfg, data, 1).forSymbol("BTCUSDT", 60_000);
    expect(m.feeAsset).toBe("USDT");
    expect(m.filters?.instrument.stepSize).toBe(0.00001);
  });

  it("skips files the config does not use", () => {
    const data = loadExecutionData(executionSchema.parse({ fees: { kind: "equity", file: "missing.json" }, filters: { enforce: false, file: "missing.json" } }));
    expect(data).toEqual({});
  });

  it("reports a missing file with DATA_NOT_FOUND and its path", () => {
    expect(() => loadFeeTable(join(dir, "nope.json"))).toThrow(expect.objectContaining({ code: "DATA_NOT_FOUND", details: { file: join(dir, "nope.json") } }));
  });

  it("reports a file that is not JSON with PARSE_ERROR", () => {
    expect(() => loadSeasonality(file("bad.json", "{ nope"))).toThrow(expect.objectContaining({ code: "PARSE_ERROR" }));
  });

  it("names the key path of a bad value in the fee file and the profile", () => {
    expect(() => parseFeeTable({ symbols: { BTCUSDT: { makerBps: "ten", takerBps: 10 } } }, "fees.json")).toThrow(/fees\.json: symbols\.BTCUSDT\.makerBps/);
    const p = file("profile.json", JSON.stringify({ version: 1, symbols: { BTCUSDT: { buckets: [{ maxNotional: null, bps: 1 }, { maxNotional: 10, bps: 2 }] } } }));
    expect(() => loadSlippageProfile(p)).toThrow(expect.objectContaining({ code: "DATA_INVALID" }));
    expect(() => loadSlippageProfile(p)).toThrow(/symbols\.BTCUSDT\.buckets\.1\.maxNotional/);
  });

  it("loads a calibrated profile named by the config", () => {
    const p = file("good.json", JSON.stringify({ version: 1, meta: { source: "test" }, symbols: { BTCUSDT: { halfSpreadBps: 0.1, k: 0.8 } } }));
    const data = loadExecutionData(executionSchema.parse({ slippage: { kind: "profile", profileFile: p } }));
    expect(data.profile?.symbols["BTCUSDT"]).toEqual({ halfSpreadBps: 0.1, k: 0.8 });
  });
});

describe("execution config schema", () => {
  it("fills every default", () => {
    const c = executionSchema.parse({});
    expect(c.fees).toMatchObject({ kind: "crypto", makerBps: 10, takerBps: 10, tokenDiscount: 1, minFee: 0, commissionStep: 0, maxAgeDays: 30 });
    expect(c.fees.equity).toMatchObject({ secFeeRate: 0.0000278, finraTafPerShare: 0.000166, finraTafMax: 8.3 });
    expect(c.slippage.kind).toBe("sqrt-impact");
    expect(c.latency).toMatchObject({ enabled: true, baseMs: 50, retries: 1 });
    expect(c.fill).toMatchObject({ intrabar: "open", participationCap: 0.1, remainder: "carry", queueAware: false });
    expect(c.filters).toEqual({ file: "data/binance_filters.json", enforce: true, maxAgeDays: 7 });
  });

  it("rejects unknown keys and out-of-range values with their path", () => {
    const r = executionSchema.safeParse({ fill: { participationCap: 1.5 }, latency: { jiter: 1 } });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => i.path.join("."));
    expect(paths).toContain("fill.participationCap");
    expect(paths).toContain("latency");
  });
});
