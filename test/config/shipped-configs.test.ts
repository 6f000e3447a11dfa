import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAnyConfig, loadLiveConfig, loadTrainConfig } from "../../lib/config/index";

const files = [
  ...readdirSync("configs").filter((f) => f.endsWith(".yaml")).map((f) => join("configs", f)),
  ...readdirSync("configs/examples").filter((f) => f.endsWith(".yaml")).map((f) => join("configs/examples", f)),
];
// Shipped configs must validate with no secrets in the environment.
const env = { PATH: process.env.PATH };

describe("shipped configs", () => {
  it("include every file of the hierarchy", () => {
    for (const f of ["config_train", "config_live", "execution", "fees", "slippage", "latency", "risk", "no_trade", "exchange"]) expect(files).toContain(`configs/${f}.yaml`);
    for (const f of ["example_train_crypto", "example_live_crypto", "example_train_stocks", "example_live_stocks"]) expect(files).toContain(`configs/examples/${f}.yaml`);
  });

  it.each(files)("%s validates", (file) => {
    expect(() => loadAnyConfig(file, { env })).not.toThrow();
  });

  it("config_live.yaml merges every modular file and runs the replay venue", () => {
    const c = loadLiveConfig("configs/config_live.yaml", { env });
    expect(c.exchange.venue).toBe("replay");
    expect(c.execution.latency.seasonalityFile).toBe("data/latency/liquidity_latency_seasonality.json");
    expect(c.risk.killSwitch.flagFile).toBe("state/kill_switch.flag");
    expect(c.noTrade.dailyUtc).toEqual(["23:58-00:02"]);
    expect(c.logging.level).toBe("info");
  });

  it("LOG_LEVEL in the environment sets the live log level", () => {
    expect(loadLiveConfig("configs/config_live.yaml", { env: { LOG_LEVEL: "debug" } }).logging.level).toBe("debug");
  });

  it("the crypto training example overrides the base config it imports", () => {
    const c = loadTrainConfig("configs/examples/example_train_crypto.yaml", { env });
    expect(c.data.symbols).toEqual(["ETHUSDT"]);
    expect(c.data.splits.train.from).toBe("2025-05-20");
    expect(c.optimizer.kind).toBe("adaptiveUpgd");
    expect(c.execution.fees.tokenDiscount).toBe(0.75);
  });

  it("the live examples read keys from the environment", () => {
    const c = loadLiveConfig("configs/examples/example_live_crypto.yaml", { env: { BINANCE_API_KEY: "k-123456", BINANCE_API_SECRET: "s-123456" } });
    expect(c.exchange.venue === "binance-testnet" && [c.exchange.apiKey, c.exchange.apiSecret]).toEqual(["k-123456", "s-123456"]);
    const s = loadLiveConfig("configs/examples/example_live_stocks.yaml", { env: { APCA_API_KEY_ID: "PK123456" } });
    expect(s.exchange.venue === "alpaca-paper" && s.exchange.apiKey).toBe("PK123456");
  });
});
