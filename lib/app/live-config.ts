import type { ConfigOf } from "../config/kinds";
import { deepFreeze } from "../config/freeze";
import { resolveConfig, validateConfig } from "../config/loader";
import { liveConfigSchema } from "../config/schemas/live";
import { ConfigError } from "../core/errors";

export type LiveConfig = ConfigOf<"live">;

/** Command-line choices that override the live config. */
export interface LiveOverrides {
  model?: string;
  venue?: string;
  symbols?: readonly string[];
  speed?: number;
  maxBars?: number;
  dryRun?: boolean;
  stateDir?: string;
  /** `npm start`: the replay venue, checkpoints/demo, a bounded high-speed run. */
  demo?: boolean;
}

/** Replay speed of `npm start` when --speed is not given (a day of 1m bars in about 45 s). */
export const DEMO_SPEED = 2000;

/** Where each venue family's keys are read from when --venue switches venues on the command line. */
const KEY_ENV: Record<string, [string, string]> = {
  binance: ["BINANCE_API_KEY", "BINANCE_API_SECRET"],
  alpaca: ["APCA_API_KEY_ID", "APCA_API_SECRET_KEY"],
};

/** RSA and Ed25519 key settings for `--venue binance*` (README "Binance keys"); unset variables are left out. */
function binanceKeyEnv(env: Record<string, string | undefined>): Record<string, string | undefined> {
  return { keyType: env.BINANCE_KEY_TYPE || undefined, privateKeyPath: env.BINANCE_PRIVATE_KEY_PATH || undefined, privateKeyPassphrase: env.BINANCE_KEY_PASSPHRASE || undefined };
}

/**
 * Loads config_live.yaml (imports merged, ${ENV} interpolated), applies the command-line overrides
 * and validates the result. `--venue X` different from the file's venue replaces the exchange section
 * with X's (symbols, timeframe and options kept; keys from BINANCE_API_KEY/_SECRET (and BINANCE_KEY_TYPE,
 * BINANCE_PRIVATE_KEY_PATH, BINANCE_KEY_PASSPHRASE for RSA/Ed25519 keys) or
 * APCA_API_KEY_ID/APCA_API_SECRET_KEY), since each venue has its own settings.
 */
export function loadLiveRunConfig(file: string, o: LiveOverrides, env: Record<string, string | undefined>): LiveConfig {
  const resolved = resolveConfig(file, { env });
  const value = resolved.value as { live?: Record<string, unknown>; exchange?: Record<string, unknown> };
  const live: Record<string, unknown> = { ...(value.live ?? {}) };
  let exchange: Record<string, unknown> = { ...(value.exchange ?? {}) };
  if (o.demo) {
    if (o.venue !== undefined && o.venue !== "replay") throw new ConfigError(`--demo runs on the replay venue; got --venue ${o.venue}`, { path: "exchange.venue" });
    if (exchange.venue !== "replay") exchange = { venue: "replay", symbols: exchange.symbols ?? ["BTCUSDT"], timeframe: exchange.timeframe ?? "1m" };
    live.speed = o.speed ?? DEMO_SPEED;
    live.modelPath = o.model ?? "checkpoints/demo";
  }
  if (o.venue !== undefined && o.venue !== exchange.venue) {
    const family = o.venue.startsWith("alpaca") ? "alpaca" : o.venue.startsWith("binance") ? "binance" : undefined;
    const keys = family ? KEY_ENV[family]! : undefined;
    exchange = {
      venue: o.venue,
      symbols: exchange.symbols,
      timeframe: exchange.timeframe,
      options: exchange.options,
      ...(keys ? { apiKey: env[keys[0]] || undefined, apiSecret: env[keys[1]] || undefined } : {}),
      ...(family === "binance" ? binanceKeyEnv(env) : {}),
    };
    if (o.venue !== "replay") live.speed = 1;
  }
  if (o.symbols !== undefined && o.symbols.length > 0) exchange.symbols = [...o.symbols];
  if (o.model !== undefined) live.modelPath = o.model;
  if (o.speed !== undefined) live.speed = o.speed;
  if (o.maxBars !== undefined) live.maxBars = o.maxBars;
  if (o.dryRun) live.dryRun = true;
  if (o.stateDir !== undefined) live.stateDir = o.stateDir;
  resolved.value = { ...resolved.value, kind: resolved.value.kind ?? "live", live, exchange };
  for (const [k, v] of Object.entries(exchange)) if (v === undefined) delete exchange[k];
  return deepFreeze(validateConfig(liveConfigSchema, resolved)) as LiveConfig;
}
