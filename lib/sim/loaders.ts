import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import type { ExecutionConfig } from "../config/schemas/execution";
import { DataError } from "../core/errors";
import type { InstrumentTable } from "./binance-filters";
import { parseBinanceFilters } from "./binance-filters";
import type { ExecutionData } from "./execution-models";
import type { FeeTable } from "./fee-model";
import type { Seasonality } from "./latency-model";
import { parseSeasonality } from "./latency-model";
import type { SlippageProfile } from "./slippage-profile";
import { slippageProfileSchema } from "./slippage-profile";

/** Reads and parses a JSON file; DATA_NOT_FOUND when missing, PARSE_ERROR when not JSON. */
export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new DataError(`${what} not found: ${path} (${(e as Error).message})`, { file: path }, "DATA_NOT_FOUND");
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new DataError(`${what} ${path} is not valid JSON: ${(e as Error).message}`, { file: path }, "PARSE_ERROR");
  }
}

function zodFail(source: string, error: z.ZodError): never {
  const issue = error.issues[0]!;
  throw new DataError(`${source}: ${issue.path.join(".") || "(root)"}: ${issue.message}`, { file: source, path: issue.path.join(".") });
}

const rateSchema = z.looseObject({ makerBps: z.number().finite(), takerBps: z.number().finite() });

/** data/fees/fees_by_symbol.json: `{ meta?, default?, symbols: { BTCUSDT: { makerBps, takerBps } } }`. */
export const feeFileSchema = z.looseObject({
  meta: z.record(z.string(), z.unknown()).optional(),
  default: rateSchema.optional(),
  symbols: z.record(z.string(), rateSchema),
});

/** Per-symbol rates from a parsed fee file (the file's `default` is informational; the config holds the fallback). */
export function parseFeeTable(payload: unknown, source = "fees file"): FeeTable {
  const r = feeFileSchema.safeParse(payload);
  if (!r.success) zodFail(source, r.error);
  const out: Record<string, { makerBps: number; takerBps: number }> = {};
  for (const [sym, v] of Object.entries(r.data.symbols)) out[sym] = { makerBps: v.makerBps, takerBps: v.takerBps };
  return out;
}

export function parseSlippageProfile(payload: unknown, source = "slippage profile"): SlippageProfile {
  const r = slippageProfileSchema.safeParse(payload);
  if (!r.success) zodFail(source, r.error);
  return r.data;
}

export function loadFeeTable(path: string): FeeTable {
  return parseFeeTable(readJsonFile(path, "fee file"), path);
}

export function loadInstruments(path: string): InstrumentTable {
  return parseBinanceFilters(readJsonFile(path, "exchange filters file"), { source: path });
}

export function loadSlippageProfile(path: string): SlippageProfile {
  return parseSlippageProfile(readJsonFile(path, "slippage profile"), path);
}

export function loadSeasonality(path: string): Seasonality {
  return parseSeasonality(readJsonFile(path, "latency seasonality file"), path);
}

/**
 * Loads every file an execution config refers to, relative to `root` (default: the working
 * directory): fees (crypto), filters (when enforced), the slippage profile (kind "profile") and
 * the latency seasonality (when set and latency is enabled).
 */
export function loadExecutionData(cfg: ExecutionConfig, root: string = process.cwd()): ExecutionData {
  const data: ExecutionData = {};
  if (cfg.fees.kind === "crypto") data.feeTable = loadFeeTable(resolve(root, cfg.fees.file));
  if (cfg.filters.enforce) data.instruments = loadInstruments(resolve(root, cfg.filters.file));
  if (cfg.slippage.kind === "profile" && cfg.slippage.profileFile !== undefined) data.profile = loadSlippageProfile(resolve(root, cfg.slippage.profileFile));
  if (cfg.latency.enabled && cfg.latency.seasonalityFile !== undefined) data.seasonality = loadSeasonality(resolve(root, cfg.latency.seasonalityFile));
  return data;
}
