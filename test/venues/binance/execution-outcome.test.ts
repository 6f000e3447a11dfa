import { afterEach, describe, expect, it } from "vitest";
import { VenueError } from "../../../lib/core/errors";
import type { Fill } from "../../../lib/core/fill";
import type { OrderRequest } from "../../../lib/core/order";
import type { OrderResolution } from "../../../lib/core/ports/execution.port";
import type { Subscription } from "../../../lib/core/ports/market-data.port";
import { err } from "../../../lib/core/result";
import { SeededRng } from "../../../lib/sim/rng";
import type { BinanceExecution } from "../../../lib/venues/binance/execution";
import { resolveOrderOutcome, type OutcomeVenue } from "../../../lib/venues/binance/order-outcome";
import { setup, until, type Harness } from "./harness";
import type { Fault } from "./loopback-server";

let h: Harness | undefined;
let sub: Subscription | undefined;
afterEach(async () => {
  await sub?.close();
  await h?.close();
  sub = undefined;
  h = undefined;
});

const ORDER = "/api/v3/order";

/** Faults after which the request's outcome is unknown to the client; `processed` says whether the venue executed it. */
const FAULTS: { fault: Fault; processed: boolean }[] = [
  { fault: { kind: "process-then-hang" }, processed: true },
  { fault: { kind: "process-then-status", status: 500, body: { code: -1000, msg: "An unknown error occurred while processing the request." } }, processed: true },
  { fault: { kind: "process-then-status", status: 503, body: "<html>Service Unavailable</html>" }, processed: true },
  { fault: { kind: "process-then-drop" }, processed: true },
  { fault: { kind: "hang" }, processed: false },
  { fault: { kind: "status", status: 502, body: "<html>Bad Gateway</html>" }, processed: false },
  { fault: { kind: "drop" }, processed: false },
];

const TYPES: Omit<OrderRequest, "clientOrderId">[] = [
  { symbol: "BTCUSDT", side: "buy", type: "market", qty: 0.5, timeInForce: "GTC" },
  { symbol: "BTCUSDT", side: "buy", type: "limit", price: 101, qty: 0.25, timeInForce: "IOC" },
  { symbol: "BTCUSDT", side: "sell", type: "limit", price: 99, qty: 0.3, timeInForce: "FOK" },
];

async function listen(hh: Harness): Promise<Fill[]> {
  const fills: Fill[] = [];
  sub = await exec(hh).subscribe({ onFill: (e) => fills.push(e.fill) });
  await until(() => hh.server.userConnections === 1, "user stream");
  return fills;
}

function exec(hh: Harness): BinanceExecution {
  return hh.venue.execution!;
}

describe("an order request whose outcome is unknown is never sent twice (seeded fault schedule)", () => {
  for (let seed = 1; seed <= 20; seed++) {
    it(`seed ${seed}: ends filled with its fills once, absent only when the venue never executed it, or unknown and later resolved`, async () => {
      const rng = new SeededRng(seed);
      const { fault, processed } = FAULTS[rng.int(FAULTS.length)]!;
      const req: OrderRequest = { ...TYPES[rng.int(TYPES.length)]!, clientOrderId: `s${seed}` };
      h = await setup();
      // lookups lag the engine by k queries; when trades lag as well, k stays within the lookups of the bounded window
      const tradesLag = rng.next() < 0.5;
      h.server.lookupLag = tradesLag ? rng.int(4) : rng.int(7);
      h.server.tradesLag = tradesLag;
      const fills = await listen(h);
      h.server.inject("POST", ORDER, fault);
      const r = await exec(h).submit(req);
      const created = h.server.created.filter((o) => o.clientOrderId === req.clientOrderId);
      const trades = () => h!.server.trades.filter((t) => created.some((o) => o.orderId === t.orderId));
      expect(h.server.count("POST", ORDER)).toBe(1);
      expect(created.length).toBe(processed ? 1 : 0);
      if (r.ok) {
        expect(processed).toBe(true);
        expect([r.value.clientOrderId, r.value.status]).toEqual([req.clientOrderId, "filled"]);
      } else if (r.error.code === "ORDER_OUTCOME_UNKNOWN") {
        expect(processed).toBe(true); // an order the venue never saw is confirmed absent, not left unknown
        let res: OrderResolution = { outcome: "unknown", reason: "" };
        for (let i = 0; i < 5 && res.outcome === "unknown"; i++) res = await exec(h).resolveOrder({ symbol: req.symbol, clientOrderId: req.clientOrderId, sentAfter: h.clock.now() - 60_000 });
        expect(res.outcome === "found" && [res.order.status, res.fills.map((f) => f.tradeId)]).toEqual(["filled", trades().map((t) => String(t.id))]);
      } else {
        expect([r.error.details.orderAbsent, processed]).toEqual([true, false]);
      }
      await until(() => fills.length >= trades().length, "fills");
      expect(fills.map((f) => f.tradeId)).toEqual(trades().map((t) => String(t.id))); // each fill exactly once
      expect(fills.reduce((s, f) => s + f.qty, 0)).toBeCloseTo(processed ? req.qty : 0, 12);
      expect(h.server.count("POST", ORDER)).toBe(1);
    });
  }
});

describe("lagging lookups", () => {
  it("-2013 for the first lookups after a market order filled does not cause a resend", async () => {
    h = await setup();
    h.server.lookupLag = 3;
    h.server.inject("POST", ORDER, { kind: "process-then-hang" });
    const r = await exec(h).submit({ ...TYPES[0]!, clientOrderId: "lag-1" });
    expect(r.ok && r.value.status).toBe("filled");
    expect(h.server.count("POST", ORDER)).toBe(1);
    expect(h.server.count("GET", ORDER)).toBe(4);
  });

  it("a trade in myTrades that cannot be attributed yet keeps the outcome unknown instead of absent", async () => {
    h = await setup();
    h.server.lookupLag = 10;
    h.server.inject("POST", ORDER, { kind: "process-then-status", status: 500, body: { code: -1000, msg: "An unknown error occurred while processing the request." } });
    const r = await exec(h).submit({ ...TYPES[1]!, clientOrderId: "lag-2" });
    expect(!r.ok && [r.error.code, r.error.details.clientOrderId]).toEqual(["ORDER_OUTCOME_UNKNOWN", "lag-2"]);
    expect(!r.ok && String(r.error.details.reason)).toMatch(/cannot be attributed/);
    expect(h.server.count("POST", ORDER)).toBe(1);
  });

  it("even a lag that outlasts the window in both views never resends: the order is reported absent, sent once", async () => {
    h = await setup();
    h.server.lookupLag = 10;
    h.server.tradesLag = true;
    h.server.inject("POST", ORDER, { kind: "process-then-hang" });
    const r = await exec(h).submit({ ...TYPES[0]!, clientOrderId: "lag-3" });
    expect(!r.ok && r.error.details.orderAbsent).toBe(true);
    expect(h.server.count("POST", ORDER)).toBe(1);
    expect(h.server.created.length).toBe(1);
  });
});

describe("the bounded resolution window", () => {
  /** An OutcomeVenue whose order never shows up; `clockMoves` false freezes venue time (a paused simulation). */
  function absentVenue(clockMoves: boolean) {
    let t = 1_000_000;
    const lookups: number[] = [];
    const notFound = new VenueError("ORDER_NOT_FOUND", "Order does not exist.", { details: { notFound: true } });
    const v: OutcomeVenue = {
      now: () => t,
      wait: async (ms) => {
        if (clockMoves) t += ms;
      },
      byClientId: async () => {
        lookups.push(t);
        return err(notFound);
      },
      byOrderId: async () => err(notFound),
      tradesBetween: async () => [],
      fillsOfOrder: async () => [],
      knownClientId: () => undefined,
    };
    return { v, lookups, start: t };
  }
  const policy = { lookups: 4, intervalMs: 1000, graceMs: 2000, recvWindowMs: 5000 };

  it("spreads its lookups up to timestamp + recvWindow + grace before believing absence", async () => {
    const { v, lookups, start } = absentVenue(true);
    const r = await resolveOrderOutcome(v, { symbol: "BTCUSDT", clientOrderId: "x", sentAfter: start }, policy);
    expect(r.outcome).toBe("absent");
    expect(lookups.length).toBe(4);
    expect(lookups[0]).toBe(start);
    expect(lookups[3]).toBeGreaterThanOrEqual(start + 7000);
  });

  it("stops after a bounded number of lookups and stays unknown when the venue's clock does not move", async () => {
    const { v, lookups, start } = absentVenue(false);
    const r = await resolveOrderOutcome(v, { symbol: "BTCUSDT", clientOrderId: "x", sentAfter: start }, policy);
    expect(r.outcome).toBe("unknown");
    expect(lookups.length).toBe(5);
  });
});
