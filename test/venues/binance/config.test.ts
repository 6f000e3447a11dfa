import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { binanceConfigSchema, type BinanceConfigInput } from "../../../lib/venues/binance/config";
import { resolveBinanceConfig } from "../../../lib/venues/binance/index";
import { ED25519_API_KEY, RSA_API_KEY } from "./harness";
import { TEST_ED25519_PRIVATE_KEY, TEST_KEY_PASSPHRASE, TEST_RSA_PRIVATE_KEY, TEST_RSA_PRIVATE_KEY_ENCRYPTED } from "./keys";

const dir = mkdtempSync(join(tmpdir(), "binance-keys-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const resolve = (name: string, input: BinanceConfigInput) => resolveBinanceConfig(name, binanceConfigSchema.parse(input));

describe("Binance adapter config: endpoints and keys", () => {
  it("knows the WebSocket API endpoints of spot and the spot testnet, and derives the replay's from its streams URL", () => {
    expect(resolve("binance", {}).wsApiBaseUrl).toBe("wss://ws-api.binance.com:443/ws-api/v3");
    expect(resolve("binance-testnet", {}).wsApiBaseUrl).toBe("wss://ws-api.testnet.binance.vision/ws-api/v3");
    expect(resolve("replay", { restBaseUrl: "http://127.0.0.1:5000", wsBaseUrl: "ws://127.0.0.1:5000/" }).wsApiBaseUrl).toBe("ws://127.0.0.1:5000/ws-api/v3");
    expect(resolve("binance", { wsApiBaseUrl: "wss://ws-api.binance.com:9443/ws-api/v3" }).wsApiBaseUrl).toBe("wss://ws-api.binance.com:9443/ws-api/v3");
  });

  it("rejects the retired listenKeyKeepAliveMs with a message naming the key and what replaced it", () => {
    const r = binanceConfigSchema.safeParse({ listenKeyKeepAliveMs: 1_800_000 });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(["listenKeyKeepAliveMs"]);
    expect(issue.message).toMatch(/listenKeyKeepAliveMs is no longer supported: Binance retired the spot REST listen key on 2026-02-20/);
  });

  it("picks session.logon for Ed25519 keys and subscribe.signature for HMAC and RSA keys unless told otherwise", () => {
    expect(resolve("binance", { apiKey: ED25519_API_KEY, keyType: "ed25519", apiSecret: TEST_ED25519_PRIVATE_KEY }).userStreamAuthResolved).toBe("logon");
    expect(resolve("binance", { apiKey: ED25519_API_KEY, keyType: "ed25519", apiSecret: TEST_ED25519_PRIVATE_KEY, userStreamAuth: "signature" }).userStreamAuthResolved).toBe("signature");
    expect(resolve("binance", { apiKey: RSA_API_KEY, keyType: "rsa", apiSecret: TEST_RSA_PRIVATE_KEY }).userStreamAuthResolved).toBe("signature");
    expect(resolve("binance", { apiKey: "k", apiSecret: "s" }).userStreamAuthResolved).toBe("signature");
    expect(() => resolve("binance", { apiKey: "k", apiSecret: "s", userStreamAuth: "logon" })).toThrow(/userStreamAuth "logon" needs an Ed25519 key/);
  });

  it("reads an encrypted PEM private key from privateKeyPath with its passphrase, and masks the file's text", () => {
    const path = join(dir, "rsa-enc.pem");
    writeFileSync(path, TEST_RSA_PRIVATE_KEY_ENCRYPTED);
    const cfg = resolve("binance", { apiKey: RSA_API_KEY, keyType: "rsa", privateKeyPath: path, privateKeyPassphrase: TEST_KEY_PASSPHRASE });
    expect(cfg.signer?.keyType).toBe("rsa");
    expect(cfg.signer!.sign("a=1")).toBe(resolve("binance", { apiKey: RSA_API_KEY, keyType: "rsa", apiSecret: TEST_RSA_PRIVATE_KEY }).signer!.sign("a=1"));
    expect(cfg.secretValues).toEqual(expect.arrayContaining([RSA_API_KEY, TEST_KEY_PASSPHRASE, TEST_RSA_PRIVATE_KEY_ENCRYPTED]));
  });

  it("accepts a PEM passed through an environment variable with literal \\n line breaks", () => {
    const oneLine = TEST_ED25519_PRIVATE_KEY.trim().replace(/\n/g, "\\n");
    expect(resolve("binance", { apiKey: ED25519_API_KEY, keyType: "ed25519", apiSecret: oneLine }).signer?.keyType).toBe("ed25519");
  });

  it("names the offending key for a missing key file, a key given twice, a key file for HMAC, or a key without apiKey", () => {
    expect(() => resolve("binance", { apiKey: "k", keyType: "ed25519", privateKeyPath: join(dir, "nope.pem") })).toThrow(/cannot read the private key file .*nope\.pem \(ENOENT\)/);
    expect(() => resolve("binance", { apiKey: "k", keyType: "ed25519", privateKeyPath: join(dir, "nope.pem"), apiSecret: TEST_ED25519_PRIVATE_KEY })).toThrow(/set apiSecret or privateKeyPath, not both/);
    expect(() => resolve("binance", { apiKey: "k", privateKeyPath: join(dir, "nope.pem") })).toThrow(/privateKeyPath is for rsa or ed25519 keys/);
    expect(() => resolve("binance", { keyType: "ed25519", apiSecret: TEST_ED25519_PRIVATE_KEY })).toThrow(/set both apiKey and a private key/);
  });
});
