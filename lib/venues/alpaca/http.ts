import type { ZodType } from "zod";
import type { Clock } from "../../core/clock";
import { VenueError } from "../../core/errors";
import { createHttpClient, encodeQuery, type HttpClient, type HttpMethod, type HttpResponse, type QueryValue } from "../../infra/http/client";
import type { LogSink } from "../../infra/http/logger";
import { registerSecret } from "../../infra/secret-registry";
import type { AlpacaConfig } from "./config";
import { alpacaRestError } from "./errors";
import { parseRaw } from "./parse";
import {
  AccountSchema,
  AssetListSchema,
  AssetSchema,
  ClockSchema,
  MultiBarsSchema,
  OrderListSchema,
  OrderSchema,
  PositionListSchema,
  PositionSchema,
  SingleBarsSchema,
  type RawAccount,
  type RawAsset,
  type RawBar,
  type RawClock,
  type RawOrder,
  type RawPosition,
} from "./schemas";

/** What the Alpaca REST layer needs from its surroundings. */
export interface AlpacaHttpDeps {
  clock: Clock;
  logger: LogSink;
  /** Uniform [0, 1) for retry jitter. Default: the HTTP client's own source. */
  random?: () => number;
  /** Injectable wait (tests). */
  sleep?: (ms: number) => Promise<void>;
}

interface Call {
  method: HttpMethod;
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  label: string;
  /** Set false for order creation: the client must never resend it on its own. */
  idempotent?: boolean;
}

/** The order body POST /v2/orders takes. Decimals as strings, as Alpaca documents. */
export interface AlpacaOrderBody {
  symbol: string;
  qty: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  time_in_force: "day" | "gtc" | "ioc" | "fok";
  limit_price?: string;
  client_order_id: string;
  extended_hours?: boolean;
}

export interface BarsQuery {
  timeframe: string;
  /** RFC 3339, whole seconds, inclusive. */
  start: string;
  /** RFC 3339, whole seconds, inclusive. */
  end: string;
}

/**
 * Alpaca REST: the trading host (paper or live) and the market data host, both authenticated with
 * the APCA-API-KEY-ID / APCA-API-SECRET-KEY headers. Retries, timeouts and backoff come from the
 * shared HTTP client; this layer builds URLs, follows next_page_token and maps errors.
 */
export class AlpacaHttp {
  private readonly trading: HttpClient;
  private readonly data: HttpClient;

  constructor(
    private readonly cfg: AlpacaConfig,
    private readonly deps: AlpacaHttpDeps,
  ) {
    // Belt and braces: the process logger masks these values wherever they might still appear.
    registerSecret(cfg.apiKey.reveal());
    registerSecret(cfg.apiSecret.reveal());
    const common = {
      timeoutMs: cfg.requestTimeoutMs,
      retry: { maxAttempts: cfg.maxRetries + 1, backoff: { initialMs: cfg.retryBaseMs, maxMs: 30_000, factor: 2, jitter: "equal" as const } },
      defaultHeaders: { "APCA-API-KEY-ID": cfg.apiKey.reveal(), "APCA-API-SECRET-KEY": cfg.apiSecret.reveal(), accept: "application/json" },
      logger: deps.logger,
      secrets: () => [cfg.apiKey.reveal(), cfg.apiSecret.reveal()],
      now: () => deps.clock.now(),
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
    };
    this.trading = createHttpClient({ ...common, baseUrl: cfg.tradingBaseUrl });
    this.data = createHttpClient({ ...common, baseUrl: cfg.dataBaseUrl });
  }

  // ---- trading ----------------------------------------------------------------------------------

  account(): Promise<RawAccount> {
    return this.call(this.trading, AccountSchema, { method: "GET", path: "/v2/account", label: "account" });
  }

  positions(): Promise<RawPosition[]> {
    return this.call(this.trading, PositionListSchema, { method: "GET", path: "/v2/positions", label: "positions" });
  }

  /** One position, or null when flat (Alpaca answers 404). */
  async position(symbol: string): Promise<RawPosition | null> {
    return this.orNull(this.call(this.trading, PositionSchema, { method: "GET", path: `/v2/positions/${encodeURIComponent(symbol)}`, label: "position" }));
  }

  clock(): Promise<RawClock> {
    return this.call(this.trading, ClockSchema, { method: "GET", path: "/v2/clock", label: "clock" });
  }

  asset(symbol: string): Promise<RawAsset> {
    return this.call(this.trading, AssetSchema, { method: "GET", path: `/v2/assets/${encodeURIComponent(symbol)}`, label: "asset" });
  }

  /** Every active US equity (GET /v2/assets). */
  assets(): Promise<RawAsset[]> {
    return this.call(this.trading, AssetListSchema, { method: "GET", path: "/v2/assets", query: { status: "active", asset_class: "us_equity" }, label: "assets" });
  }

  /** POST /v2/orders, sent exactly once (see AlpacaExecution.submit for the idempotent retry). */
  createOrder(body: AlpacaOrderBody): Promise<RawOrder> {
    return this.call(this.trading, OrderSchema, { method: "POST", path: "/v2/orders", body, label: "order.create", idempotent: false });
  }

  /** GET /v2/orders:by_client_order_id, or null when Alpaca has no such order. */
  orderByClientId(clientOrderId: string): Promise<RawOrder | null> {
    return this.orNull(
      this.call(this.trading, OrderSchema, { method: "GET", path: "/v2/orders:by_client_order_id", query: { client_order_id: clientOrderId }, label: "order.get" }),
    );
  }

  /** GET /v2/orders (newest first, at most 500). */
  orders(status: "open" | "closed" | "all", symbols?: readonly string[]): Promise<RawOrder[]> {
    const query: Record<string, QueryValue> = { status, limit: 500, direction: "desc" };
    if (symbols?.length) query.symbols = symbols.join(",");
    return this.call(this.trading, OrderListSchema, { method: "GET", path: "/v2/orders", query, label: "orders" });
  }

  /** DELETE /v2/orders/{id}: 204 when the cancel request is accepted. */
  async cancelOrder(orderId: string): Promise<void> {
    await this.send(this.trading, { method: "DELETE", path: `/v2/orders/${encodeURIComponent(orderId)}`, label: "order.cancel" });
  }

  // ---- market data ------------------------------------------------------------------------------

  /** GET /v2/stocks/{symbol}/bars, following next_page_token until the range is exhausted. */
  async bars(symbol: string, q: BarsQuery): Promise<RawBar[]> {
    const out: RawBar[] = [];
    let token: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await this.call(this.data, SingleBarsSchema, {
        method: "GET",
        path: `/v2/stocks/${encodeURIComponent(symbol)}/bars`,
        query: this.barsQuery(q, token),
        label: "bars",
      });
      if (page.bars) out.push(...page.bars);
      token = this.nextToken(page.next_page_token, seen, symbol);
    } while (token);
    return out;
  }

  /** GET /v2/stocks/bars?symbols=..., following next_page_token; bars grouped by symbol. */
  async barsMulti(symbols: readonly string[], q: BarsQuery): Promise<Map<string, RawBar[]>> {
    const out = new Map<string, RawBar[]>(symbols.map((s) => [s, []]));
    let token: string | undefined;
    const seen = new Set<string>();
    do {
      const page = await this.call(this.data, MultiBarsSchema, {
        method: "GET",
        path: "/v2/stocks/bars",
        query: { symbols: symbols.join(","), ...this.barsQuery(q, token) },
        label: "bars.multi",
      });
      for (const [sym, bars] of Object.entries(page.bars ?? {})) {
        const list = out.get(sym) ?? [];
        list.push(...bars);
        out.set(sym, list);
      }
      token = this.nextToken(page.next_page_token, seen, symbols.join(","));
    } while (token);
    return out;
  }

  private barsQuery(q: BarsQuery, token: string | undefined): Record<string, QueryValue> {
    return {
      timeframe: q.timeframe,
      start: q.start,
      end: q.end,
      limit: this.cfg.pageLimit,
      adjustment: this.cfg.adjustment,
      feed: this.cfg.feed,
      sort: "asc",
      page_token: token,
    };
  }

  /** A repeated token would page forever: that is a venue fault, not an empty tail. */
  private nextToken(token: string | null | undefined, seen: Set<string>, what: string): string | undefined {
    if (!token) return undefined;
    if (seen.has(token)) {
      throw new VenueError("PARSE_ERROR", `alpaca bars ${what}: next_page_token repeated (${token}); stopping to avoid an endless loop`, {
        details: { venue: "alpaca", token },
      });
    }
    seen.add(token);
    return token;
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private async call<T>(client: HttpClient, schema: ZodType<T>, c: Call): Promise<T> {
    const res = await this.send(client, c);
    let json: unknown;
    try {
      json = JSON.parse(res.body);
    } catch {
      throw new VenueError("PARSE_ERROR", `alpaca ${c.method} ${c.path}: response is not JSON: ${res.body.slice(0, 300)}`, {
        details: { venue: "alpaca", method: c.method, path: c.path, status: res.status, raw: res.body },
      });
    }
    return parseRaw(schema, json, `${c.method} ${c.path}`, res.body);
  }

  private async send(client: HttpClient, c: Call): Promise<HttpResponse> {
    const res = await client.request({
      method: c.method,
      path: c.path,
      query: c.query,
      label: `alpaca.${c.label}`,
      ...(c.body === undefined ? {} : { body: JSON.stringify(c.body), headers: { "content-type": "application/json" } }),
      ...(c.idempotent === undefined ? {} : { idempotent: c.idempotent }),
    });
    if (res.status >= 200 && res.status < 300) return res;
    const path = c.query ? `${c.path}?${encodeQuery(c.query)}` : c.path;
    throw alpacaRestError(
      {
        status: res.status,
        body: res.body,
        method: c.method,
        path,
        rateLimitResetSec: numHeader(res.headers["x-ratelimit-reset"]),
        retryAfterSec: numHeader(res.headers["retry-after"]),
      },
      this.deps.clock.now(),
    );
  }

  private async orNull<T>(p: Promise<T>): Promise<T | null> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof VenueError && (e.code === "ORDER_NOT_FOUND" || e.code === "DATA_NOT_FOUND")) return null;
      throw e;
    }
  }
}

function numHeader(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}
