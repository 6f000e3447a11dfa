import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { VenueError } from "../../../lib/core/errors";
import { createHttpClient, encodeQuery, parseJsonBody } from "../../../lib/infra/http/client";

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  let n = 0;
  server = createServer((req, res) => handler(req, res, n++));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise((r) => server!.close(r));
  server = undefined;
});

const noWait = (delays: number[]) => (ms: number) => {
  delays.push(ms);
  return Promise.resolve();
};

describe("createHttpClient", () => {
  it("sends the query string verbatim and returns status, lower-cased headers and body", async () => {
    const seen: string[] = [];
    const base = await serve((req, res) => {
      seen.push(req.url!);
      res.setHeader("X-MBX-USED-WEIGHT-1M", "7");
      res.end('{"ok":true}');
    });
    const http = createHttpClient({ baseUrl: base });
    const res = await http.request({ method: "GET", path: "/api/v3/time", query: "b=2&a=1" });
    expect(seen).toEqual(["/api/v3/time?b=2&a=1"]);
    expect(res.status).toBe(200);
    expect(res.headers["x-mbx-used-weight-1m"]).toBe("7");
    expect(parseJsonBody(res)).toEqual({ ok: true });
  });

  it("retries an idempotent request on 503 with backoff and returns the first success", async () => {
    const base = await serve((_req, res, n) => {
      res.statusCode = n < 2 ? 503 : 200;
      res.end(n < 2 ? "busy" : "done");
    });
    const delays: number[] = [];
    const http = createHttpClient({ baseUrl: base, sleep: noWait(delays), random: () => 0.5, retry: { maxAttempts: 3 } });
    const res = await http.request({ method: "GET", path: "/x" });
    expect(res.body).toBe("done");
    expect(res.attempts).toBe(3);
    expect(delays).toEqual([187, 375]); // equal jitter: 250 -> 125 + 0.5*125, 500 -> 250 + 0.5*250
  });

  it("never retries a POST, whatever the status", async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      res.statusCode = 503;
      res.end();
    });
    const http = createHttpClient({ baseUrl: base, sleep: noWait([]) });
    const res = await http.request({ method: "POST", path: "/order" });
    expect(res.status).toBe(503);
    expect(calls).toBe(1);
  });

  it("waits at least Retry-After on 429 and returns a 429 whose Retry-After exceeds the cap", async () => {
    const base = await serve((req, res, n) => {
      if (req.url === "/long") {
        res.statusCode = 429;
        res.setHeader("Retry-After", "3600");
        return res.end();
      }
      res.statusCode = n === 0 ? 429 : 200;
      if (n === 0) res.setHeader("Retry-After", "2");
      res.end();
    });
    const delays: number[] = [];
    const http = createHttpClient({ baseUrl: base, sleep: noWait(delays), random: () => 0 });
    expect((await http.request({ method: "GET", path: "/short" })).status).toBe(200);
    expect(delays).toEqual([2000]);
    expect((await http.request({ method: "GET", path: "/long" })).status).toBe(429);
    expect(delays).toEqual([2000]);
  });

  it("throws VENUE_TIMEOUT with outcomeUnknown when the server does not answer in time", async () => {
    const base = await serve(() => undefined);
    const http = createHttpClient({ baseUrl: base, timeoutMs: 100, retry: { maxAttempts: 1 } });
    const err = await http.request({ method: "POST", path: "/order" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueError);
    expect((err as VenueError).code).toBe("VENUE_TIMEOUT");
    expect((err as VenueError).retryable).toBe(true);
    expect((err as VenueError).details.outcomeUnknown).toBe(true);
  });

  it("throws VENUE_UNAVAILABLE with outcomeUnknown false when the connection is refused", async () => {
    const base = await serve(() => undefined);
    server!.close();
    server = undefined;
    const http = createHttpClient({ baseUrl: base, retry: { maxAttempts: 2 }, sleep: noWait([]) });
    const err = (await http.request({ method: "GET", path: "/" }).catch((e: unknown) => e)) as VenueError;
    expect(err.code).toBe("VENUE_UNAVAILABLE");
    expect(err.details.outcomeUnknown).toBe(false);
    expect(err.details.attempts).toBe(2);
  });

  it("masks signatures and listed secrets in the URLs it reports and logs", async () => {
    const base = await serve((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const logs: string[] = [];
    const rec = (o: Record<string, unknown>, m?: string) => logs.push(JSON.stringify(o) + (m ?? ""));
    const http = createHttpClient({
      baseUrl: base,
      sleep: noWait([]),
      logger: { debug: rec, info: rec, warn: rec, error: rec },
      secrets: () => ["listen-key-abcdefgh"],
    });
    const res = await http.request({ method: "GET", path: "/ws/listen-key-abcdefgh", query: "timestamp=1&signature=deadbeefcafebabe" });
    expect(res.url).not.toContain("deadbeefcafebabe");
    expect(res.url).toContain("signature=dead…(16)");
    expect(logs.join("\n")).not.toContain("listen-key-abcdefgh");
    expect(logs.join("\n")).not.toContain("deadbeefcafebabe");
  });

  it("parseJsonBody rejects a non-JSON body with PARSE_ERROR carrying the raw text", async () => {
    const base = await serve((_req, res) => res.end("<html>gateway</html>"));
    const res = await createHttpClient({ baseUrl: base }).request({ method: "GET", path: "/" });
    expect(() => parseJsonBody(res)).toThrowError(expect.objectContaining({ code: "PARSE_ERROR", details: expect.objectContaining({ raw: "<html>gateway</html>" }) }));
  });
});

describe("encodeQuery", () => {
  it("keeps insertion order, skips undefined and percent-encodes non-ASCII and arrays", () => {
    expect(encodeQuery({ symbol: "１２", b: undefined, symbols: ["BTCUSDT", "ETHUSDT"], n: 1 })).toBe(
      "symbol=%EF%BC%91%EF%BC%92&symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D&n=1",
    );
  });
});
