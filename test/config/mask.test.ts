import { describe, expect, it } from "vitest";
import { collectSecretValues, isSecretKey, maskSecrets } from "../../lib/config/mask";

describe("isSecretKey", () => {
  it.each(["apiKey", "apiSecret", "secret", "accessToken", "password", "passphrase", "API_KEY", "APCA_API_KEY_ID", "x-mbx-apikey", "privateKeys"])("treats %s as a secret", (k) => {
    expect(isSecretKey(k)).toBe(true);
  });

  it.each(["tokenDiscount", "keyPath", "symbols", "recvWindowMs", "secretFile", "venue"])("does not treat %s as a secret", (k) => {
    expect(isSecretKey(k)).toBe(false);
  });
});

describe("maskSecrets", () => {
  it("replaces secret values at any depth and leaves everything else", () => {
    const cfg = { exchange: { venue: "binance", apiKey: "AKIA123", apiSecret: "s3cr3t", nested: [{ token: 42 }] }, execution: { fees: { tokenDiscount: 0.75 } } };
    expect(maskSecrets(cfg)).toEqual({
      exchange: { venue: "binance", apiKey: "***", apiSecret: "***", nested: [{ token: "***" }] },
      execution: { fees: { tokenDiscount: 0.75 } },
    });
  });

  it("masks every leaf under a secret-named mapping", () => {
    expect(maskSecrets({ apiKeys: { primary: "a", backup: ["b"] } })).toEqual({ apiKeys: { primary: "***", backup: ["***"] } });
  });

  it("keeps unset secrets visible as unset", () => {
    expect(maskSecrets({ apiKey: "", apiSecret: undefined, token: null })).toEqual({ apiKey: "", apiSecret: undefined, token: null });
  });

  it("does not modify its input", () => {
    const cfg = Object.freeze({ apiKey: "k" });
    expect(maskSecrets(cfg)).toEqual({ apiKey: "***" });
    expect(cfg.apiKey).toBe("k");
  });
});

describe("collectSecretValues", () => {
  it("finds every non-empty secret value once", () => {
    expect(collectSecretValues({ a: { apiKey: "k1", apiSecret: "k2" }, b: { apiKey: "k1", token: "" }, fee: 3 }).sort()).toEqual(["k1", "k2"]);
  });
});
