import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import type { Bar } from "../../../lib/core/bar";
import type { Clock } from "../../../lib/core/clock";
import { exchangeInfoPayload, fixture } from "./fixtures";
import { LoopbackWsApi, verifySignature, type LoopbackAccount } from "./loopback-ws-api";

/**
 * A loopback server speaking the documented Binance spot REST + WebSocket protocol (and the USD-M
 * market-data paths), with the WebSocket API's user data stream at /ws-api/v3, for adapter tests. State is in memory; faults are injected per request.
 */
export type Fault =
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: "hang" }
  | { kind: "process-then-hang" }
  | { kind: "process-then-status"; status: number; body?: unknown }
  /** The connection is destroyed before (drop) or after (process-then-drop) the request is executed. */
  | { kind: "drop" }
  | { kind: "process-then-drop" }
  | { kind: "raw"; body: string };

interface FaultRule {
  method: string;
  path: string;
  fault: Fault;
  times: number;
}

export interface ServerOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: "BUY" | "SELL";
  type: string;
  timeInForce: string;
  price: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: string;
  time: number;
  updateTime: number;
  fills: { price: string; qty: string; commission: string; commissionAsset: string; tradeId: number }[];
}

export interface ServerTrade {
  symbol: string;
  id: number;
  orderId: number;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

export interface LoopbackOptions {
  clock: Clock;
  apiKey: string;
  /** HMAC secret (keyType hmac). */
  apiSecret?: string;
  /** Key type of the account. Default "hmac". */
  keyType?: LoopbackAccount["keyType"];
  /** Registered public key (PEM) for rsa and ed25519 accounts. */
  publicKeyPem?: string;
  /** Klines per `${symbol}:${interval}`. */
  bars?: Record<string, Bar[]>;
  /** Market orders fill here. Default 100. */
  fillPrice?: number;
}

const WEIGHTS: Record<string, number> = { "/api/v3/exchangeInfo": 20, "/api/v3/klines": 2, "/api/v3/account": 20, "/api/v3/myTrades": 20, "/api/v3/openOrders": 6 };

function err(res: ServerResponse, status: number, code: number, msg: string): void {
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json");
  res.end(JSON.stringify({ code, msg }));
}

export class BinanceLoopback {
  readonly requests: { method: string; path: string; query: URLSearchParams }[] = [];
  readonly orders = new Map<string, ServerOrder>();
  /** Every order the venue accepted, in order (a duplicate client id would show up twice here). */
  readonly created: ServerOrder[] = [];
  readonly trades: ServerTrade[] = [];
  /** The WebSocket API (/ws-api/v3): user data subscriptions. */
  readonly wsApi: LoopbackWsApi;
  /** Venue clock = test clock + this (ms). */
  serverOffsetMs = 0;
  /**
   * Lookups lag the matching engine: a new order answers -2013 "Order does not exist" to its first
   * `lookupLag` GET /api/v3/order queries (by clientOrderId or orderId), and its trades are missing
   * from myTrades until that many lookups happened (`tradesLag` false keeps trades visible at once).
   */
  lookupLag = 0;
  tradesLag = false;
  private readonly lagLeft = new Map<number, number>();
  /** Cancels executed (the DELETE requests that changed an order). */
  readonly cancels: { origClientOrderId: string; clientOrderId: string }[] = [];
  private cancelSeq = 0;
  /** When set, reported in X-MBX-USED-WEIGHT-1M instead of the real count. */
  usedWeightOverride: number | undefined;
  fillPrice: number;
  /** Headers added to every response after the server's own (e.g. an X-MBX-ORDER-COUNT-1D near the limit). */
  readonly extraHeaders: Record<string, string> = {};
  /** exchangeInfo `rateLimits` served instead of the docs example's placeholder. */
  rateLimits: unknown[] | undefined;
  /** A whole exchangeInfo payload served instead of the spot one (e.g. the USD-M docs example). */
  exchangeInfoBody: unknown;
  private orderCounts = { tenSec: { window: -1, n: 0 }, day: { window: -1, n: 0 } };
  private usedWeight = 0;
  private weightMinute = -1;
  private faults: FaultRule[] = [];
  private orderSeq = 1000;
  private tradeSeq = 5000;
  private readonly account: LoopbackAccount;
  private readonly klineSockets = new Map<WebSocket, Set<string>>();
  private readonly hung: ServerResponse[] = [];
  private server!: Server;
  private wss!: WebSocketServer;
  baseUrl = "";
  wsUrl = "";

  constructor(private readonly opts: LoopbackOptions) {
    this.fillPrice = opts.fillPrice ?? 100;
    this.account = { apiKey: opts.apiKey, keyType: opts.keyType ?? "hmac", secret: opts.apiSecret, publicKeyPem: opts.publicKeyPem };
    this.wsApi = new LoopbackWsApi(this.account, () => this.serverNow());
  }

  serverNow(): number {
    return this.opts.clock.now() + this.serverOffsetMs;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.wss = new WebSocketServer({ noServer: true });
    this.server.on("upgrade", (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws, req)));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    const port = (this.server.address() as AddressInfo).port;
    this.baseUrl = `http://127.0.0.1:${port}`;
    this.wsUrl = `ws://127.0.0.1:${port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    for (const r of this.hung) r.destroy();
    this.server.closeAllConnections();
    await new Promise((r) => this.wss.close(r));
    await new Promise((r) => this.server.close(r));
  }

  /** The next `times` requests to METHOD path get `fault`. */
  inject(method: string, path: string, fault: Fault, times = 1): void {
    this.faults.push({ method, path, fault, times });
  }

  count(method: string, path: string): number {
    return this.requests.filter((r) => r.method === method && r.path === path).length;
  }

  // ---- WebSocket side -------------------------------------------------------------------------

  private onSocket(ws: WebSocket, req: IncomingMessage): void {
    const url = new URL(req.url ?? "/", "http://x");
    // "/stream", or under a routed root such as USD-M's "/market/stream"
    if (url.pathname === "/stream" || url.pathname.endsWith("/market/stream")) {
      this.klineSockets.set(ws, new Set((url.searchParams.get("streams") ?? "").split("/")));
      ws.on("close", () => this.klineSockets.delete(ws));
    } else if (url.pathname === "/ws-api/v3") {
      this.wsApi.attach(ws);
    } else {
      ws.close(1008, "unknown stream");
    }
  }

  get klineConnections(): number {
    return this.klineSockets.size;
  }

  /** Active user data subscriptions on the WebSocket API. */
  get userConnections(): number {
    return this.wsApi.subscriptions;
  }

  /** Sends a kline event (docs payload shape) to sockets subscribed to its stream. */
  pushKline(symbol: string, interval: string, bar: Bar, closed: boolean): void {
    const t = fixture<{ k: Record<string, unknown> }>("ws_kline_1m_docs");
    const tf = interval === "1m" ? 60_000 : 3_600_000;
    const data = {
      e: "kline",
      E: bar.ts + tf,
      s: symbol,
      k: { ...t.k, t: bar.ts, T: bar.ts + tf - 1, s: symbol, i: interval, o: String(bar.open), c: String(bar.close), h: String(bar.high), l: String(bar.low), v: String(bar.volume), x: closed, q: String(bar.volume * bar.close), V: String(bar.volume / 2) },
    };
    const stream = `${symbol.toLowerCase()}@kline_${interval}`;
    this.sendKlineRaw(JSON.stringify({ stream, data }), stream);
  }

  sendKlineRaw(text: string, stream?: string): void {
    for (const [ws, streams] of this.klineSockets) if (!stream || streams.has(stream)) ws.send(text);
  }

  dropKlineSockets(): void {
    for (const ws of this.klineSockets.keys()) ws.terminate();
  }

  sendUserRaw(text: string): void {
    this.wsApi.sendRaw(text);
  }

  /** A user data event, delivered as { subscriptionId, event } on each subscription. */
  pushUserEvent(event: unknown): void {
    this.wsApi.pushEvent(event);
  }

  dropUserSockets(): void {
    this.wsApi.drop();
  }

  // ---- REST side ------------------------------------------------------------------------------

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    const query = url.searchParams;
    this.requests.push({ method, path: url.pathname, query });
    this.countWeight(WEIGHTS[url.pathname] ?? 1);
    res.setHeader("X-MBX-USED-WEIGHT-1M", String(this.usedWeightOverride ?? this.usedWeight));
    const rule = this.faults.find((f) => f.method === method && f.path === url.pathname);
    if (rule && --rule.times <= 0) this.faults.splice(this.faults.indexOf(rule), 1);
    const fault = rule?.fault;
    if (fault?.kind === "status") {
      for (const [k, v] of Object.entries(fault.headers ?? {})) res.setHeader(k, v);
      res.statusCode = fault.status;
      return void res.end(fault.body === undefined ? "" : JSON.stringify(fault.body));
    }
    if (fault?.kind === "hang") return void this.hung.push(res);
    if (fault?.kind === "drop") return void res.destroy();
    if (fault?.kind === "raw") return void res.end(fault.body);
    const auth = this.authenticate(req, url, res);
    if (auth === "rejected") return;
    let out: { status: number; body: unknown };
    try {
      out = this.route(method, url.pathname, query);
    } catch (e) {
      out = { status: 400, body: { code: -1102, msg: (e as Error).message } };
    }
    if (fault?.kind === "process-then-hang") return void this.hung.push(res);
    if (fault?.kind === "process-then-drop") return void res.destroy();
    if (fault?.kind === "process-then-status") out = { status: fault.status, body: fault.body ?? "" };
    if (method === "POST" && url.pathname === "/api/v3/order" && out.status === 200) this.countOrder(res);
    for (const [k, v] of Object.entries(this.extraHeaders)) res.setHeader(k, v);
    res.statusCode = out.status;
    res.setHeader("Content-Type", "application/json");
    res.end(typeof out.body === "string" ? out.body : JSON.stringify(out.body));
  }

  /** A successful order carries X-MBX-ORDER-COUNT-10S and -1D (rest-api.md "Unfilled Order Count"). */
  private countOrder(res: ServerResponse): void {
    const now = this.serverNow();
    const bump = (c: { window: number; n: number }, len: number): number => {
      const w = Math.floor(now / len);
      if (c.window !== w) Object.assign(c, { window: w, n: 0 });
      return ++c.n;
    };
    res.setHeader("X-MBX-ORDER-COUNT-10S", String(bump(this.orderCounts.tenSec, 10_000)));
    res.setHeader("X-MBX-ORDER-COUNT-1D", String(bump(this.orderCounts.day, 86_400_000)));
  }

  private countWeight(w: number): void {
    const m = Math.floor(this.serverNow() / 60_000);
    if (m !== this.weightMinute) {
      this.weightMinute = m;
      this.usedWeight = 0;
    }
    this.usedWeight += w;
  }

  private security(path: string, method: string): "NONE" | "API_KEY" | "SIGNED" {
    if (["/api/v3/account", "/api/v3/order", "/api/v3/openOrders", "/api/v3/myTrades"].includes(path)) return "SIGNED";
    void method;
    return "NONE";
  }

  /** Checks X-MBX-APIKEY, the signature over the raw (percent-encoded) query, and timestamp/recvWindow (rest-api.md). */
  private authenticate(req: IncomingMessage, url: URL, res: ServerResponse): "ok" | "rejected" {
    const sec = this.security(url.pathname, req.method ?? "GET");
    if (sec === "NONE") return "ok";
    if (req.headers["x-mbx-apikey"] !== this.opts.apiKey) {
      err(res, 401, -2015, "Invalid API-key, IP, or permissions for action.");
      return "rejected";
    }
    if (sec === "API_KEY") return "ok";
    const raw = (req.url ?? "").split("?")[1] ?? "";
    const at = raw.lastIndexOf("&signature=");
    const payload = at < 0 ? raw : raw.slice(0, at);
    const sig = at < 0 ? "" : raw.slice(at + "&signature=".length);
    if (!verifySignature(this.account, payload, decodeURIComponent(sig))) {
      err(res, 400, -1022, "Signature for this request is not valid.");
      return "rejected";
    }
    const ts = Number(url.searchParams.get("timestamp"));
    const recv = Number(url.searchParams.get("recvWindow") ?? 5000);
    const now = this.serverNow();
    if (ts >= now + 1000) {
      err(res, 400, -1021, `Timestamp for this request was ${ts - now}ms ahead of the server's time.`);
      return "rejected";
    }
    if (now - ts > recv) {
      err(res, 400, -1021, "Timestamp for this request is outside of the recvWindow.");
      return "rejected";
    }
    return "ok";
  }

  private route(method: string, path: string, q: URLSearchParams): { status: number; body: unknown } {
    const key = `${method} ${path.replace("/fapi/v1/", "/api/v3/")}`;
    switch (key) {
      case "GET /api/v3/time":
        return { status: 200, body: { serverTime: this.serverNow() } };
      case "GET /api/v3/exchangeInfo":
        return this.exchangeInfo(q);
      case "GET /api/v3/klines":
        return { status: 200, body: this.klines(q) };
      case "GET /api/v3/account":
        return { status: 200, body: fixture("spot_account_docs") };
      case "POST /api/v3/order":
        return this.newOrder(q);
      case "GET /api/v3/order":
        return this.withOrder(q, (o) => ({ status: 200, body: this.orderView(o, "RESULT") }));
      case "DELETE /api/v3/order":
        return this.cancel(q);
      case "GET /api/v3/openOrders":
        return { status: 200, body: [...this.orders.values()].filter((o) => ["NEW", "PARTIALLY_FILLED"].includes(o.status) && (!q.get("symbol") || o.symbol === q.get("symbol"))).map((o) => this.orderView(o, "RESULT")) };
      case "GET /api/v3/myTrades":
        return { status: 200, body: this.myTrades(q) };
      default:
        return { status: 404, body: { code: -1000, msg: `no route ${key}` } };
    }
  }

  private exchangeInfo(q: URLSearchParams): { status: number; body: unknown } {
    if (this.exchangeInfoBody !== undefined) return { status: 200, body: this.exchangeInfoBody };
    const info = { ...exchangeInfoPayload(this.serverNow()), ...(this.rateLimits ? { rateLimits: this.rateLimits } : {}) } as { symbols: { symbol: string }[] };
    const wanted = q.get("symbol") ? [q.get("symbol")!] : q.get("symbols") ? (JSON.parse(q.get("symbols")!) as string[]) : undefined;
    if (!wanted) return { status: 200, body: info };
    const symbols = info.symbols.filter((s) => wanted.includes(s.symbol));
    if (symbols.length !== wanted.length) return { status: 400, body: fixture("spot_error_generic_docs") };
    return { status: 200, body: { ...info, symbols } };
  }

  private klines(q: URLSearchParams): unknown[] {
    const bars = this.opts.bars?.[`${q.get("symbol")}:${q.get("interval")}`] ?? [];
    const tf = q.get("interval") === "1m" ? 60_000 : 3_600_000;
    const start = Number(q.get("startTime") ?? 0);
    const end = q.get("endTime") ? Number(q.get("endTime")) : Number.POSITIVE_INFINITY;
    const limit = Math.min(Number(q.get("limit") ?? 500), 1000);
    const now = this.serverNow();
    return bars
      .filter((b) => b.ts >= start && b.ts <= end && b.ts <= now)
      .slice(0, limit)
      .map((b) => [b.ts, String(b.open), String(b.high), String(b.low), String(b.close), String(b.volume), b.ts + tf - 1, String(b.volume * b.close), 10, String(b.volume / 2), "0", "0"]);
  }

  /** PRICE_FILTER and LOT_SIZE as the matching engine applies them (filters.md): refused, never rounded. */
  private filterFailure(q: URLSearchParams): string | undefined {
    const sym = (exchangeInfoPayload(0).symbols as { symbol: string; filters: Record<string, string>[] }[]).find((x) => x.symbol === q.get("symbol"));
    if (!sym) return undefined;
    const f = (t: string) => sym.filters.find((x) => x.filterType === t);
    const price = q.get("price");
    const pf = f("PRICE_FILTER");
    if (price !== null && pf && !onGrid(price, pf.tickSize!)) return "PRICE_FILTER";
    const qty = q.get("quantity");
    const lot = f("LOT_SIZE");
    if (qty !== null && lot && (!onGrid(qty, lot.stepSize!) || Number(qty) < Number(lot.minQty))) return "LOT_SIZE";
    return undefined;
  }

  private newOrder(q: URLSearchParams): { status: number; body: unknown } {
    const cid = q.get("newClientOrderId") ?? `srv${this.orderSeq}`;
    const existing = this.orders.get(cid);
    if (existing && ["NEW", "PARTIALLY_FILLED"].includes(existing.status)) return { status: 400, body: { code: -2010, msg: "Duplicate order sent." } };
    const failed = this.filterFailure(q);
    if (failed) return { status: 400, body: { code: -1013, msg: `Filter failure: ${failed}` } };
    const now = this.serverNow();
    const type = q.get("type")!;
    const side = q.get("side") as "BUY" | "SELL";
    const qty = q.get("quantity")!;
    const o: ServerOrder = {
      symbol: q.get("symbol")!,
      orderId: ++this.orderSeq,
      clientOrderId: cid,
      side,
      type,
      timeInForce: q.get("timeInForce") ?? "GTC",
      price: q.get("price") ?? "0.00000000",
      origQty: qty,
      executedQty: "0.00000000",
      cummulativeQuoteQty: "0.00000000",
      status: "NEW",
      time: now,
      updateTime: now,
      fills: [],
    };
    const crosses = type === "MARKET" || (side === "BUY" ? Number(o.price) >= this.fillPrice : Number(o.price) <= this.fillPrice);
    if (crosses) {
      const px = type === "MARKET" ? this.fillPrice : Number(o.price);
      const tradeId = ++this.tradeSeq;
      // commission_faq.md: taken from what the trader receives: the base asset on a buy, the quote on a sell
      const sym = (exchangeInfoPayload(0).symbols as { symbol: string; baseAsset: string; quoteAsset: string }[]).find((x) => x.symbol === o.symbol);
      const commission = side === "BUY" ? (Number(qty) * 0.001).toFixed(8) : (Number(qty) * px * 0.001).toFixed(8);
      const commissionAsset = side === "BUY" ? (sym?.baseAsset ?? "BTC") : (sym?.quoteAsset ?? "USDT");
      o.fills.push({ price: px.toFixed(8), qty, commission, commissionAsset, tradeId });
      o.executedQty = qty;
      o.cummulativeQuoteQty = (Number(qty) * px).toFixed(8);
      o.status = "FILLED";
      this.trades.push({ symbol: o.symbol, id: tradeId, orderId: o.orderId, price: px.toFixed(8), qty, commission, commissionAsset, time: now, isBuyer: side === "BUY", isMaker: false });
    } else if (o.timeInForce === "IOC" || o.timeInForce === "FOK") {
      o.status = "EXPIRED"; // what cannot fill at once is not kept
    }
    this.orders.set(cid, o);
    this.created.push(o);
    if (this.lookupLag > 0) this.lagLeft.set(o.orderId, this.lookupLag);
    return { status: 200, body: this.orderView(o, (q.get("newOrderRespType") as "ACK" | "RESULT" | "FULL") ?? "FULL") };
  }

  private withOrder(q: URLSearchParams, f: (o: ServerOrder) => { status: number; body: unknown }): { status: number; body: unknown } {
    const cid = q.get("origClientOrderId");
    const id = q.get("orderId");
    const o = cid ? this.orders.get(cid) : [...this.orders.values()].find((x) => String(x.orderId) === id);
    if (!o) return { status: 400, body: { code: -2013, msg: "Order does not exist." } };
    const lag = this.lagLeft.get(o.orderId) ?? 0;
    if (lag > 0) {
      this.lagLeft.set(o.orderId, lag - 1);
      return { status: 400, body: { code: -2013, msg: "Order does not exist." } };
    }
    return f(o);
  }

  /** DELETE /api/v3/order as documented: clientOrderId is the cancel's own id, origClientOrderId the order's. */
  private cancel(q: URLSearchParams): { status: number; body: unknown } {
    const id = q.get("orderId");
    const o = id !== null ? [...this.orders.values()].find((x) => String(x.orderId) === id) : this.orders.get(q.get("origClientOrderId") ?? "");
    if (!o || !["NEW", "PARTIALLY_FILLED"].includes(o.status)) return { status: 400, body: { code: -2011, msg: "Unknown order sent." } };
    o.status = "CANCELED";
    o.updateTime = this.serverNow();
    const cancelId = q.get("newClientOrderId") ?? `cancel${++this.cancelSeq}x8Kd2PqR0vWm`;
    this.cancels.push({ origClientOrderId: o.clientOrderId, clientOrderId: cancelId });
    return {
      status: 200,
      body: {
        symbol: o.symbol,
        origClientOrderId: o.clientOrderId,
        orderId: o.orderId,
        orderListId: -1,
        clientOrderId: cancelId,
        transactTime: o.updateTime,
        price: o.price,
        origQty: o.origQty,
        executedQty: o.executedQty,
        origQuoteOrderQty: "0.000000",
        cummulativeQuoteQty: o.cummulativeQuoteQty,
        status: o.status,
        timeInForce: o.timeInForce,
        type: o.type,
        side: o.side,
        selfTradePreventionMode: "NONE",
      },
    };
  }

  private myTrades(q: URLSearchParams): ServerTrade[] {
    const from = Number(q.get("startTime") ?? 0);
    const to = q.get("endTime") ? Number(q.get("endTime")) : Number.POSITIVE_INFINITY;
    const fromId = q.get("fromId") ? Number(q.get("fromId")) : undefined;
    const orderId = q.get("orderId") ? Number(q.get("orderId")) : undefined;
    const limit = Number(q.get("limit") ?? 500);
    const visible = (t: ServerTrade) => !this.tradesLag || !((this.lagLeft.get(t.orderId) ?? 0) > 0);
    return this.trades
      .filter((t) => t.symbol === q.get("symbol") && visible(t) && (orderId === undefined || t.orderId === orderId) && (fromId !== undefined ? t.id >= fromId : t.time >= from && t.time <= to))
      .slice(0, limit);
  }

  /** Order JSON in the docs' field order: ACK, RESULT or FULL. */
  orderView(o: ServerOrder, kind: "ACK" | "RESULT" | "FULL"): Record<string, unknown> {
    const ack = { symbol: o.symbol, orderId: o.orderId, orderListId: -1, clientOrderId: o.clientOrderId, transactTime: o.updateTime };
    if (kind === "ACK") return ack;
    const result = {
      ...ack,
      price: o.price,
      origQty: o.origQty,
      executedQty: o.executedQty,
      origQuoteOrderQty: "0.000000",
      cummulativeQuoteQty: o.cummulativeQuoteQty,
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      time: o.time,
      updateTime: o.updateTime,
      workingTime: o.time,
      selfTradePreventionMode: "NONE",
    };
    return kind === "FULL" ? { ...result, fills: o.fills } : result;
  }
}

/** True when a decimal string is a whole multiple of a step (both with at most 8 decimals; step 0 = no grid). */
function onGrid(value: string, step: string): boolean {
  const units = (d: string): bigint => {
    const [i = "0", f = ""] = d.split(".");
    return BigInt(i + f.padEnd(8, "0").slice(0, 8));
  };
  const s = units(step);
  return s === 0n || units(value) % s === 0n;
}
