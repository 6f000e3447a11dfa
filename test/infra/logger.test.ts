import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger, createLoggerFromConfig, type LoggerOptions, registerConfigSecrets, SecretRegistry } from "../../lib/infra/logger";

const API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";
const API_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";

function capture(opts: LoggerOptions = {}) {
  const lines: string[] = [];
  const secrets = opts.secrets ?? new SecretRegistry();
  const log = createLogger({ now: () => Date.UTC(2025, 7, 1, 12, 0, 0, 5), ...opts, secrets, stream: { write: (s) => lines.push(s), isTTY: opts.stream?.isTTY } });
  return { log, lines, secrets, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("structured logging", () => {
  it("writes one JSON object per line with time, level, bindings and message", () => {
    const { log, json } = capture({ name: "live" });
    log.child({ component: "venue", symbol: "BTCUSDT" }).info({ qty: 0.5 }, "order sent");
    const [o] = json();
    expect(o).toMatchObject({ level: "info", time: "2025-08-01T12:00:00.005Z", name: "live", component: "venue", symbol: "BTCUSDT", qty: 0.5, msg: "order sent" });
    expect(typeof o!.pid).toBe("number");
  });

  it("respects the level", () => {
    const { log, lines } = capture({ level: "warn" });
    log.info("hidden");
    log.warn("shown");
    expect(lines).toHaveLength(1);
  });

  it("writes readable single lines on a TTY", () => {
    const { log, lines } = capture({ stream: { write: () => undefined, isTTY: true }, color: false });
    log.child({ component: "risk" }).warn({ reason: "MAX_ORDER_NOTIONAL", notional: 12000.5, note: "two words" }, "order denied");
    expect(lines).toEqual(['12:00:00.005 WARN  [risk] order denied reason=MAX_ORDER_NOTIONAL notional=12000.5 note="two words"\n']);
  });

  it("shows an error on the same line as its type, message and first frame", () => {
    const { log, lines } = capture({ format: "pretty", color: false });
    log.error({ err: new TypeError("bad payload") }, "parse failed");
    expect(lines[0]).toMatch(/^12:00:00\.005 ERROR parse failed err="TypeError: bad payload \(at .+\)"\n$/);
    expect(lines[0]!.split("\n")).toHaveLength(2);
  });
});

describe("secret masking", () => {
  it("never lets a registered secret value through, wherever it appears", () => {
    const { log, lines, secrets } = capture();
    secrets.add(API_KEY);
    secrets.add(API_SECRET);
    const child = log.child({ component: "binance", headers: { "X-MBX-APIKEY": API_KEY } });
    child.info({ url: `https://api.binance.com/api/v3/account?apiKey=${encodeURIComponent(API_KEY)}` }, `connecting with ${API_KEY}`);
    child.warn({ note: `quoted "${API_SECRET}"`, list: [API_SECRET] }, "retry");
    child.error({ err: new Error(`signature check failed for ${API_SECRET}`) }, "request failed");
    const all = lines.join("");
    expect(lines).toHaveLength(3);
    expect(all).not.toContain(API_KEY);
    expect(all).not.toContain(API_SECRET);
    expect(all).not.toContain(API_KEY.slice(0, 24));
    expect(all).toContain("connecting with ***");
  });

  it("masks values under secret-looking keys even when they were never registered", () => {
    const { log, json } = capture();
    log.child({ token: "child-binding-token" }).info({ apiKey: "k-unregistered", nested: { password: "hunter2", passphrase: "x y z" }, tokenDiscount: 0.75 }, "cfg");
    const [o] = json();
    expect(o).toMatchObject({ token: "***", apiKey: "***", nested: { password: "***", passphrase: "***" }, tokenDiscount: 0.75 });
    expect(JSON.stringify(o)).not.toMatch(/child-binding-token|k-unregistered|hunter2/);
  });

  it("masks secrets added after the logger was created, in the readable form too", () => {
    const { log, lines, secrets } = capture({ format: "pretty", color: false });
    secrets.add(API_KEY);
    log.info(`key=${API_KEY}`);
    expect(lines[0]).toContain("key=***");
    expect(lines[0]).not.toContain(API_KEY);
  });

  it("refuses secrets too short to mask without shredding ordinary text", () => {
    const r = new SecretRegistry();
    expect(r.add("ab")).toBe(false);
    expect(r.add("")).toBe(true);
    expect(r.size).toBe(0);
    expect(r.mask("ab ab")).toBe("ab ab");
  });

  it("registers a loaded config's secrets and masks them in the log file as well", () => {
    const dir = mkdtempSync(join(tmpdir(), "tradelab-log-"));
    const secrets = new SecretRegistry();
    const config = { exchange: { venue: "binance", apiKey: API_KEY, apiSecret: API_SECRET } };
    const lines: string[] = [];
    const log = createLoggerFromConfig({ level: "info", format: "json", file: join(dir, "logs", "live.log") }, config, { secrets, stream: { write: (s) => lines.push(s) } });
    log.info({ config: { ...config.exchange, apiKey: undefined } }, `loaded ${API_SECRET}`);
    expect(registerConfigSecrets(config, secrets)).toBe(2);
    const file = readFileSync(join(dir, "logs", "live.log"), "utf8");
    expect(file).toContain('"msg":"loaded ***"');
    for (const text of [file, lines.join("")]) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(API_SECRET);
    }
  });
});
