import { describe, expect, it } from "vitest";
import { signPayload, signedQuery } from "../../../lib/venues/binance/sign";

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
