import type { TradelabError } from "../../core/errors";

/** A Binance error response: HTTP status and the { code, msg } body, with the messages of errors.md. */
export interface WireError {
  status: number;
  code: number;
  msg: string;
}

export const wire = {
  mandatory: (p: string): WireError => ({ status: 400, code: -1102, msg: `Mandatory parameter '${p}' was not sent, was empty/null, or malformed.` }),
  illegal: (p: string, legal: string): WireError => ({ status: 400, code: -1100, msg: `Illegal characters found in parameter '${p}'; legal range is '${legal}'.` }),
  eitherParam: (a: string, b: string): WireError => ({ status: 400, code: -1102, msg: `Param '${a}' or '${b}' must be sent, but both were empty/null!` }),
  badCombo: (): WireError => ({ status: 400, code: -1128, msg: "Combination of optional parameters invalid." }),
  precision: (p: string): WireError => ({ status: 400, code: -1111, msg: `Parameter '${p}' has too much precision.` }),
  rejected: (msg: string): WireError => ({ status: 400, code: -2010, msg }),
  filter: (name: string): WireError => ({ status: 400, code: -1013, msg: `Filter failure: ${name}` }),
  wouldTake: (): WireError => ({ status: 400, code: -2010, msg: "Order would immediately match and take." }),
  cancelRestricted: (): WireError => ({ status: 400, code: -2011, msg: "Order was not canceled due to cancel restrictions." }),
  badCancelRestrictions: (): WireError => ({ status: 400, code: -1145, msg: "Invalid cancelRestrictions" }),
  notRequired: (p: string): WireError => ({ status: 400, code: -1106, msg: `Parameter '${p}' sent when not required.` }),
  badSymbol: (): WireError => ({ status: 400, code: -1121, msg: "Invalid symbol." }),
  badInterval: (): WireError => ({ status: 400, code: -1120, msg: "Invalid interval." }),
  badType: (): WireError => ({ status: 400, code: -1116, msg: "Invalid orderType." }),
  badSide: (): WireError => ({ status: 400, code: -1117, msg: "Invalid side." }),
  badTif: (): WireError => ({ status: 400, code: -1115, msg: "Invalid timeInForce." }),
  badApiKey: (): WireError => ({ status: 401, code: -2015, msg: "Invalid API-key, IP, or permissions for action." }),
  badSignature: (): WireError => ({ status: 400, code: -1022, msg: "Signature for this request is not valid." }),
  outsideWindow: (): WireError => ({ status: 400, code: -1021, msg: "Timestamp for this request is outside of the recvWindow." }),
  ahead: (ms: number): WireError => ({ status: 400, code: -1021, msg: `Timestamp for this request was ${ms}ms ahead of the server's time.` }),
  duplicate: (): WireError => ({ status: 400, code: -2010, msg: "Duplicate order sent." }),
  unknownOrder: (): WireError => ({ status: 400, code: -2011, msg: "Unknown order sent." }),
  noSuchOrder: (): WireError => ({ status: 400, code: -2013, msg: "Order does not exist." }),
  badListenKey: (): WireError => ({ status: 400, code: -1125, msg: "This listenKey does not exist." }),
  notFound: (path: string): WireError => ({ status: 404, code: -1000, msg: `Unknown endpoint ${path}.` }),
};

/** Sim filter reasons -> the filter names Binance puts in "Filter failure: %s". */
const FILTER_NAME: Record<string, string> = {
  PRICE_FILTER: "PRICE_FILTER",
  LOT_SIZE: "LOT_SIZE",
  MARKET_LOT_SIZE: "MARKET_LOT_SIZE",
  MIN_NOTIONAL: "NOTIONAL",
  MAX_NOTIONAL: "NOTIONAL",
  PERCENT_PRICE_BY_SIDE: "PERCENT_PRICE_BY_SIDE",
};

/**
 * A simulator rejection as Binance would answer it: filter failures are -1013, balance and other
 * rejections -2010, and an order whose every simulated attempt timed out is -1007 (execution status
 * unknown; the order does not exist, as the client will find when it queries).
 */
export function wireErrorOf(e: TradelabError, usesNotionalFilter: boolean): WireError {
  switch (e.code) {
    case "FILTER_REJECTED": {
      const reason = String(e.details.reason ?? "");
      const name = reason === "MIN_NOTIONAL" && !usesNotionalFilter ? "MIN_NOTIONAL" : (FILTER_NAME[reason] ?? reason);
      return { status: 400, code: -1013, msg: `Filter failure: ${name}` };
    }
    case "VENUE_TIMEOUT":
      return { status: 408, code: -1007, msg: "Timeout waiting for response from backend server. Send status unknown; execution status unknown." };
    case "UNKNOWN_SYMBOL":
      return wire.badSymbol();
    case "ORDER_NOT_FOUND":
      return wire.unknownOrder();
    case "ORDER_INVALID":
      return { status: 400, code: -1013, msg: `Filter failure: LOT_SIZE` };
    default:
      return { status: 400, code: -2010, msg: e.message.startsWith("Account has insufficient balance") ? "Account has insufficient balance for requested action." : e.message };
  }
}
