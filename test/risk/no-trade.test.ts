import { describe, expect, it } from "vitest";
import { NoTradeWindows } from "../../lib/risk/no-trade";

const at = (iso: string) => Date.parse(iso);

describe("NoTradeWindows", () => {
  it("blocks inside a daily UTC window, end exclusive, including windows that wrap midnight", () => {
    const w = new NoTradeWindows({ dailyUtc: ["13:30-14:00", "23:55-00:05"] });
    expect(w.blockedReason(at("2025-06-01T13:29:59Z"))).toBeNull();
    expect(w.blockedReason(at("2025-06-01T13:30:00Z"))).toMatch(/13:30-14:00/);
    expect(w.blockedReason(at("2025-06-01T14:00:00Z"))).toBeNull();
    expect(w.blockedReason(at("2025-06-01T23:58:00Z"))).toMatch(/23:55-00:05/);
    expect(w.blockedReason(at("2025-06-02T00:04:59Z"))).toMatch(/23:55-00:05/);
    expect(w.blockedReason(at("2025-06-02T00:05:00Z"))).toBeNull();
  });

  it("stands aside around funding times", () => {
    const w = new NoTradeWindows({ fundingBufferMinutes: 5 });
    expect(w.blockedReason(at("2025-06-01T07:56:00Z"))).toMatch(/funding buffer around 08:00/);
    expect(w.blockedReason(at("2025-06-01T00:02:00Z"))).toMatch(/00:00/);
    expect(w.blockedReason(at("2025-06-01T23:55:00Z"))).toMatch(/00:00/);
    expect(w.blockedReason(at("2025-06-01T12:00:00Z"))).toBeNull();
  });

  it("blocks custom ranges and rejects malformed windows with the key path", () => {
    const w = new NoTradeWindows({ custom: [{ from: "2025-06-11T12:00:00Z", to: "2025-06-11T13:00:00Z", reason: "CPI release" }] });
    expect(w.blockedReason(at("2025-06-11T12:30:00Z"))).toBe("CPI release");
    expect(w.blockedReason(at("2025-06-11T13:00:00Z"))).toBeNull();
    expect(() => new NoTradeWindows({ dailyUtc: ["25:00-01:00"] })).toThrow(/noTrade\.dailyUtc\[0\]/);
    expect(() => new NoTradeWindows({ custom: [{ from: "2025-01-02", to: "2025-01-01" }] })).toThrow(/noTrade\.custom\[0\]/);
  });
});
