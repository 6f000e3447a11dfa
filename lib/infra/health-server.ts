import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { MetricsRegistry } from "./metrics";

/** One readiness check: ok or not, with a short detail. Checks must be quick (no network in the handler). */
export interface ReadyCheck {
  name: string;
  check(): { ok: boolean; detail: string } | Promise<{ ok: boolean; detail: string }>;
}

export interface HealthServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * /healthz: liveness (the process answers). /readyz: every check as JSON, 200 when all pass, else 503.
 * /metrics: Prometheus text. Listens on 127.0.0.1 only.
 */
export async function startHealthServer(opts: { port: number; checks: readonly ReadyCheck[]; metrics: MetricsRegistry; host?: string }): Promise<HealthServer> {
  const host = opts.host ?? "127.0.0.1";
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405, { allow: "GET" }).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (path === "/readyz") {
      void runChecks(opts.checks).then((r) => {
        res.writeHead(r.ready ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify(r, null, 1));
      });
      return;
    }
    if (path === "/metrics") {
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(opts.metrics.render());
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found", paths: ["/healthz", "/readyz", "/metrics"] }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function runChecks(checks: readonly ReadyCheck[]): Promise<{ ready: boolean; checks: { name: string; ok: boolean; detail: string }[] }> {
  const results = await Promise.all(
    checks.map(async (c) => {
      try {
        return { name: c.name, ...(await c.check()) };
      } catch (e) {
        return { name: c.name, ok: false, detail: `check failed: ${(e as Error).message}` };
      }
    }),
  );
  return { ready: results.every((r) => r.ok), checks: results };
}
