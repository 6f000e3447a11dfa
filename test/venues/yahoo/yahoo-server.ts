import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

/** Reads a recorded payload from test/fixtures/yahoo. */
export function fixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(process.cwd(), "test/fixtures/yahoo", name), "utf8")) as T;
}

export interface Fault {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  hang?: boolean;
}

export interface RecordedRequest {
  symbol: string;
  query: URLSearchParams;
  userAgent?: string;
}

/**
 * A loopback Yahoo chart v8 endpoint: GET /v8/finance/chart/{symbol}?interval=&period1=&period2=.
 * Each (symbol, interval) serves a recorded chart, cut to the rows whose timestamp lies in
 * [period1, period2); an unknown symbol gets the recorded "Not Found" body with HTTP 404.
 */
export class YahooServer {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly charts = new Map<string, any>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<YahooServer> {
    const server = createServer();
    const s = new YahooServer(server);
    server.on("request", (req, res) => s.onRequest(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return s;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  setChart(symbol: string, interval: string, chart: any): void {
    this.charts.set(`${symbol}|${interval}`, chart);
  }

  async close(): Promise<void> {
    for (const r of this.hanging) r.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json;charset=utf-8", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const m = /^\/v8\/finance\/chart\/([^/]+)$/.exec(url.pathname);
    if (!m) return this.send(res, 404, "Not Found");
    const symbol = decodeURIComponent(m[1]!);
    this.requests.push({ symbol, query: url.searchParams, userAgent: req.headers["user-agent"] });
    const fault = this.faults.shift();
    if (fault) {
      if (fault.hang) return void this.hanging.add(res);
      return this.send(res, fault.status ?? 500, fault.body ?? "", fault.headers);
    }
    const interval = url.searchParams.get("interval") ?? "";
    if (!["1m", "2m", "5m", "15m", "30m", "60m", "90m", "1h", "1d", "5d", "1wk", "1mo", "3mo"].includes(interval)) {
      return this.send(res, 400, { chart: { result: null, error: { code: "Bad Request", description: `Invalid input - interval=${interval} is not supported.` } } });
    }
    const chart = this.charts.get(`${symbol}|${interval}`);
    if (!chart) return this.send(res, 404, fixture("chart_v8_error_not_found.json"));
    const p1 = Number(url.searchParams.get("period1"));
    const p2 = Number(url.searchParams.get("period2"));
    const out = structuredClone(chart);
    const r = out.chart.result[0];
    const keep = (r.timestamp as number[]).map((t) => t >= p1 && t < p2);
    const cut = (a: unknown[] | undefined) => a?.filter((_, i) => keep[i]);
    r.timestamp = cut(r.timestamp);
    for (const q of r.indicators.quote) for (const k of Object.keys(q)) q[k] = cut(q[k]);
    for (const a of r.indicators.adjclose ?? []) a.adjclose = cut(a.adjclose);
    if (r.timestamp.length === 0) {
      delete r.timestamp;
      r.indicators = { quote: [{}] };
    }
    this.send(res, 200, out);
  }
}
