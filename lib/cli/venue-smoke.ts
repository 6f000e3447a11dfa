import type { Instrument } from "../core/instrument";
import { isTradelabError } from "../core/errors";
import { createLogger } from "../infra/logger";
import { registerSecret } from "../infra/secret-registry";
import { silentLogger } from "../infra/http/logger";
import { createVenueAdapters, venueCapabilities, type VenueAdapters } from "../venues/registry";
import { type CliIo, defineCommand, runCommand, UsageError } from "./args";

const VENUES = ["binance-testnet", "binance", "binance-futures", "binance-futures-testnet", "replay"] as const;

export const venueSmokeCommand = defineCommand({
  command: "npm run venue:smoke --",
  summary: "Check a live venue end to end over the network: clock, filters, klines, stream, account, user data stream, and (optionally) a far-from-market order placed and cancelled.",
  flags: {
    venue: { type: "string", description: `venue to check: ${VENUES.join(", ")}`, choices: VENUES, default: "binance-testnet", valueName: "name" },
    symbol: { type: "string", description: "symbol to use", default: "BTCUSDT" },
    restUrl: { type: "string", description: "override the REST base URL (e.g. a replay exchange)", valueName: "url" },
    wsUrl: { type: "string", description: "override the WebSocket base URL", valueName: "url" },
    streamSeconds: { type: "integer", description: "wait this long for one closed 1m kline on the stream (0 skips)", default: 70, min: 0 },
    trade: { type: "boolean", description: "place a LIMIT buy 20% below the market, query it, cancel it" },
    iUnderstandRealMoney: { type: "boolean", description: "allow --trade on a real-money venue" },
    verbose: { type: "boolean", description: "log adapter activity (credentials masked) to stderr" },
  },
  examples: [
    "BINANCE_API_KEY=... BINANCE_API_SECRET=... npm run venue:smoke -- --venue binance-testnet --trade",
    "npm run venue:smoke -- --venue binance --stream-seconds 0",
  ],
  notes: [
    "Credentials come from the environment: BINANCE_API_KEY and BINANCE_API_SECRET. Without them only the",
    "public checks run. Keys are never printed. Needs network access; not part of the test suite.",
    "Exit codes: 0 every check passed, 1 a check failed, 2 usage error.",
  ],
});

interface Check {
  name: string;
  run: () => Promise<string>;
}

function lastClosedMinute(now: number): number {
  return Math.floor(now / 60_000) * 60_000;
}

async function streamCheck(ad: VenueAdapters, symbol: string, seconds: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  let sub: { close(): Promise<void> } | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no closed kline within ${seconds} s`)), seconds * 1000);
      void ad.marketData!.subscribeBars([symbol], "1m", {
        onBar: (e) => resolve(`closed bar ${new Date(e.bar.ts).toISOString()} close ${e.bar.close}`),
        onError: (e) => reject(e),
      }).then((s) => (sub = s), reject);
    });
  } finally {
    clearTimeout(timer);
    await sub?.close();
  }
}

function farLimit(inst: Instrument, last: number): { price: number; qty: number } {
  const tick = inst.tickSize || 0.01;
  const price = Math.floor((last * 0.8) / tick) * tick;
  const step = inst.stepSize || 0.00001;
  const qty = Math.max(inst.minQty, Math.ceil(((inst.minNotional || 10) * 1.2) / price / step) * step);
  return { price: Number(price.toFixed(10)), qty: Number(qty.toFixed(10)) };
}

export async function venueSmokeMain(f: { venue: string; symbol: string; restUrl?: string; wsUrl?: string; streamSeconds: number; trade: boolean; iUnderstandRealMoney: boolean; verbose: boolean }, io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  const caps = venueCapabilities(f.venue);
  const apiKey = env.BINANCE_API_KEY;
  const apiSecret = env.BINANCE_API_SECRET;
  registerSecret(apiKey);
  registerSecret(apiSecret);
  const keys = apiKey && apiSecret ? { apiKey, apiSecret } : {};
  if (f.trade && caps.realMoney && !f.iUnderstandRealMoney) throw new UsageError(`--trade on ${f.venue} uses real money: add --i-understand-real-money`);
  if (f.trade && !("apiKey" in keys)) throw new UsageError("--trade needs BINANCE_API_KEY and BINANCE_API_SECRET in the environment");
  const cfg = { ...keys, ...(f.restUrl ? { restBaseUrl: f.restUrl } : {}), ...(f.wsUrl ? { wsBaseUrl: f.wsUrl } : {}) };
  const logger = f.verbose ? createLogger({ level: "debug", stream: process.stderr, name: "venue-smoke" }) : silentLogger;
  const ad = createVenueAdapters(f.venue, cfg, { logger });
  const symbol = f.symbol;
  let inst: Instrument | undefined;
  let last = 0;
  let drift = 0;
  const checks: Check[] = [
    {
      name: "clock",
      run: async () => {
        drift = await ad.exchangeInfo!.clockDriftMs!();
        return `venue - local = ${drift} ms`;
      },
    },
    {
      name: "exchangeInfo",
      run: async () => {
        [inst] = await ad.exchangeInfo!.instruments([symbol]);
        return `tick ${inst!.tickSize}, step ${inst!.stepSize}, minQty ${inst!.minQty}, minNotional ${inst!.minNotional}`;
      },
    },
    {
      name: "klines",
      run: async () => {
        const to = lastClosedMinute(Date.now() + drift); // venue time (the replay exchange runs in the past)
        const bars = await ad.marketData!.history({ symbol, timeframe: "1m", from: to - 1500 * 60_000, to });
        if (bars.length === 0) throw new Error("no bars returned");
        last = bars[bars.length - 1]!.close;
        return `${bars.length} closed 1m bars, last ${new Date(bars[bars.length - 1]!.ts).toISOString()} close ${last}`;
      },
    },
  ];
  if (f.streamSeconds > 0) checks.push({ name: "kline stream", run: () => streamCheck(ad, symbol, f.streamSeconds) });
  if (caps.execution && "apiKey" in keys) {
    const ex = ad.execution!;
    checks.push(
      { name: "fees", run: async () => JSON.stringify(await ad.exchangeInfo!.fees(symbol)) },
      { name: "balances", run: async () => `${(await ex.balances()).length} assets` },
      { name: "open orders", run: async () => `${(await ex.openOrders(symbol)).length} open in ${symbol}` },
      {
        name: "user data stream",
        run: async () => {
          const s = await ex.subscribe({});
          await s.close();
          return "user data subscribed over the WebSocket API and closed";
        },
      },
    );
    if (f.trade) {
      checks.push({
        name: "order round trip",
        run: async () => {
          if (!inst || !(last > 0)) throw new Error("needs the exchangeInfo and klines checks");
          const { price, qty } = farLimit(inst, last);
          const id = `smoke-${Date.now().toString(36)}`;
          const placed = await ex.submit({ clientOrderId: id, symbol, side: "buy", type: "limit", qty, price, timeInForce: "GTC" });
          if (!placed.ok) throw placed.error;
          const q = await ex.getOrder(symbol, id);
          if (!q.ok) throw q.error;
          const c = await ex.cancel(symbol, id);
          if (!c.ok) throw c.error;
          return `LIMIT BUY ${qty} @ ${price}: ${placed.value.status} -> ${q.value.status} -> ${c.value.status}`;
        },
      });
    }
  } else if (caps.execution) {
    io.out("(no BINANCE_API_KEY/BINANCE_API_SECRET: account checks skipped)");
  }
  io.out(`venue:smoke ${f.venue} ${symbol}`);
  let failed = 0;
  for (const c of checks) {
    const t0 = Date.now();
    try {
      const what = await c.run();
      io.out(`  ok    ${c.name.padEnd(18)} ${what} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      const code = isTradelabError(e) ? `${e.code}: ` : "";
      io.out(`  FAIL  ${c.name.padEnd(18)} ${code}${e instanceof Error ? e.message : String(e)} (${Date.now() - t0} ms)`);
    }
  }
  io.out(`venue:smoke: ${checks.length - failed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

export function main(argv: readonly string[]): Promise<number> {
  return runCommand(venueSmokeCommand, argv, (a, io) => venueSmokeMain(a.flags, io, process.env));
}

if (/venue-smoke\.ts$/.test(process.argv[1] ?? "")) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = e instanceof UsageError ? 2 : 1;
    },
  );
}
