import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { WebSocket, WebSocketServer } from "ws";

/** Reads a recorded payload from test/fixtures/alpaca. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/alpaca", name), "utf8")) as T;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** A scripted failure for the next request matching `route` ("POST /v2/orders"). */
export interface Fault {
  route: string;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  /** Never answer (the client times out). */
  hang?: boolean;
  /** Process the request (e.g. create the order) before failing the response. */
  apply?: boolean;
}

type RawOrder = Record<string, any>;
type RawBar = { t: string; o: number; h: number; l: number; c: number; v: number; n?: number; vw?: number };

const TERMINAL = ["filled", "canceled", "expired", "rejected", "replaced"];

/**
 * A loopback Alpaca: trading REST, market data REST (paged with next_page_token), the stock data
 * stream (/v2/{feed}) and the trading stream (/stream), speaking the documented protocol and
 * serving the recorded fixtures. 127.0.0.1, port 0; close() ends every socket.
 */
export class AlpacaServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly orders = new Map<string, RawOrder>();
  readonly bars = new Map<string, RawBar[]>();
  readonly dataClients = new Set<WebSocket>();
  readonly tradingClients = new Set<WebSocket>();
  /** Data stream messages clients sent, in order. */
  readonly dataInbox: any[] = [];
  readonly tradingInbox: any[] = [];
  positions: any[] = fixture("trading_v2_positions.json");
  account: any = fixture("trading_v2_account.json");
  /** Server-side cap on bars per page (Alpaca's is 10000); small values force pagination. */
  maxPageSize = 10_000;
  /** Paper sends trade_updates as binary frames. */
  binaryTradingFrames = true;
  dataConnections = 0;
  tradingConnections = 0;
  private seq = 0;
  private readonly hanging = new Set<ServerResponse>();
  private readonly dataWss = new WebSocketServer({ noServer: true });
  private readonly tradingWss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly server: Server,
    readonly keyId: string,
    readonly secret: string,
  ) {}

  static async start(keyId: string, secret: string): Promise<AlpacaServer> {
    const server = createServer();
    const s = new AlpacaServer(server, keyId, secret);
    server.on("request", (req, res) => void s.onRequest(req, res));
    server.on("upgrade", (req, socket, head) => s.onUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return s;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  count(route: string): number {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route).length;
  }

  setBars(symbol: string, timeframe: string, bars: RawBar[]): void {
    this.bars.set(`${symbol}|${timeframe}`, [...bars].sort((a, b) => Date.parse(a.t) - Date.parse(b.t)));
  }

  addBar(symbol: string, timeframe: string, bar: RawBar): void {
    this.setBars(symbol, timeframe, [...(this.bars.get(`${symbol}|${timeframe}`) ?? []), bar]);
  }

  /** Sends a frame (any JSON value, or raw text) to every authenticated data stream client. */
  pushData(frame: unknown): void {
    const text = typeof frame === "string" ? frame : JSON.stringify(frame);
    for (const ws of this.dataClients) if ((ws as any).authed) ws.send(text);
  }

  pushTrading(msg: unknown): void {
    const text = typeof msg === "string" ? msg : JSON.stringify(msg);
    for (const ws of this.tradingClients) if ((ws as any).listening) ws.send(this.binaryTradingFrames ? Buffer.from(text) : text);
  }

  /** Drops every stream connection without a close handshake (a network failure). */
  dropStreams(kind: "data" | "trading" | "all" = "all"): void {
    if (kind !== "trading") for (const ws of this.dataClients) ws.terminate();
    if (kind !== "data") for (const ws of this.tradingClients) ws.terminate();
  }

  /** Fills (part of) an order at the venue and pushes the trade update. */
  fill(clientOrderId: string, qty: number, price: number, executionId = `exec-${++this.seq}`): RawOrder {
    const o = this.byClientId(clientOrderId);
    if (!o) throw new Error(`no order ${clientOrderId}`);
    const before = Number(o.filled_qty);
    const filled = before + qty;
    const avg = (Number(o.filled_avg_price ?? 0) * before + price * qty) / filled;
    const done = filled >= Number(o.qty) - 1e-9;
    Object.assign(o, { filled_qty: String(filled), filled_avg_price: String(avg), status: done ? "filled" : "partially_filled", updated_at: this.now() });
    if (done) o.filled_at = o.updated_at;
    this.pushTrading({
      stream: "trade_updates",
      data: { event: done ? "fill" : "partial_fill", execution_id: executionId, order: { ...o }, timestamp: o.updated_at, price: String(price), qty: String(qty), position_qty: String(filled) },
    });
    return o;
  }

  byClientId(clientOrderId: string): RawOrder | undefined {
    return [...this.orders.values()].find((o) => o.client_order_id === clientOrderId);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    for (const ws of [...this.dataClients, ...this.tradingClients]) ws.terminate();
    this.dataWss.close();
    this.tradingWss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- REST -------------------------------------------------------------------------------------

  private now(): string {
    return new Date(Date.UTC(2024, 2, 1, 15, 0, 0) + this.seq * 1000).toISOString();
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const rec: RecordedRequest = { method: req.method ?? "GET", path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined, headers: req.headers };
    this.requests.push(rec);
    const route = `${rec.method} ${rec.path}`;
    const fi = this.faults.findIndex((f) => f.route === route);
    const fault = fi >= 0 ? this.faults.splice(fi, 1)[0] : undefined;
    if (fault && !fault.apply) return this.failWith(res, fault);
    const authed = req.headers["apca-api-key-id"] === this.keyId && req.headers["apca-api-secret-key"] === this.secret;
    const [status, body] = authed ? this.route(rec) : [401, { code: 40110000, message: "request is not authorized" }];
    if (fault) return this.failWith(res, fault);
    this.reply(res, status, body);
  }

  private failWith(res: ServerResponse, f: Fault): void {
    if (f.hang) {
      this.hanging.add(res);
      return;
    }
    res.writeHead(f.status ?? 500, { "content-type": "application/json", ...f.headers });
    res.end(f.body ?? JSON.stringify({ code: 50010000, message: "internal server error" }));
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    if (status === 204) {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(status, { "content-type": "application/json" });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  }

  private route(r: RecordedRequest): [number, unknown] {
    const m = `${r.method} ${r.path}`;
    if (m === "GET /v2/account") return [200, this.account];
    if (m === "GET /v2/positions") return [200, this.positions];
    if (m === "GET /v2/clock") return [200, fixture("trading_v2_clock_docs.json")];
    if (m === "GET /v2/orders") return [200, this.listOrders(r.query)];
    if (m === "GET /v2/assets") {
      const a = fixture("trading_v2_asset_docs.json");
      return [200, [a, { ...a, id: "x", symbol: "GONE", status: "inactive", tradable: false, fractionable: false }]];
    }
    if (m === "POST /v2/orders") return this.createOrder(r.body);
    if (m === "GET /v2/orders:by_client_order_id") {
      const o = this.byClientId(r.query.get("client_order_id") ?? "");
      return o ? [200, o] : [404, { code: 40410000, message: "order not found" }];
    }
    if (m === "GET /v2/stocks/bars") return this.multiBars(r.query);
    let g = /^\/v2\/stocks\/([^/]+)\/bars$/.exec(r.path);
    if (g && r.method === "GET") return this.singleBars(decodeURIComponent(g[1]!), r.query);
    g = /^\/v2\/positions\/([^/]+)$/.exec(r.path);
    if (g && r.method === "GET") {
      const p = this.positions.find((x) => x.symbol.trim() === decodeURIComponent(g![1]!));
      return p ? [200, p] : [404, { code: 40410000, message: "position does not exist" }];
    }
    g = /^\/v2\/assets\/([^/]+)$/.exec(r.path);
    if (g && r.method === "GET") {
      const a = fixture("trading_v2_asset_docs.json");
      return decodeURIComponent(g[1]!) === a.symbol ? [200, a] : [404, { code: 40410000, message: "asset not found" }];
    }
    g = /^\/v2\/orders\/([^/]+)$/.exec(r.path);
    if (g && r.method === "DELETE") return this.cancelOrder(decodeURIComponent(g[1]!));
    return [404, { code: 40410000, message: "endpoint not found" }];
  }

  private createOrder(b: any): [number, unknown] {
    if (!b || typeof b.symbol !== "string" || typeof b.qty !== "string" || !["buy", "sell"].includes(b.side)) {
      return [422, { code: 42210000, message: "invalid order request" }];
    }
    if (this.byClientId(b.client_order_id)) return [422, { code: 40010001, message: "client_order_id must be unique" }];
    if (b.limit_price !== undefined) {
      const p = Number(b.limit_price);
      const decimals = (b.limit_price.split(".")[1] ?? "").length;
      if (decimals > (p >= 1 ? 2 : 4)) {
        const recorded = fixture<any[]>("trading_v2_order_error_422_subpenny.json")[0];
        return [422, { ...recorded, message: recorded.message.replace("290.123", b.limit_price) }];
      }
    }
    const id = `61e69015-8549-4bfd-b9c3-${String(++this.seq).padStart(12, "0")}`;
    const o: RawOrder = {
      ...fixture("trading_v2_order_docs.json"),
      id,
      client_order_id: b.client_order_id,
      created_at: this.now(),
      updated_at: this.now(),
      submitted_at: this.now(),
      symbol: b.symbol,
      notional: null,
      qty: b.qty,
      filled_qty: "0",
      type: b.type,
      order_type: b.type,
      side: b.side,
      time_in_force: b.time_in_force,
      limit_price: b.limit_price ?? null,
      status: "accepted",
      extended_hours: b.extended_hours ?? false,
    };
    this.orders.set(id, o);
    const acked = { ...o, status: "new", updated_at: this.now() };
    this.orders.set(id, acked);
    this.pushTrading({ stream: "trade_updates", data: { event: "new", order: { ...acked } } });
    return [200, o];
  }

  private cancelOrder(id: string): [number, unknown] {
    const o = this.orders.get(id);
    if (!o) return [404, { code: 40410000, message: "order not found" }];
    if (TERMINAL.includes(o.status)) return [422, { code: 42210000, message: `order is not cancelable (status ${o.status})` }];
    Object.assign(o, { status: "canceled", canceled_at: this.now(), updated_at: this.now() });
    this.pushTrading({ stream: "trade_updates", data: { event: "canceled", order: { ...o }, timestamp: o.canceled_at } });
    return [204, null];
  }

  private listOrders(q: URLSearchParams): RawOrder[] {
    const status = q.get("status") ?? "open";
    const symbols = q.get("symbols")?.split(",");
    return [...this.orders.values()]
      .filter((o) => status === "all" || (status === "open") === !TERMINAL.includes(o.status))
      .filter((o) => !symbols || symbols.includes(o.symbol))
      .reverse();
  }

  /** Bars in [start, end], flattened in (symbol, time) order, one page from the token on. */
  private page(symbols: string[], q: URLSearchParams): { rows: [string, RawBar][]; next: string | null } | string {
    const tf = q.get("timeframe");
    const start = Date.parse(q.get("start") ?? "");
    const end = Date.parse(q.get("end") ?? "");
    if (!tf || !Number.isFinite(start) || !Number.isFinite(end)) return "invalid start, end or timeframe";
    const limit = Math.min(Number(q.get("limit") ?? 1000), this.maxPageSize);
    const all: [string, RawBar][] = [];
    for (const s of [...symbols].sort()) {
      for (const b of this.bars.get(`${s}|${tf}`) ?? []) {
        const t = Date.parse(b.t);
        if (t >= start && t <= end) all.push([s, b]);
      }
    }
    let from = 0;
    const token = q.get("page_token");
    if (token) {
      const [sym, t] = Buffer.from(token, "base64").toString("utf8").split("|");
      from = all.findIndex(([s, b]) => s === sym && b.t === t) + 1;
    }
    const rows = all.slice(from, from + limit);
    const lastRow = rows[rows.length - 1];
    const next = from + limit < all.length && lastRow ? Buffer.from(`${lastRow[0]}|${lastRow[1].t}`).toString("base64") : null;
    return { rows, next };
  }

  private singleBars(symbol: string, q: URLSearchParams): [number, unknown] {
    const p = this.page([symbol], q);
    if (typeof p === "string") return [422, { code: 42210000, message: p }];
    return [200, { bars: p.rows.length ? p.rows.map(([, b]) => b) : null, symbol, next_page_token: p.next }];
  }

  private multiBars(q: URLSearchParams): [number, unknown] {
    const p = this.page((q.get("symbols") ?? "").split(","), q);
    if (typeof p === "string") return [422, { code: 42210000, message: p }];
    const bars: Record<string, RawBar[]> = {};
    for (const [s, b] of p.rows) (bars[s] ??= []).push(b);
    return [200, { bars, next_page_token: p.next }];
  }

  // ---- streams ----------------------------------------------------------------------------------

  private onUpgrade(req: IncomingMessage, socket: any, head: Buffer): void {
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/v2/iex" || path === "/v2/sip") {
      this.dataWss.handleUpgrade(req, socket, head, (ws) => this.onData(ws));
    } else if (path === "/stream") {
      this.tradingWss.handleUpgrade(req, socket, head, (ws) => this.onTrading(ws));
    } else {
      socket.destroy();
    }
  }

  private onData(ws: WebSocket): void {
    this.dataConnections += 1;
    this.dataClients.add(ws);
    const subs = new Set<string>();
    ws.on("close", () => this.dataClients.delete(ws));
    ws.send(JSON.stringify(fixture("stream_msg_connected.json")));
    ws.on("message", (data) => {
      let m: any;
      try {
        m = JSON.parse(data.toString());
      } catch {
        return ws.send(JSON.stringify([{ T: "error", code: 400, msg: "invalid syntax" }]));
      }
      this.dataInbox.push(m);
      const a = ws as any;
      if (m.action === "auth") {
        if (a.authed) return ws.send(JSON.stringify([{ T: "error", code: 403, msg: "already authenticated" }]));
        if (m.key !== this.keyId || m.secret !== this.secret) {
          ws.send(JSON.stringify([{ T: "error", code: 402, msg: "auth failed" }]));
          return ws.close(1008, "auth failed");
        }
        a.authed = true;
        return ws.send(JSON.stringify(fixture("stream_msg_authenticated.json")));
      }
      if (m.action === "subscribe" || m.action === "unsubscribe") {
        if (!a.authed) return ws.send(JSON.stringify([{ T: "error", code: 401, msg: "not authenticated" }]));
        for (const s of m.bars ?? []) if (m.action === "subscribe") subs.add(s);
        else subs.delete(s);
        return ws.send(JSON.stringify([{ T: "subscription", trades: [], quotes: [], bars: [...subs] }]));
      }
      ws.send(JSON.stringify([{ T: "error", code: 400, msg: "invalid syntax" }]));
    });
  }

  private onTrading(ws: WebSocket): void {
    this.tradingConnections += 1;
    this.tradingClients.add(ws);
    ws.on("close", () => this.tradingClients.delete(ws));
    const send = (m: unknown) => ws.send(this.binaryTradingFrames ? Buffer.from(JSON.stringify(m)) : JSON.stringify(m));
    ws.on("message", (data) => {
      let m: any;
      try {
        m = JSON.parse(data.toString());
      } catch {
        return;
      }
      this.tradingInbox.push(m);
      const a = ws as any;
      if (m.action === "authenticate" || m.action === "auth") {
        const key = m.action === "auth" ? m.key : m.data?.key_id;
        const secret = m.action === "auth" ? m.secret : m.data?.secret_key;
        if (key !== this.keyId || secret !== this.secret) {
          send(fixture("trade_updates_unauthorized_docs.json"));
          return ws.close(1008, "unauthorized");
        }
        a.authed = true;
        return send(fixture("trade_updates_auth_ok_docs.json"));
      }
      if (m.action === "listen") {
        if (!a.authed) return send({ stream: "authorization", data: { status: "unauthorized", action: "listen" } });
        a.listening = (m.data?.streams ?? []).includes("trade_updates");
        return send(a.listening ? fixture("trade_updates_listening_docs.json") : { stream: "listening", data: { streams: [] } });
      }
    });
  }
}
