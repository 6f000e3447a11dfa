import { z } from "zod";
import { exchangeSchema } from "./exchange";
import { executionSchema, feesSchema, latencySchema, slippageSchema } from "./execution";
import { noTradeSchema } from "./no-trade";
import { riskSchema } from "./risk";

/**
 * Modular files (execution.yaml, fees.yaml, ...) are fragments of a full config: they hold the same
 * key paths (`execution.fees.takerBps` in fees.yaml and in config_live.yaml alike), so importing them
 * merges them in place and error paths read the same everywhere. Each kind allows only its section.
 */

export const executionFileSchema = z.strictObject({ kind: z.literal("execution"), execution: executionSchema });
export const feesFileSchema = z.strictObject({ kind: z.literal("fees"), execution: z.strictObject({ fees: feesSchema }) });
export const slippageFileSchema = z.strictObject({ kind: z.literal("slippage"), execution: z.strictObject({ slippage: slippageSchema }) });
export const latencyFileSchema = z.strictObject({ kind: z.literal("latency"), execution: z.strictObject({ latency: latencySchema }) });
export const riskFileSchema = z.strictObject({ kind: z.literal("risk"), risk: riskSchema });
export const noTradeFileSchema = z.strictObject({ kind: z.literal("noTrade"), noTrade: noTradeSchema });
export const exchangeFileSchema = z.strictObject({ kind: z.literal("exchange"), exchange: exchangeSchema });
