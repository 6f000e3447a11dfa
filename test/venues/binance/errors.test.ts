import { describe, expect, it } from "vitest";
import { binanceError, isOutcomeUnknown } from "../../../lib/venues/binance/errors";
import { fixture } from "./fixtures";

const map = (status: number, body: unknown) => binanceError({ venue: "binance", endpoint: "POST /api/v3/order", status, body: JSON.stringify(body) });

describe("Binance error codes -> core error tree", () => {
  it("maps every documented error payload to a stable code and retryability", () => {
    const cases = fixture<{ http_status: number; body: { code: number; msg: string } }[]>("spot_error_payloads_docs");
    const got = cases.map((c) => {
      const e = map(c.http_status, c.body);
      return [c.body.code, e.code, e.retryable];
    });
    expect(got).toEqual([
      [-1013, "FILTER_REJECTED", false],
      [-1013, "FILTER_REJECTED", false],
      [-1013, "FILTER_REJECTED", false],
      [-1013, "FILTER_REJECTED", false],
      [-2010, "ORDER_REJECTED", false],
      [-2010, "ORDER_REJECTED", false],
      [-2011, "ORDER_NOT_FOUND", false],
      [-1021, "CLOCK_DRIFT", true],
      [-1021, "CLOCK_DRIFT", true],
      [-1022, "VENUE_AUTH", false],
      [-1121, "UNKNOWN_SYMBOL", false],
      [-1003, "RATE_LIMITED", true],
      [-1015, "RATE_LIMITED", true],
    ]);
  });

  it("keeps the venue code and message and the raw body in the details", () => {
    const e = map(400, fixture("spot_error_generic_docs"));
    expect(e.message).toBe("binance POST /api/v3/order: HTTP 400 code -1121 Invalid symbol.");
    expect(e.details).toMatchObject({ binanceCode: -1121, binanceMsg: "Invalid symbol.", httpStatus: 400, raw: '{"code":-1121,"msg":"Invalid symbol."}' });
  });

  it("treats 5xx and backend timeouts as unknown outcomes, and 418 as an IP ban", () => {
    expect(isOutcomeUnknown(map(503, { code: -1000, msg: "Unknown error" }))).toBe(true);
    expect(isOutcomeUnknown(binanceError({ venue: "binance", endpoint: "x", status: 502, body: "<html>bad gateway</html>" }))).toBe(true);
    expect(map(400, { code: -1007, msg: "Timeout waiting for response from backend server." })).toMatchObject({ code: "VENUE_TIMEOUT", retryable: true });
    expect(map(418, { code: -1003, msg: "Way too much request weight used; IP banned" }).code).toBe("IP_BANNED");
    expect(isOutcomeUnknown(map(400, { code: -2010, msg: "Account has insufficient balance for requested action." }))).toBe(false);
  });

  it("flags unknown orders and duplicate client order ids", () => {
    expect(map(400, { code: -2013, msg: "Order does not exist." }).details.notFound).toBe(true);
    expect(map(400, { code: -2010, msg: "Duplicate order sent." }).details.duplicate).toBe(true);
  });
});
