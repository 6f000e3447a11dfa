import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { WebSocket, WebSocketServer } from "ws";

/** Reads a recorded payload from test/fixtures/polygon. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/polygon", name), "utf8")) as T;
}

export type RawAgg = { t: number; o: number; h: number; l: number; c: number; v: number; vw?: number; n?: number };

export interface Fault {
  /** Matches requests whose path starts with this. */
  pathPrefix: string;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  hang?: boolean;
}

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
}

/**
 * A loopback Polygon: GET /v2/aggs/ticker/{T}/range/{multiplier}/{timespan}/{from}/{to} with
 * apiKey auth and next_url paging (cursor, no key in it, on the vendor's own host as the recorded
 * example shows), and the stocks WebSocket (/stocks) with status frames and AM events.
 */
export class PolygonServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly aggs = new Map<string, RawAgg[]>();
  readonly clients = new Set<WebSocket>();
  readonly inbox: any[] = [];
  maxPageSize = 50_000;
  connections = 0;
  /** Host written into next_url (Polygon's own); the client must re-base it. */
  nextUrlHost = "https://api.polygon.io";
  private readonly hanging = new Set<ServerResponse>();
  private readonly wss = new WebSocketServer({ noServer: true });

  private constructor(
    private readonly server: Server,
    readonly apiKey: string,
  ) {}

  static async start(apiKey: string): Promise<PolygonServer> {
    const server = createServer();
    const s = new PolygonServer(server, apiKey);
    server.on("request", (req, res) => s.onRequest(req, res));
    server.on("upgrade", (req, socket, head) => {
      if (new URL(req.url ?? "/", "http://x").pathname !== "/stocks") return socket.destroy();
      s.wss.handleUpgrade(req, socket, head, (ws) => s.onSocket(ws));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return s;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get wsUrl(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/stocks`;
  }

  setAggs(ticker: string, range: string, aggs: RawAgg[]): void {
    this.aggs.set(`${ticker}|${range}`, [...aggs].sort((a, b) => a.t - b.t));
  }

  push(frame: unknown): void {
    const text = typeof frame === "string" ? frame : JSON.stringify(frame);
    for (const ws of this.clients) if ((ws as any).authed) ws.send(text);
  }

  drop(): void {
    for (const ws of this.clients) ws.terminate();
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    for (const ws of this.clients) ws.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    this.requests.push({ path: url.pathname, query: url.searchParams });
    const fi = this.faults.findIndex((f) => url.pathname.startsWith(f.pathPrefix));
    if (fi >= 0) {
      const f = this.faults.splice(fi, 1)[0]!;
      if (f.hang) return void this.hanging.add(res);
      return this.send(res, f.status ?? 500, f.body ?? "", f.headers);
    }
    if (url.searchParams.get("apiKey") !== this.apiKey) {
      return this.send(res, 401, { status: "ERROR", request_id: "a1b2", error: "Unknown API Key" });
    }
    const m = /^\/v2\/aggs\/ticker\/([^/]+)\/range\/(\d+)\/(minute|hour|day)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) return this.send(res, 404, { status: "NOT_FOUND", request_id: "a1b2", message: "Not found" });
    const [, ticker, mult, span, fromS, toS] = m;
    const when = (s: string) => (/^\d+$/.test(s) ? Number(s) : Date.parse(`${s}T00:00:00Z`));
    const from = when(fromS!);
    const to = /^\d+$/.test(toS!) ? Number(toS) : Date.parse(`${toS}T23:59:59.999Z`);
    const all = (this.aggs.get(`${ticker}|${mult}/${span}`) ?? []).filter((a) => a.t >= from && a.t <= to);
    const limit = Math.min(Number(url.searchParams.get("limit") ?? 5000), this.maxPageSize);
    const cursor = url.searchParams.get("cursor");
    const offset = cursor ? Number(new URLSearchParams(Buffer.from(cursor, "base64url").toString()).get("offset") ?? 0) : 0;
    const page = all.slice(offset, offset + limit);
    const body: Record<string, unknown> = {
      ticker,
      queryCount: page.length,
      resultsCount: page.length,
      adjusted: url.searchParams.get("adjusted") !== "false",
      status: "OK",
      request_id: `req-${this.requests.length}`,
      count: page.length,
    };
    if (page.length) body.results = page;
    if (offset + limit < all.length) {
      const c = Buffer.from(`limit=${limit}&sort=asc&offset=${offset + limit}`).toString("base64url");
      body.next_url = `${this.nextUrlHost}/v2/aggs/ticker/${ticker}/range/${mult}/${span}/${fromS}/${toS}?cursor=${c}`;
    }
    this.send(res, 200, body);
  }

  private onSocket(ws: WebSocket): void {
    this.connections += 1;
    this.clients.add(ws);
    ws.on("close", () => this.clients.delete(ws));
    const statuses = fixture("ws_status_frames.json");
    ws.send(JSON.stringify(statuses.connected));
    ws.on("message", (data) => {
      let m: any;
      try {
        m = JSON.parse(data.toString());
      } catch {
        return;
      }
      this.inbox.push(m);
      const a = ws as any;
      if (m.action === "auth") {
        if (m.params !== this.apiKey) {
          ws.send(JSON.stringify([{ ev: "status", status: "auth_failed", message: "authentication failed" }]));
          return ws.close(1008, "authentication failed");
        }
        a.authed = true;
        return ws.send(JSON.stringify(statuses.auth_success));
      }
      if (m.action === "subscribe" && a.authed) {
        const channels = String(m.params).split(",");
        ws.send(JSON.stringify(channels.map((c) => ({ ev: "status", status: "success", message: `subscribed to: ${c}` }))));
      }
    });
  }
}
