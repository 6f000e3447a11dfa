import { describe, expect, it } from "vitest";
import { parseTimeframe, toEpochMs, fmtTime } from "../../../lib/infra/data/timeframe";
import { nyDate, usEarlyCloses, usHolidays, usSession, usSessionsBetween } from "../../../lib/infra/data/us-calendar";

describe("timeframes and times", () => {
  it("parses the common timeframes to milliseconds and DuckDB intervals", () => {
    expect(["1m", "5m", "15m", "1h", "4h", "1d", "1w"].map((t) => parseTimeframe(t).ms)).toEqual([60_000, 300_000, 900_000, 3_600_000, 14_400_000, 86_400_000, 604_800_000]);
    expect(parseTimeframe("4h").interval).toBe("INTERVAL '4 hours'");
    expect(parseTimeframe("1w").interval).toBe("INTERVAL '7 days'");
  });

  it("rejects timeframes it cannot read", () => {
    for (const bad of ["", "1", "m", "0m", "5s", "1M", "1.5h"]) expect(() => parseTimeframe(bad)).toThrow(/is not <number><m\|h\|d\|w>/);
  });

  it("reads epoch ms, ISO dates (UTC) and ISO times with zones", () => {
    expect(toEpochMs(1747699200000)).toBe(1747699200000);
    expect(toEpochMs("1747699200000")).toBe(1747699200000);
    expect(toEpochMs("2025-05-20")).toBe(Date.parse("2025-05-20T00:00:00Z"));
    expect(toEpochMs("2025-05-20 13:30")).toBe(Date.parse("2025-05-20T13:30:00Z"));
    expect(toEpochMs("2025-05-20T09:30:00-04:00")).toBe(Date.parse("2025-05-20T13:30:00Z"));
    expect(() => toEpochMs("yesterday")).toThrow(/not epoch ms or an ISO 8601/);
    expect(fmtTime(Date.parse("2025-05-20T13:30:00Z"))).toBe("2025-05-20 13:30");
    expect(fmtTime(Date.parse("2025-05-20T13:30:00.250Z"))).toBe("2025-05-20 13:30:00.250");
  });
});

describe("US equity session calendar", () => {
  it("knows the 2025 NYSE holidays, including the national day of mourning on January 9", () => {
    expect([...usHolidays(2025)].sort()).toEqual(["2025-01-01", "2025-01-09", "2025-01-20", "2025-02-17", "2025-04-18", "2025-05-26", "2025-06-19", "2025-07-04", "2025-09-01", "2025-11-27", "2025-12-25"]);
  });

  it("moves weekend holidays and does not move a Saturday New Year's Day into the old year", () => {
    expect(usHolidays(2021).has("2021-07-05")).toBe(true); // July 4 was a Sunday
    expect(usHolidays(2020).has("2020-07-03")).toBe(true); // July 4 was a Saturday
    expect(usHolidays(2022).has("2021-12-31")).toBe(false);
    expect(usHolidays(2021).has("2021-12-31")).toBe(false);
    expect(usHolidays(2021).has("2021-12-24")).toBe(true); // Christmas was a Saturday
    expect(usHolidays(2021).has("2021-06-18")).toBe(false); // Juneteenth observed from 2022
    expect(usHolidays(2024).has("2024-03-29")).toBe(true); // Good Friday
  });

  it("knows the 13:00 early closes", () => {
    expect([...usEarlyCloses(2025)].sort()).toEqual(["2025-07-03", "2025-11-28", "2025-12-24"]);
    expect(usEarlyCloses(2020).has("2020-07-03")).toBe(false);
  });

  it("gives regular-hours sessions in UTC across daylight saving time", () => {
    expect(usSession("2025-07-04")).toBeNull();
    expect(usSession("2025-07-05")).toBeNull();
    const summer = usSession("2025-07-07")!;
    expect([new Date(summer.open).toISOString(), new Date(summer.close).toISOString()]).toEqual(["2025-07-07T13:30:00.000Z", "2025-07-07T20:00:00.000Z"]);
    const winter = usSession("2025-12-24")!;
    expect([new Date(winter.open).toISOString(), new Date(winter.close).toISOString(), winter.early]).toEqual(["2025-12-24T14:30:00.000Z", "2025-12-24T18:00:00.000Z", true]);
    expect(usSessionsBetween(Date.parse("2025-07-02T12:00:00Z"), Date.parse("2025-07-08T12:00:00Z")).map((s) => s.date)).toEqual(["2025-07-02", "2025-07-03", "2025-07-07", "2025-07-08"]);
  });

  it("maps a UTC instant to its New York date", () => {
    expect(nyDate(Date.parse("2025-03-02T01:00:00Z"))).toBe("2025-03-01");
    expect(nyDate(Date.parse("2025-03-02T05:00:00Z"))).toBe("2025-03-02");
  });
});
