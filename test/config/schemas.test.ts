import { describe, expect, it } from "vitest";
import { exchangeSchema } from "../../lib/config/schemas/exchange";
import { liveConfigSchema } from "../../lib/config/schemas/live";
import { noTradeSchema } from "../../lib/config/schemas/no-trade";
import { pbtSchema } from "../../lib/config/schemas/pbt";
import { riskSchema } from "../../lib/config/schemas/risk";
import { trainConfigSchema } from "../../lib/config/schemas/train";
import { deepFreeze } from "../../lib/config/freeze";
import { KillSwitch } from "../../lib/risk/kill-switch";
import { NoTradeWindows } from "../../lib/risk/no-trade";
import { RiskGuard } from "../../lib/risk/risk-guard";

const splits = { train: { from: "2025-05-20", to: "2025-07-21" }, validation: { from: "2025-07-21", to: "2025-08-04" }, test: { from: "2025-08-04", to: "2025-08-19" } };
const paths = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (r.error?.issues ?? []).map((i) => i.path.join("."));

describe("risk schema", () => {
  it("fills the documented defaults and leaves absent limits unchecked", () => {
    const r = riskSchema.parse({});
    expect(r).toMatchObject({ maxOrdersPerMinute: 30, dailyLossLimit: 0.05, maxDrawdown: 0.2, staleAfterTimeframes: 2, priceBand: 0.05 });
    expect(r.maxPositionNotional).toBeUndefined();
    expect(r.killSwitch).toMatchObject({ flagFile: "state/kill_switch.flag", flattenOnTrip: false, limits: { rejectedOrders: 5 } });
  });

  it("goes straight into the risk guard", () => {
    const r = deepFreeze(riskSchema.parse({ maxOrderNotional: 100 }));
    const guard = new RiskGuard(r);
    const ctx = { now: 60_000, lastBarTs: 0, timeframeMs: 60_000, lastPrice: 100, positionQty: 0 };
    expect(guard.check({ symbol: "BTCUSDT", side: "buy", qty: 2, price: 100 }, ctx)).toMatchObject({ allowed: false, reason: "MAX_ORDER_NOTIONAL" });
  });

  it("rejects fractions above 1 and an order limit that can never be used", () => {
    expect(paths(riskSchema.safeParse({ dailyLossLimit: 5 }))).toEqual(["dailyLossLimit"]);
    expect(paths(riskSchema.safeParse({ maxPositionNotional: 100, maxOrderNotional: 500 }))).toEqual(["maxOrderNotional"]);
  });
});

describe("no-trade schema", () => {
  it("accepts windows that wrap midnight and goes straight into NoTradeWindows", () => {
    const cfg = deepFreeze(noTradeSchema.parse({ dailyUtc: ["23:55-00:05"], custom: [{ from: "2025-07-30T18:00:00Z", to: "2025-07-30T19:00:00Z", reason: "FOMC" }] }));
    const w = new NoTradeWindows(cfg);
    expect(w.blockedReason(Date.parse("2025-07-29T23:58:00Z"))).toMatch(/daily window/);
    expect(w.blockedReason(Date.parse("2025-07-30T18:30:00Z"))).toBe("FOMC");
    expect(w.blockedReason(Date.parse("2025-07-30T12:00:00Z"))).toBeNull();
  });

  it("rejects malformed windows, impossible dates and backwards ranges", () => {
    expect(paths(noTradeSchema.safeParse({ dailyUtc: ["9:00-10:00"] }))).toEqual(["dailyUtc.0"]);
    expect(paths(noTradeSchema.safeParse({ dailyUtc: ["10:00-10:00"] }))).toEqual(["dailyUtc.0"]);
    expect(paths(noTradeSchema.safeParse({ custom: [{ from: "2025-02-30", to: "2025-03-02" }] }))).toContain("custom.0.from");
    expect(paths(noTradeSchema.safeParse({ custom: [{ from: "2025-03-02", to: "2025-03-01" }] }))).toEqual(["custom.0.to"]);
  });
});

describe("exchange schema", () => {
  it("selects the variant by venue and reads an empty key as not set", () => {
    const e = exchangeSchema.parse({ venue: "binance-testnet", symbols: ["BTCUSDT"], apiKey: "", apiSecret: "abc" });
    expect(e).toMatchObject({ venue: "binance-testnet", timeframe: "1m", apiSecret: "abc", options: {} });
    expect(e.venue !== "yahoo" && e.apiKey).toBeUndefined();
  });

  it("rejects keys that belong to another venue", () => {
    expect(paths(exchangeSchema.safeParse({ venue: "alpaca-paper", symbols: ["SPY"], recvWindowMs: 5000 }))).toEqual([""]);
  });

  it("rejects lower-case symbols, duplicate symbols and a Yahoo 4h timeframe", () => {
    expect(paths(exchangeSchema.safeParse({ venue: "binance", symbols: ["btcusdt"] }))).toEqual(["symbols.0"]);
    expect(paths(exchangeSchema.safeParse({ venue: "binance", symbols: ["A", "A"] }))).toEqual(["symbols"]);
    expect(paths(exchangeSchema.safeParse({ venue: "yahoo", symbols: ["^GSPC"], timeframe: "4h" }))).toEqual(["timeframe"]);
  });
});

describe("live config", () => {
  it("rejects a replay speed on a real venue", () => {
    const r = liveConfigSchema.safeParse({ kind: "live", live: { speed: 100 }, exchange: { venue: "binance", symbols: ["BTCUSDT"] } });
    expect(paths(r)).toEqual(["live.speed"]);
  });
});

describe("train config", () => {
  const base = { kind: "train", data: { splits } } as const;

  it("needs only the data splits; every other section has defaults", () => {
    const c = trainConfigSchema.parse(base);
    expect(c.data).toMatchObject({ venue: "binance", symbols: ["BTCUSDT"], timeframe: "1m" });
    expect(c.run).toEqual({ outDir: "checkpoints/run", tfBackend: "auto" });
    expect(c.optimizer.kind).toBe("adam");
  });

  it("requires the policy's action range to match the env's", () => {
    expect(paths(trainConfigSchema.safeParse({ ...base, env: { longOnly: true } }))).toEqual(["ppo.longOnly"]);
  });

  it("requires search space keys to name numeric settings", () => {
    const r = trainConfigSchema.safeParse({ ...base, pbt: { space: { "ppo.entropyCoef": { min: 0.001, max: 0.1 }, "ppo.nothing": { min: 1, max: 2 } } } });
    expect(paths(r)).toEqual(["pbt.space.ppo.nothing"]);
  });

  it("rejects overlapping splits", () => {
    const bad = { ...splits, validation: { from: "2025-07-01", to: "2025-08-04" } };
    expect(trainConfigSchema.safeParse({ ...base, data: { splits: bad } }).success).toBe(false);
  });
});

describe("pbt schema", () => {
  it("rejects a log-scale range that starts at zero and a population too small to truncate", () => {
    expect(paths(pbtSchema.safeParse({ space: { "ppo.entropyCoef": { min: 0, max: 0.1 } } }))).toEqual(["space.ppo.entropyCoef.min"]);
    expect(paths(pbtSchema.safeParse({ population: 2, truncationFraction: 0.25 }))).toEqual(["truncationFraction"]);
  });
});

describe("kill switch section", () => {
  it("goes straight into the kill switch, with 0 meaning a counter never trips", async () => {
    const cfg = deepFreeze(riskSchema.parse({ killSwitch: { limits: { rejectedOrders: 2, wsErrors: 0 } } })).killSwitch;
    const ks = new KillSwitch(cfg);
    expect(await ks.count("wsErrors", 0, 100)).toBe(false);
    expect(await ks.count("rejectedOrders", 1)).toBe(false);
    expect(await ks.count("rejectedOrders", 2)).toBe(true);
    expect(ks.tripped).toBe(true);
  });
});
