import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { JsonStateStore } from "../../lib/infra/state-store";
import { JsonlJournal, readJournal } from "../../lib/infra/journal";
import { ManualClock } from "../../lib/core/clock";

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe("JsonStateStore", () => {
  it("round-trips documents and removes them", async () => {
    const s = new JsonStateStore(tmp("state-"));
    expect(await s.read("positions")).toBeUndefined();
    await s.write("positions", { BTCUSDT: 0.5 });
    expect(await s.read("positions")).toEqual({ BTCUSDT: 0.5 });
    await s.remove("positions");
    expect(await s.read("positions")).toBeUndefined();
  });

  it("refuses corrupt state loudly with the file name", async () => {
    const dir = tmp("state-");
    writeFileSync(join(dir, "positions.json"), '{"BTCUSDT": 0.');
    await expect(new JsonStateStore(dir).read("positions")).rejects.toMatchObject({ code: "STATE_CORRUPT", message: expect.stringContaining("positions.json") });
  });

  it("rejects keys that would escape the folder", () => {
    expect(() => new JsonStateStore(tmp("state-")).path("../x")).toThrow(/plain file name/);
  });
});

describe("JsonlJournal", () => {
  it("appends one line per record in a per-day file", async () => {
    const dir = tmp("journal-");
    const clock = new ManualClock(Date.parse("2025-06-01T23:59:00Z"));
    const j = new JsonlJournal(dir, clock);
    await j.append("decision", { bar: 1, target: 0.5 });
    clock.advance(120_000);
    await j.append("order", { id: "a" });
    j.close();
    expect(readdirSync(dir).sort()).toEqual(["2025-06-01.jsonl", "2025-06-02.jsonl"]);
    const { records, skipped } = readJournal(dir);
    expect(skipped).toBe(0);
    expect(records.map((r) => r.kind)).toEqual(["decision", "order"]);
    expect(records[0]).toMatchObject({ bar: 1, target: 0.5, ts: Date.parse("2025-06-01T23:59:00Z") });
  });

  it("skips a torn last line after a crash and seals it before appending again", async () => {
    const dir = tmp("journal-");
    const clock = new ManualClock(Date.parse("2025-06-01T00:00:00Z"));
    const j = new JsonlJournal(dir, clock);
    await j.append("fill", { qty: 1 });
    j.close();
    appendFileSync(join(dir, "2025-06-01.jsonl"), '{"kind":"fill","qty":'); // crash mid-write
    expect(readJournal(dir)).toMatchObject({ skipped: 1 });
    const j2 = new JsonlJournal(dir, clock);
    await j2.append("fill", { qty: 2 });
    j2.close();
    const { records, skipped } = readJournal(dir);
    expect(records.map((r) => r["qty"])).toEqual([1, 2]);
    expect(skipped).toBe(1);
    expect(readFileSync(join(dir, "2025-06-01.jsonl"), "utf8").split("\n").filter(Boolean)).toHaveLength(3);
  });
});
