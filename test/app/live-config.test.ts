import { describe, expect, it } from "vitest";
import { loadLiveRunConfig } from "../../lib/app/live-config";

const env = {
  BINANCE_API_KEY: "key-abcdef123456",
  BINANCE_API_SECRET: "secret-abcdef123456",
  BINANCE_KEY_TYPE: "ed25519",
  BINANCE_PRIVATE_KEY_PATH: "/keys/ed25519-prv.pem",
  BINANCE_KEY_PASSPHRASE: "pass-abcdef123456",
};

describe("--venue on the command line", () => {
  it("takes a Binance key's type, key file and passphrase from the environment", () => {
    const c = loadLiveRunConfig("configs/config_live.yaml", { venue: "binance-testnet" }, env);
    const ex = c.exchange as unknown as Record<string, unknown>;
    expect(ex.venue).toBe("binance-testnet");
    expect(ex.keyType).toBe("ed25519");
    expect(ex.privateKeyPath).toBe("/keys/ed25519-prv.pem");
    expect(ex.privateKeyPassphrase).toBe("pass-abcdef123456");
  });

  it("leaves the key type to the default (hmac) when the variables are unset", () => {
    const c = loadLiveRunConfig("configs/config_live.yaml", { venue: "binance-testnet" }, { BINANCE_API_KEY: "k-123456", BINANCE_API_SECRET: "s-123456" });
    const ex = c.exchange as unknown as Record<string, unknown>;
    expect(ex.keyType).toBeUndefined();
    expect(ex.privateKeyPath).toBeUndefined();
  });

  it("rejects an unknown key type naming the key", () => {
    expect(() => loadLiveRunConfig("configs/config_live.yaml", { venue: "binance" }, { ...env, BINANCE_KEY_TYPE: "dsa" })).toThrow(/keyType/);
  });
});
