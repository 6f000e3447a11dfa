import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { Secret, maskSecret } from "../../../lib/infra/http/secret";
import { redactHeaders, redactText, redactUrl } from "../../../lib/infra/http/redact";
import { backoffDelay, parseRetryAfter } from "../../../lib/infra/http/backoff";
import { SeededRng } from "../../../lib/sim/rng";

const KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A";

describe("Secret", () => {
  it("shows only the masked form through String, JSON, template literals and inspect", () => {
    const s = new Secret(KEY);
    const shown = [String(s), JSON.stringify({ s }), `${s}`, inspect({ s }), inspect(s)].join(" ");
    expect(shown).not.toContain(KEY);
    expect(shown).toContain("vmPU…(64)");
    expect(s.reveal()).toBe(KEY);
  });

  it("hides short values entirely", () => {
    expect(maskSecret("abc123")).toBe("****(6)");
  });
});

describe("redaction", () => {
  it("masks sensitive query parameters case-insensitively and leaves the rest", () => {
    expect(redactUrl("https://x/api?symbol=BTCUSDT&apiKey=abcdefghijk&signature=0123456789")).toBe(
      "https://x/api?symbol=BTCUSDT&apiKey=abcd…(11)&signature=0123…(10)",
    );
  });

  it("masks secret values wherever they appear, including URL paths", () => {
    expect(redactUrl("wss://x/ws/LISTENKEY123456", [], ["LISTENKEY123456"])).toBe("wss://x/ws/LIST…(15)");
    expect(redactText("key=SECRETVALUE1 again SECRETVALUE1", ["SECRETVALUE1"])).toBe("key=SECR…(12) again SECR…(12)");
  });

  it("masks credential headers", () => {
    expect(redactHeaders({ "X-MBX-APIKEY": KEY, Accept: "json" })).toEqual({ "X-MBX-APIKEY": "vmPU…(64)", Accept: "json" });
  });
});

describe("backoffDelay", () => {
  it("grows exponentially, respects the cap and stays within the jitter band", () => {
    const rng = new SeededRng(7);
    const p = { initialMs: 100, maxMs: 1000, factor: 2, jitter: "equal" as const };
    for (let a = 0; a < 10; a++) {
      const nominal = Math.min(1000, 100 * 2 ** a);
      const d = backoffDelay(a, p, () => rng.next());
      expect(d).toBeGreaterThanOrEqual(nominal / 2 - 1);
      expect(d).toBeLessThanOrEqual(nominal);
    }
    expect(backoffDelay(5, { ...p, jitter: "none" }, () => 0.3)).toBe(1000);
    expect(backoffDelay(1, { ...p, jitter: "full" }, () => 0.5)).toBe(100);
  });

  it("rejects a negative attempt", () => {
    expect(() => backoffDelay(-1, { initialMs: 1, maxMs: 1, factor: 2, jitter: "none" }, () => 0)).toThrow(RangeError);
  });
});

describe("parseRetryAfter", () => {
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", 0)).toBe(120_000);
    expect(parseRetryAfter("Thu, 01 Jan 1970 00:00:10 GMT", 4000)).toBe(6000);
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
    expect(parseRetryAfter("soon", 0)).toBeUndefined();
  });
});
