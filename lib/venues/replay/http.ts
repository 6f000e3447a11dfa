import type { IncomingMessage, ServerResponse } from "node:http";
import type { LogSink } from "../../infra/http/logger";
import { authenticate, type AuthContext, type Security } from "./auth";
import { wire, type WireError } from "./errors";
import type { ReplayExchangeInfo } from "./exchange-info";
import type { ReplayOrders, Reply } from "./execution";
import type { ReplayBars } from "./market-data";
import { MARKET_ROUTES } from "./market-routes";
import { firstBadParam, orderRequestOf, paramsOf } from "./parse";
import { myTradesParams, newOrderParams, orderRefParams } from "./schemas";
import type { UserStreams } from "./ws";

export interface HttpContext extends AuthContext {
  timeframe: string;
  bars: ReplayBars;
  info: ReplayExchangeInfo;
  orders: ReplayOrders;
  users: UserStreams;
  symbols: readonly string[];
  logger: LogSink;
  /** Wall clock, ms (request-weight minutes and pacing). */
  wallNow(): number;
  /** Called when a request starts and ends (the pacer waits for in-flight requests). */
  onRequest(phase: "start" | "end"): void;
}

interface Route {
  security: Security;
  weight: (p: Record<string, string>) => number;
  /** `onHold`: the answer waits for the replay (a MARKET/IOC/FOK order until its simulated fill). */
  run: (p: Record<string, string>, ctx: HttpContext, onHold?: () => void) => Reply | Promise<Reply>;
}

const isWire = (r: Reply): r is WireError => "code" in r;

// both members name both fields: notebooks compile lib without strictNullChecks, where `ok` does not narrow
type Parsed<T> = { ok: true; v: T; e?: undefined } | { ok: false; e: WireError; v?: undefined };

type Issues = { issues: { path: PropertyKey[] }[] };

function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: Issues } }, p: Record<string, string>): Parsed<T> {
  const r = schema.safeParse(p);
  if (r.success) return { ok: true, v: r.data };
  return { ok: false, e: firstBadParam((r as { error: Issues }).error.issues) };
}

const ROUTES: Record<string, Route> = {
  "GET /api/v3/ping": { security: "NONE", weight: () => 1, run: () => ({ status: 200, body: {} }) },
  "GET /api/v3/time": { security: "NONE", weight: () => 1, run: (_p, c) => ({ status: 200, body: { serverTime: c.now() } }) },
  "GET /api/v3/exchangeInfo": {
    security: "NONE",
    weight: () => 20,
    run: (p, c) => {
      let wanted: string[] | undefined;
      try {
        wanted = p.symbol !== undefined ? [p.symbol] : p.symbols !== undefined ? (JSON.parse(p.symbols) as string[]) : undefined;
      } catch {
        return wire.illegal("symbols", "JSON array of symbols");
      }
      const body = c.info.payload(c.now(), wanted);
      return body ? { status: 200, body } : wire.badSymbol();
    },
  },
  ...MARKET_ROUTES,
  "GET /api/v3/account": { security: "SIGNED", weight: () => 20, run: (p, c) => c.orders.account(p.omitZeroBalances === "true", c.symbols) },
  "POST /api/v3/order": { security: "SIGNED", weight: () => 1, run: (p, c, onHold) => newOrder(p, c, false, onHold) },
  "POST /api/v3/order/test": { security: "SIGNED", weight: (p) => (p.computeCommissionRates === "true" ? 20 : 1), run: (p, c) => newOrder(p, c, true) },
  "GET /api/v3/order": {
    security: "SIGNED",
    weight: () => 4,
    run: (p, c) => {
      const q = parsed(orderRefParams, p);
      return q.ok ? c.orders.query(q.v.symbol, q.v.orderId, q.v.origClientOrderId) : q.e;
    },
  },
  "DELETE /api/v3/order": {
    security: "SIGNED",
    weight: () => 1,
    run: (p, c) => {
      const q = parsed(orderRefParams, p);
      return q.ok ? c.orders.cancel(q.v) : q.e;
    },
  },
  "GET /api/v3/openOrders": { security: "SIGNED", weight: (p) => (p.symbol ? 6 : 80), run: (p, c) => c.orders.openOrders(p.symbol) },
  "GET /api/v3/myTrades": {
    security: "SIGNED",
    weight: () => 20,
    run: (p, c) => {
      const pq = parsed(myTradesParams, p);
      if (!pq.ok) return pq.e;
      const q = pq.v;
      const n = (v?: string) => (v === undefined ? undefined : Number(v));
      return c.orders.myTrades(q.symbol, { orderId: n(q.orderId), startTime: n(q.startTime), endTime: n(q.endTime), fromId: n(q.fromId), limit: Math.min(1000, n(q.limit) ?? 500) });
    },
  },
  "POST /api/v3/userDataStream": { security: "API_KEY", weight: () => 2, run: (_p, c) => ({ status: 200, body: { listenKey: c.users.create() } }) },
  "PUT /api/v3/userDataStream": { security: "API_KEY", weight: () => 2, run: (p, c) => (c.users.keepAlive(p.listenKey ?? "") ? { status: 200, body: {} } : wire.badListenKey()) },
  "DELETE /api/v3/userDataStream": { security: "API_KEY", weight: () => 2, run: (p, c) => (c.users.close(p.listenKey ?? "") ? { status: 200, body: {} } : wire.badListenKey()) },
};

async function newOrder(p: Record<string, string>, c: HttpContext, test: boolean, onHold?: () => void): Promise<Reply> {
  const q = parsed(newOrderParams, p);
  if (!q.ok) return q.e;
  const entry = c.info.symbol(q.v.symbol);
  if (!entry) return wire.badSymbol();
  const r = orderRequestOf(q.v, entry, () => c.orders.newClientOrderId());
  if (!r.ok) return r.error;
  return c.orders.newOrder(r.value, { test, computeCommissionRates: q.v.computeCommissionRates === "true", onHold });
}

/** The REST side of the replay exchange: Binance spot paths, security, weights and error bodies. */
export function replayRequestHandler(ctx: HttpContext): (req: IncomingMessage, res: ServerResponse) => void {
  let minute = -1;
  let used = 0;
  return (req, res) => {
    ctx.onRequest("start");
    // a held answer stops counting as in flight: the replay must move on to fill it
    let counted = true;
    const release = (): void => {
      if (!counted) return;
      counted = false;
      ctx.onRequest("end");
    };
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      void serve(req, res, Buffer.concat(chunks).toString("utf8"), release)
        .catch((e: unknown) => {
          ctx.logger.error({ err: (e as Error).message, url: req.url?.split("?")[0] }, "replay exchange request failed");
          send(res, 500, { code: -1000, msg: "An unknown error occurred while processing the request." });
        })
        .finally(release);
    });
  };

  async function serve(req: IncomingMessage, res: ServerResponse, body: string, onHold: () => void): Promise<void> {
    const [path = "/", rawQuery = ""] = (req.url ?? "/").split("?", 2);
    const route = ROUTES[`${req.method} ${path}`];
    const params = paramsOf(new URLSearchParams(rawQuery), req.headers["content-type"]?.includes("json") ? "" : body);
    const m = Math.floor(ctx.wallNow() / 60_000);
    if (m !== minute) [minute, used] = [m, 0];
    used += route ? route.weight(params) : 1;
    res.setHeader("X-MBX-USED-WEIGHT-1M", String(used));
    if (!route) return reply(res, wire.notFound(path));
    const denied = authenticate(req, rawQuery, body, params, route.security, ctx);
    if (denied) return reply(res, denied);
    reply(res, await route.run(params, ctx, onHold));
  }
}

/** A route's security type, or undefined when the exchange has no such route. */
export function routeSecurity(key: string): Security | undefined {
  return ROUTES[key]?.security;
}

/**
 * Runs one route ("POST /api/v3/order", ...) on already authenticated params, whatever transport
 * carried them (REST here, the WebSocket API elsewhere). Returns undefined for an unknown route.
 * A new MARKET/IOC/FOK order's answer waits for its simulated fill: a transport that counts the
 * request as in flight for the pacer passes `onHold` and stops counting it when called.
 */
export async function runRoute(key: string, params: Record<string, string>, ctx: HttpContext, onHold?: () => void): Promise<{ reply: Reply; weight: number } | undefined> {
  const route = ROUTES[key];
  if (!route) return undefined;
  return { reply: await route.run(params, ctx, onHold), weight: route.weight(params) };
}

function reply(res: ServerResponse, r: Reply): void {
  if (isWire(r)) send(res, r.status, { code: r.code, msg: r.msg });
  else send(res, r.status, r.body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json;charset=UTF-8");
  res.end(JSON.stringify(body));
}
