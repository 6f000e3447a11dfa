import { createPrivateKey, createPublicKey, generateKeyPairSync, sign } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../../lib/core/errors";
import { loadPublicKeys, verifySignature, wsSignaturePayload, type AccountKey } from "../../../lib/venues/replay/auth";
import { REPLAY_CREDENTIALS, type ReplayExchange } from "../../../lib/venues/replay/index";
import { apiKeyOf, signatureOf, startExchange, type KeyKind } from "./ws-client";

/** Test vectors from Binance's documentation (web-socket-api.md, rest-api.md, fix-api.md). */
const DOC_HMAC: AccountKey = { apiKey: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A", type: "HMAC", secret: "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j" };
const WS_ASCII = "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT";
const WS_UNICODE = "apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=0.10000000&quantity=1.00000000&recvWindow=5000&side=BUY&symbol=１２３４５６&timeInForce=GTC&timestamp=1645423376532&type=LIMIT";
const REST_ASCII = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
const REST_UNICODE = "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
/** fix-api.md "Logon": the example Ed25519 private key, the payload fields joined by SOH, and the computed signature. */
const FIX_ED25519_PRIVATE = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIIJEYWtGBrhACmb9Dvy+qa8WEf0lQOl1s4CLIAB9m89u\n-----END PRIVATE KEY-----\n";
const FIX_PAYLOAD = ["A", "EXAMPLE", "SPOT", "1", "20240627-11:17:25.223"].join("\x01");
const FIX_SIGNATURE = "4MHXelVVcpkdwuLbl6n73HQUXUf1dse2PCgT1DYqW9w8AVZ1RACFGM+5UdlGPrQHrgtS3CvsRURC1oj73j8gCA==";

const pem = (k: ReturnType<typeof createPublicKey>): string => k.export({ type: "spki", format: "pem" }).toString();

describe("signature verification (the exchange side)", () => {
  it("builds the WebSocket API payload as web-socket-api.md step 1 shows it", () => {
    const ascii = { symbol: "BTCUSDT", side: "SELL", type: "LIMIT", timeInForce: "GTC", quantity: "0.01000000", price: "52000.00", recvWindow: 100, timestamp: 1645423376532, apiKey: DOC_HMAC.apiKey, signature: "x" };
    expect(wsSignaturePayload(ascii)).toBe(WS_ASCII);
    const unicode = { ...ascii, symbol: "１２３４５６", side: "BUY", quantity: "1.00000000", price: "0.10000000", recvWindow: 5000 };
    expect(wsSignaturePayload(unicode)).toBe(WS_UNICODE);
  });

  it("accepts the documented HMAC signatures in any letter case and nothing else", () => {
    expect(verifySignature(DOC_HMAC, WS_ASCII, "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24")).toBe(true);
    expect(verifySignature(DOC_HMAC, WS_ASCII, "AA1B5712C094BC4E57C05A1A5C1FD8D88DCD628338EA863FEC7B88E59FE2DB24")).toBe(true);
    expect(verifySignature(DOC_HMAC, WS_UNICODE, "b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd")).toBe(true);
    expect(verifySignature(DOC_HMAC, REST_ASCII, "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71")).toBe(true);
    expect(verifySignature(DOC_HMAC, REST_UNICODE, "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3")).toBe(true);
    expect(verifySignature(DOC_HMAC, WS_ASCII.replace("SELL", "BUY"), "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24")).toBe(false);
    expect(verifySignature({ ...DOC_HMAC, secret: "other" }, WS_ASCII, "aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24")).toBe(false);
  });

  it("accepts the documented Ed25519 signature (fix-api.md) only as written: case and base64 text matter", () => {
    const [key] = loadPublicKeys([{ apiKey: "fix-example", publicKey: pem(createPublicKey(createPrivateKey(FIX_ED25519_PRIVATE))) }]);
    expect(key!.type).toBe("ED25519");
    expect(verifySignature(key!, FIX_PAYLOAD, FIX_SIGNATURE)).toBe(true);
    expect(verifySignature(key!, FIX_PAYLOAD, FIX_SIGNATURE.replace("4MHX", "4mHX"))).toBe(false);
    expect(verifySignature(key!, FIX_PAYLOAD, `${FIX_SIGNATURE} `)).toBe(false);
    expect(verifySignature(key!, FIX_PAYLOAD.replace("EXAMPLE", "EXAMPLF"), FIX_SIGNATURE)).toBe(false);
  });

  it("verifies RSA as RSASSA-PKCS1-v1_5 with SHA-256, refusing PSS padding and another key's signature", () => {
    const [rsa] = loadPublicKeys([{ apiKey: "rsa", publicKey: REPLAY_CREDENTIALS.rsa.publicKey }]);
    expect(rsa!.type).toBe("RSA");
    const pkcs1 = sign("sha256", Buffer.from(WS_UNICODE), REPLAY_CREDENTIALS.rsa.privateKey).toString("base64");
    expect(verifySignature(rsa!, WS_UNICODE, pkcs1)).toBe(true);
    const pss = sign("sha256", Buffer.from(WS_UNICODE), { key: REPLAY_CREDENTIALS.rsa.privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */ }).toString("base64");
    expect(verifySignature(rsa!, WS_UNICODE, pss)).toBe(false);
    const other = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey;
    expect(verifySignature(rsa!, WS_UNICODE, sign("sha256", Buffer.from(WS_UNICODE), other).toString("base64"))).toBe(false);
    expect(verifySignature(rsa!, WS_UNICODE, "not base64!")).toBe(false);
  });

  it("refuses a public key that is not PEM or not RSA/Ed25519, naming the config path", () => {
    expect(() => loadPublicKeys([{ apiKey: "a", publicKey: "nope" }])).toThrow(ConfigError);
    expect(() => loadPublicKeys([{ apiKey: "a", publicKey: "nope" }])).toThrow(/replay\.publicKeys\.0\.publicKey is not a PEM public key/);
    const ec = pem(generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey);
    expect(() => loadPublicKeys([{ apiKey: "a", publicKey: REPLAY_CREDENTIALS.ed25519.publicKey }, { apiKey: "b", publicKey: ec }])).toThrow(/publicKeys\.1\.publicKey is a ec key/);
  });
});

describe("REST requests signed with RSA and Ed25519 keys", () => {
  let ex: ReplayExchange | undefined;
  afterEach(async () => {
    await ex?.close();
    ex = undefined;
  });

  async function account(kind: KeyKind, query: (q: string) => string, key = apiKeyOf(kind)): Promise<[number, number | undefined]> {
    const q = `recvWindow=5000&timestamp=${ex!.clock.now()}`;
    const res = await fetch(`${ex!.baseUrl}/api/v3/account?${query(q)}`, { headers: { "X-MBX-APIKEY": key } });
    return [res.status, ((await res.json()) as { code?: number }).code];
  }

  it.each(["RSA", "ED25519"] as const)("accepts a %s signature of query + body as sent (percent-encoded) and rejects a wrong one", async (kind) => {
    ex = await startExchange();
    expect(await account(kind, (q) => `${q}&signature=${encodeURIComponent(signatureOf(kind, q))}`)).toEqual([200, undefined]);
    expect(await account(kind, (q) => `${q}&signature=${encodeURIComponent(signatureOf(kind, `${q}0`))}`)).toEqual([400, -1022]);
    expect(await account(kind, (q) => `${q}&signature=${encodeURIComponent(signatureOf(kind, q))}`, "unknown-key")).toEqual([401, -2015]);
    const body = `symbol=BTCUSDT&side=BUY&type=LIMIT&timeInForce=GTC&quantity=0.01&price=50000&newClientOrderId=rest-${kind}&timestamp=${ex.clock.now()}`;
    const res = await fetch(`${ex.baseUrl}/api/v3/order`, {
      method: "POST",
      headers: { "X-MBX-APIKEY": apiKeyOf(kind), "Content-Type": "application/x-www-form-urlencoded" },
      body: `${body}&signature=${encodeURIComponent(signatureOf(kind, body))}`,
    });
    expect([res.status, ((await res.json()) as { clientOrderId?: string }).clientOrderId]).toEqual([200, `rest-${kind}`]);
  });

  it("takes a timestamp in microseconds", async () => {
    ex = await startExchange();
    const q = `timestamp=${ex.clock.now() * 1000}`;
    const res = await fetch(`${ex.baseUrl}/api/v3/account?${q}&signature=${signatureOf("HMAC", q)}`, { headers: { "X-MBX-APIKEY": apiKeyOf("HMAC") } });
    expect(res.status).toBe(200);
  });
});
