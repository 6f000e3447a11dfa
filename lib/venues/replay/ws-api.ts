import type { WebSocket } from "ws";
import { checkTiming, findKey, paramText, verifySignature, wsSignaturePayload, type AccountKey, type Security } from "./auth";
import { wire, type WireError } from "./errors";
import type { Reply } from "./execution";
import { routeSecurity, runRoute, type HttpContext } from "./http";
import type { UserDataHub } from "./user-data";
import { WsApiRateLimits } from "./ws-api-limits";
import { WsApiSession, sessionErrors, type MethodOutcome } from "./ws-api-session";

/** WebSocket API methods served by a REST route of the exchange (same parameters, same result). */
const ROUTE_OF: Record<string, string> = {
  ping: "GET /api/v3/ping",
  time: "GET /api/v3/time",
  exchangeInfo: "GET /api/v3/exchangeInfo",
  depth: "GET /api/v3/depth",
  "trades.recent": "GET /api/v3/trades",
  "trades.aggregate": "GET /api/v3/aggTrades",
  klines: "GET /api/v3/klines",
  uiKlines: "GET /api/v3/uiKlines",
  avgPrice: "GET /api/v3/avgPrice",
  "ticker.24hr": "GET /api/v3/ticker/24hr",
  "ticker.price": "GET /api/v3/ticker/price",
  "ticker.book": "GET /api/v3/ticker/bookTicker",
  "order.place": "POST /api/v3/order",
  "order.test": "POST /api/v3/order/test",
  "order.status": "GET /api/v3/order",
  "order.cancel": "DELETE /api/v3/order",
  "openOrders.status": "GET /api/v3/openOrders",
  "openOrders.cancelAll": "DELETE /api/v3/openOrders",
  allOrders: "GET /api/v3/allOrders",
  "account.status": "GET /api/v3/account",
  "account.commission": "GET /api/v3/account/commission",
  myTrades: "GET /api/v3/myTrades",
};

/** Params that authenticate a request or shape the response, never passed on to a route. */
const CONTROL = new Set(["apiKey", "signature", "returnRateLimits"]);

const errors = {
  /** web-socket-api.md documents no error for a method it does not have; the replay answers with -1020. */
  unknownMethod: (): WireError => ({ status: 400, code: -1020, msg: "This operation is not supported." }),
  badJson: (): WireError => ({ status: 400, code: -1135, msg: "Invalid JSON Request" }),
  badParam: (p: string): WireError => ({ status: 400, code: -1130, msg: `Data sent for parameter '${p}' is not valid.` }),
};

type Params = Record<string, unknown>;

export interface WsApiDeps {
  /** The REST context: routes run on it, and it holds the keys and clocks. */
  ctx: HttpContext;
  users: UserDataHub;
  wallNow(): number;
}

/**
 * The WebSocket API (/ws-api/v3) of the replay exchange, as web-socket-api.md describes it: one JSON
 * request { id, method, params } per text frame, one response { id, status, result | error,
 * rateLimits } per request; signed requests carry apiKey, timestamp and a signature of the sorted
 * params (HMAC, RSA or Ed25519), or rely on an Ed25519 session (session.logon); user data streams
 * through userDataStream.subscribe(.signature). Requests run the exchange's REST routes.
 */
export class WsApi {
  private readonly sessions = new Map<WebSocket, WsApiSession>();
  private readonly limits: WsApiRateLimits;

  constructor(private readonly deps: WsApiDeps) {
    this.limits = new WsApiRateLimits(deps.wallNow);
  }

  get connections(): number {
    return this.sessions.size;
  }

  attach(ws: WebSocket, query: URLSearchParams): void {
    const session = new WsApiSession(ws, this.deps.users, () => this.deps.ctx.now(), this.deps.ctx.now(), query.get("returnRateLimits") !== "false");
    this.sessions.set(ws, session);
    this.limits.addWeight(2); // "Connecting to WebSocket API costs 2 weight."
    ws.on("close", () => {
      session.dispose();
      this.sessions.delete(ws);
    });
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.deps.ctx.onRequest("start");
      // a held order answer stops counting as in flight: the replay must move on to fill it
      let counted = true;
      const release = (): void => {
        if (!counted) return;
        counted = false;
        this.deps.ctx.onRequest("end");
      };
      void this.handle(ws, session, isBinary ? "" : data.toString("utf8"), release)
        .catch((e: unknown) => {
          this.deps.ctx.logger.error({ err: (e as Error).message }, "replay WebSocket API request failed");
          this.send(ws, { id: null, status: 500, error: { code: -1000, msg: "An unknown error occurred while processing the request." } });
        })
        .finally(release);
    });
  }

  /** web-socket-api.md "Server Shutdown". */
  shutdown(eventTime: number): void {
    for (const ws of this.sessions.keys()) this.send(ws, { event: { e: "serverShutdown", E: eventTime } });
  }

  dropAll(): void {
    for (const ws of this.sessions.keys()) ws.terminate();
  }

  private async handle(ws: WebSocket, session: WsApiSession, text: string, onHold: () => void): Promise<void> {
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      req = undefined;
    }
    const respond = (id: unknown, out: MethodOutcome, weight: number, orders = false, show = session.returnRateLimits): void => {
      this.limits.addWeight(weight);
      const head = { id, status: out.error ? out.error.status : 200 };
      const body = out.error ? { ...head, error: { code: out.error.code, msg: out.error.msg } } : { ...head, result: out.result };
      this.send(ws, show ? { ...body, rateLimits: this.limits.status(orders) } : body);
    };
    if (req === null || typeof req !== "object" || Array.isArray(req)) return respond(null, { error: errors.badJson() }, 1);
    const { id = null, method, params = {} } = req as { id?: unknown; method?: unknown; params?: unknown };
    if (id !== null && typeof id !== "string" && !(typeof id === "number" && Number.isSafeInteger(id))) return respond(null, { error: errors.badParam("id") }, 1);
    if (typeof method !== "string" || method.length === 0) return respond(id, { error: wire.mandatory("method") }, 1);
    if (params === null || typeof params !== "object" || Array.isArray(params)) return respond(id, { error: errors.badParam("params") }, 1);
    const p = params as Params;
    const show = typeof p.returnRateLimits === "boolean" ? p.returnRateLimits : session.returnRateLimits;
    const name = method.startsWith("v3/") ? method.slice(3) : method;
    const local = this.sessionMethod(name, p, session);
    if (local) return respond(id, local, 2, false, show);
    const key = ROUTE_OF[name];
    const sec = key === undefined ? undefined : routeSecurity(key);
    if (key === undefined || sec === undefined) return respond(id, { error: errors.unknownMethod() }, 1, false, show);
    const denied = this.authorize(p, sec, session);
    if (denied) return respond(id, { error: denied }, 1, name === "order.place", show);
    const ran = await runRoute(key, routeParams(p), this.deps.ctx, onHold);
    if (!ran) return respond(id, { error: errors.unknownMethod() }, 1, false, show);
    const ok = !isWire(ran.reply);
    if (name === "order.place" && ok) this.limits.addOrder();
    respond(id, ok ? { result: (ran.reply as { body: unknown }).body } : { error: ran.reply as WireError }, ran.weight, name === "order.place", show);
  }

  /** session.* and userDataStream.* methods, or undefined for any other method. */
  private sessionMethod(name: string, p: Params, session: WsApiSession): MethodOutcome | undefined {
    switch (name) {
      case "session.logon": {
        const key = this.signedKey(p, "ED25519");
        if ("error" in key) return { error: key.error };
        session.logon(key.apiKey);
        return { result: session.status() };
      }
      case "session.status":
        return { result: session.status() };
      case "session.logout":
        session.logout();
        return { result: session.status() };
      case "session.subscriptions":
        return { result: session.list() };
      case "userDataStream.subscribe":
        return session.apiKey === null ? { error: sessionErrors.notLoggedOn() } : session.subscribe(true);
      case "userDataStream.subscribe.signature": {
        const key = this.signedKey(p);
        return "error" in key ? { error: key.error } : session.subscribe(false);
      }
      case "userDataStream.unsubscribe": {
        const raw = p.subscriptionId;
        if (raw === undefined || raw === null) return session.unsubscribe(undefined);
        const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw;
        return typeof n === "number" && Number.isInteger(n) && n >= 0 ? session.unsubscribe(n) : { error: errors.badParam("subscriptionId") };
      }
      default:
        return undefined;
    }
  }

  /** A request signed ad hoc: apiKey names a key of the account and `signature` signs the sorted params. */
  private signedKey(p: Params, only?: "ED25519"): AccountKey | { error: WireError } {
    if (typeof p.apiKey !== "string" || p.apiKey === "") return { error: wire.mandatory("apiKey") };
    const key = findKey(this.deps.ctx, p.apiKey);
    // Session authentication is for Ed25519 keys only (web-socket-api.md): other keys lack the permission.
    if (!key || (only && key.type !== only)) return { error: wire.badApiKey() };
    if (typeof p.signature !== "string" || p.signature === "") return { error: wire.mandatory("signature") };
    if (!verifySignature(key, wsSignaturePayload(p), p.signature)) return { error: wire.badSignature() };
    const denied = checkTiming(textOf(p.timestamp), textOf(p.recvWindow), this.deps.ctx);
    return denied ? { error: denied } : key;
  }

  /** API_KEY and SIGNED methods: ad hoc apiKey (+ signature) in the params, else the session's key. */
  private authorize(p: Params, sec: Security, session: WsApiSession): WireError | undefined {
    if (sec === "NONE") return undefined;
    if (p.apiKey === undefined && session.apiKey !== null) return sec === "SIGNED" ? checkTiming(textOf(p.timestamp), textOf(p.recvWindow), this.deps.ctx) : undefined;
    if (sec === "API_KEY") {
      if (typeof p.apiKey !== "string" || p.apiKey === "") return wire.mandatory("apiKey");
      return findKey(this.deps.ctx, p.apiKey) ? undefined : wire.badApiKey();
    }
    const key = this.signedKey(p);
    return "error" in key ? key.error : undefined;
  }

  private send(ws: WebSocket, frame: unknown): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  }
}

const isWire = (r: Reply): r is WireError => "code" in r;

const textOf = (v: unknown): string | undefined => (v === undefined || v === null ? undefined : paramText(v));

/** JSON params -> the string params a REST route reads (lists as JSON text, as REST takes them). */
function routeParams(p: Params): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(p)) if (!CONTROL.has(k) && v !== undefined && v !== null) out[k] = paramText(v);
  return out;
}
