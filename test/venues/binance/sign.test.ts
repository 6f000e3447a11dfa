import { createPublicKey, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createSigner, signPayload, signWsApiParams, signedQuery, wsApiPayload } from "../../../lib/venues/binance/sign";
import { DOC_FIX_ED25519_PRIVATE_KEY, TEST_ED25519_PRIVATE_KEY, TEST_ED25519_PUBLIC_KEY, TEST_KEY_PASSPHRASE, TEST_RSA_PRIVATE_KEY, TEST_RSA_PRIVATE_KEY_ENCRYPTED, TEST_RSA_PUBLIC_KEY } from "./keys";

const RSA_OPENSSL_SIGNATURE =
  "kPN01oBzUTkLCXAoL5INEO+/yarFTL1Hq53KfbzKQBVVYoqJtrU28h+HAIITjvXGFjjA6NBJtCPt3aDW5B9RWCOlAAjWwrAT+rpU+X2M3oPpOtonu/r7eEWJfap/AhsXXYPegbrhsaGc64MjYA/CmDVWi7e8xVp+ArrmW007SBwb/UGD2utywrQ1RHQTXFaubQrxIR34WpMznhAcdTQ9RO2Gfc+uGaYY/EUsnb0lThX6Xx8L0zAn3Q/oPEkPkE/I21WTNNwB1KdMFNFIEsH6KN0w1hRdPm1kGDbywu/Pmk9Mza2xmUnosVpbg8NILqTD1/4BX84c/3zZ89rTUcCVSw==";

// rest-api.md "SIGNED Endpoint Examples for POST /api/v3/order" (HMAC keys): Binance's published example key pair.
const DOC_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
const DOC_PAYLOAD = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559";
const DOC_SIGNATURE = "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";
const DOC_SIGNATURE_NON_ASCII = "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3";

const docParams = (symbol: string) => ({ symbol, side: "BUY", type: "LIMIT", timeInForce: "GTC", quantity: "1", price: "0.1" });

describe("Binance HMAC-SHA256 signing", () => {
  it("reproduces the signature of the documented example byte for byte", () => {
    expect(signPayload(DOC_SECRET, DOC_PAYLOAD)).toBe(DOC_SIGNATURE);
  });

  it("builds the documented payload from parameters, recvWindow and timestamp, then appends the signature", () => {
    expect(signedQuery(docParams("LTCBTC"), DOC_SECRET, 1499827319559, 5000)).toBe(`${DOC_PAYLOAD}&signature=${DOC_SIGNATURE}`);
  });

  it("percent-encodes non-ASCII symbols before signing, as the documented second example does", () => {
    const q = signedQuery(docParams("１２３４５６"), DOC_SECRET, 1499827319559, 5000);
    expect(q).toBe(
      "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559" +
        `&signature=${DOC_SIGNATURE_NON_ASCII}`,
    );
  });

  it("changes the signature when any byte of the payload changes", () => {
    expect(signPayload(DOC_SECRET, DOC_PAYLOAD.replace("0.1", "0.2"))).not.toBe(DOC_SIGNATURE);
  });
});

// web-socket-api.md "SIGNED request example (HMAC)": params sorted by name, UTF-8, no percent-encoding.
const WS_HMAC_ASCII = { symbol: "BTCUSDT", side: "SELL", type: "LIMIT", timeInForce: "GTC", quantity: "0.01000000", price: "52000.00", recvWindow: 100, timestamp: 1645423376532, apiKey: "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A" };
const WS_HMAC_NON_ASCII = { ...WS_HMAC_ASCII, symbol: "１２３４５６", side: "BUY", quantity: "1.00000000", price: "0.10000000", recvWindow: 5000 };

describe("Binance WebSocket API signing", () => {
  it("builds the documented sorted payload and reproduces the documented HMAC signatures (ASCII and non-ASCII)", () => {
    expect(wsApiPayload(WS_HMAC_ASCII)).toBe("apiKey=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A&price=52000.00&quantity=0.01000000&recvWindow=100&side=SELL&symbol=BTCUSDT&timeInForce=GTC&timestamp=1645423376532&type=LIMIT");
    const hmac = createSigner("hmac", DOC_SECRET);
    expect(signWsApiParams(WS_HMAC_ASCII, hmac).signature).toBe("aa1b5712c094bc4e57c05a1a5c1fd8d88dcd628338ea863fec7b88e59fe2db24");
    expect(wsApiPayload(WS_HMAC_NON_ASCII)).toContain("&symbol=１２３４５６&");
    expect(signWsApiParams(WS_HMAC_NON_ASCII, hmac).signature).toBe("b33892ae8e687c939f4468c6268ddd4c40ac1af18ad19a064864c47bae0752cd");
  });

  it("reproduces the Ed25519 signature Binance publishes with its example private key (fix-api.md)", () => {
    const payload = ["A", "EXAMPLE", "SPOT", "1", "20240627-11:17:25.223"].join("\x01");
    expect(createSigner("ed25519", DOC_FIX_ED25519_PRIVATE_KEY).sign(payload)).toBe("4MHXelVVcpkdwuLbl6n73HQUXUf1dse2PCgT1DYqW9w8AVZ1RACFGM+5UdlGPrQHrgtS3CvsRURC1oj73j8gCA==");
  });

  it("signs RSA as RSASSA-PKCS1-v1_5 / SHA-256 in base64: deterministic, verifiable, equal to `openssl dgst -sha256 -sign`", () => {
    const payload = wsApiPayload({ ...WS_HMAC_ASCII, apiKey: "CAvIjXy3F44yW6Pou5k8Dy1swsYDWJZLeoK2r8G4cFDnE9nosRppc2eKc1T8TRTQ" });
    const rsa = createSigner("rsa", TEST_RSA_PRIVATE_KEY);
    const sig = rsa.sign(payload);
    // computed once with: echo -n "$payload" | openssl dgst -sha256 -sign test-rsa.pem | openssl enc -base64 -A
    expect(sig).toBe(RSA_OPENSSL_SIGNATURE);
    expect(verify("sha256", Buffer.from(payload), createPublicKey(TEST_RSA_PUBLIC_KEY), Buffer.from(sig, "base64"))).toBe(true);
    expect(createSigner("rsa", TEST_RSA_PRIVATE_KEY_ENCRYPTED, TEST_KEY_PASSPHRASE).sign(payload)).toBe(sig);
  });

  it("signs Ed25519 in base64 and the signature verifies with the public key", () => {
    const sig = createSigner("ed25519", TEST_ED25519_PRIVATE_KEY).sign("apiKey=x&timestamp=1");
    expect(sig).toBe(createSigner("ed25519", TEST_ED25519_PRIVATE_KEY).sign("apiKey=x&timestamp=1"));
    expect(verify(null, Buffer.from("apiKey=x&timestamp=1"), createPublicKey(TEST_ED25519_PUBLIC_KEY), Buffer.from(sig, "base64"))).toBe(true);
  });

  it("percent-encodes a base64 signature in a REST query string", () => {
    const q = signedQuery({ symbol: "BTCUSDT" }, createSigner("rsa", TEST_RSA_PRIVATE_KEY), 1499827319559, 5000);
    const sig = decodeURIComponent(q.slice(q.indexOf("&signature=") + 11));
    expect(q).not.toMatch(/signature=.*[+/=]/);
    expect(verify("sha256", Buffer.from("symbol=BTCUSDT&recvWindow=5000&timestamp=1499827319559"), createPublicKey(TEST_RSA_PUBLIC_KEY), Buffer.from(sig, "base64"))).toBe(true);
  });

  it("refuses a private key of another type, or a wrong passphrase, naming the config key and never the key text", () => {
    expect(() => createSigner("ed25519", TEST_RSA_PRIVATE_KEY)).toThrow(/apiSecret: keyType is ed25519 but the private key is rsa/);
    let msg = "";
    try {
      createSigner("rsa", TEST_RSA_PRIVATE_KEY_ENCRYPTED, "wrong", "privateKeyPath");
    } catch (e) {
      msg = `${(e as Error).message} ${JSON.stringify(e)}`;
    }
    expect(msg).toMatch(/^privateKeyPath: not a readable rsa PEM private key/);
    expect(msg).not.toContain(TEST_RSA_PRIVATE_KEY_ENCRYPTED.split("\n")[1]!);
  });
});
